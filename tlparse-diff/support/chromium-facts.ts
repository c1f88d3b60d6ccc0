// Facts of chromium_events.json: each event tlparse kept, as `trace` carries it — a `B` as a span's start (with
// its args), an `E` as that span's end, an instant as a span event (or a zero-length span of its own).
import { type Fact, fact } from "./fact.ts";
import type { TlparseOutput } from "./tlparse-output.ts";
import type { Attributes, TraceOutputIndex, TraceSpan } from "./trace-output-index.ts";
import { sameNumber } from "./trace-record-views.ts";

/** Epoch µs (a float) as the nanoseconds `trace` writes. */
function nanos(ts: number): bigint {
  const whole = Math.floor(ts);
  return BigInt(whole) * 1000n + BigInt(Math.round((ts - whole) * 1000));
}

function near(text: string, expected: bigint): boolean {
  const diff = BigInt(text) - expected;
  return diff >= -1n && diff <= 1n;
}

export function chromiumFacts(out: TlparseOutput, trace: TraceOutputIndex): Fact[] {
  const spans = trace.spansOfRank(out.rank);
  const started = new Set<TraceSpan>();
  const ended = new Set<TraceSpan>();
  const instants = new Set<unknown>();
  return out.chromiumEvents.map((event, i) => {
    const name = String(event.name);
    const ph = String(event.ph);
    const ts = Number(event.ts);
    const where = `${out.label}chromium_events.json #${i}`;
    const what = `${ph} ${name} at ${ts}`;
    const time = nanos(ts);
    if (ph === "B" || ph === "X") {
      const span = spans.find((s) => !started.has(s) && s.name === name && near(s.startTimeUnixNano, time));
      if (span === undefined) return fact("chromium event", where, what, "no span starts then");
      started.add(span);
      if (ph === "X" && !near(span.endTimeUnixNano, nanos(ts + Number(event.dur))))
        return fact("chromium event", where, what, "its end differs");
      return argsFact(where, what, event.args, span.attributes);
    }
    if (ph === "E") {
      const span = spans.find((s) => !ended.has(s) && s.name === name && near(s.endTimeUnixNano, time));
      if (span === undefined) return fact("chromium event", where, what, "no span ends then");
      ended.add(span);
      return argsFact(where, what, event.args, span.attributes);
    }
    for (const span of spans) {
      const found = span.events.find(
        (e) => !instants.has(e) && e.name === name && near(e.timeUnixNano, time),
      );
      if (found !== undefined) {
        instants.add(found);
        return argsFact(where, what, event.args, found.attributes);
      }
    }
    const alone = spans.find(
      (s) =>
        !instants.has(s) &&
        s.name === name &&
        near(s.startTimeUnixNano, time) &&
        s.startTimeUnixNano === s.endTimeUnixNano,
    );
    if (alone === undefined) return fact("chromium event", where, what, "no span event then");
    instants.add(alone);
    return fact("chromium event", where, what);
  });
}

/** The event, found: carried when every one of its args is. */
function argsFact(where: string, what: string, args: unknown, attributes: Attributes): Fact {
  const missing = missingArgs(args, attributes);
  return fact(
    "chromium event",
    where,
    what,
    missing.length === 0 ? undefined : `args ${missing.join(", ")} missing`,
  );
}

/** The event's args not carried as `torch.trace.args.*` (or, `compile_id`, as `torch.compile_id`). */
function missingArgs(args: unknown, attributes: Attributes): string[] {
  if (args === null || typeof args !== "object") return [];
  const missing: string[] = [];
  for (const [key, value] of Object.entries(args as Record<string, unknown>)) {
    if (value === null) continue;
    if (key === "compile_id") {
      if (value !== "None" && attributes["torch.compile_id"] !== value) missing.push(key);
      continue;
    }
    const got = attributes[`torch.trace.args.${key}`];
    const expected = typeof value === "object" ? JSON.stringify(value) : value;
    if (
      got !== expected &&
      !(typeof got === "number" && typeof expected === "number" && sameNumber(got, expected))
    )
      missing.push(key);
  }
  return missing;
}
