// Facts of raw.jsonl: every envelope tlparse read (its event, compile id, source line, process, rank), its
// metadata, its payload (the file raw.jsonl names), its stack and its time.

import { TRACE_CONTEXT_KEYS } from "../../src/trace/trace-envelope.ts";
import { type Fact, fact } from "./fact.ts";
import type { TlparseOutput } from "./tlparse-output.ts";
import type { TraceLog, TraceOutputIndex } from "./trace-output-index.ts";
import { compileDir } from "./trace-output-index.ts";
import { deepEqual, framesOf, metadataOf, tracebackHas } from "./trace-record-views.ts";

/** Keys of a raw.jsonl line that are not the event: PyTorch's context keys and the fields tlparse adds. */
const CONTEXT = new Set([...TRACE_CONTEXT_KEYS, "lineno", "payload_filename"]);

const QUARTER_HOUR_US = 15n * 60n * 1_000_000n;

export interface MatchedEnvelope {
  readonly line: Record<string, unknown>;
  readonly log: TraceLog | undefined;
}

/** The facts, and which trace record each raw.jsonl line matched (for the other fact readers). */
export function rawJsonlFacts(
  out: TlparseOutput,
  trace: TraceOutputIndex,
): { facts: Fact[]; used: Set<TraceLog> } {
  const facts: Fact[] = [];
  const used = new Set<TraceLog>();
  let offsetUs: bigint | undefined;
  out.raw.forEach((line, i) => {
    const keys = Object.keys(line).filter((k) => !CONTEXT.has(k));
    const where = `${out.label}raw.jsonl line ${i + 2}`;
    if (keys.length !== 1) {
      facts.push(
        fact(
          "envelope",
          where,
          JSON.stringify(line).slice(0, 200),
          `no single event key (${keys.join(", ")})`,
        ),
      );
      return;
    }
    const key = keys[0] as string;
    const dir = compileDir(line.compiled_autograd_id, line.frame_id, line.frame_compile_id, line.attempt);
    const path = String(line.pathname ?? "").trim();
    const what = `${key} in ${dir} from ${path}:${String(line.lineno)} (pid ${String(line.thread)})`;
    const candidates = trace.logsIn(out.rank, dir).filter((log) => log.key === key && !used.has(log));
    const log = candidates.find(
      (c) =>
        c.attributes["code.file.path"] === path &&
        c.attributes["code.line.number"] === line.lineno &&
        c.attributes["process.pid"] === line.thread,
    );
    if (log === undefined) {
      // The envelope's other facts are missed with it (counted, so that the total does not shrink).
      const why = `no such log record (${candidates.length} unmatched ${key} records in ${dir})`;
      facts.push(fact("envelope", where, what, why));
      facts.push(fact("metadata", where, `${key} metadata`, "its record is missing"));
      if (line.stack !== undefined)
        facts.push(fact("stack", where, "envelope stack", "its record is missing"));
      if (typeof line.payload_filename === "string")
        facts.push(fact("payload", where, `payload ${line.payload_filename}`, "its record is missing"));
      facts.push(fact("time", where, `local time ${String(line.timestamp)}`, "its record is missing"));
      return;
    }
    used.add(log);
    const envelopeRank = log.attributes["torch.trace.envelope_rank"] ?? log.attributes["torch.rank"];
    const rankMiss =
      typeof line.rank === "number" && envelopeRank !== line.rank
        ? `rank ${String(envelopeRank)}, not ${line.rank}`
        : undefined;
    facts.push(
      fact(
        "envelope",
        where,
        `${what}${line.rank === undefined ? "" : ` rank ${String(line.rank)}`}`,
        rankMiss,
      ),
    );
    facts.push(metadataFact(where, key, line[key], log, out.stringTable));
    if (line.stack !== undefined) {
      const frames = framesOf(line.stack, out.stringTable);
      // code.stacktrace holds the metadata's own stack when it has one; the envelope's is then apart.
      const ok =
        tracebackHas(log.attributes["torch.trace.envelope_stacktrace"], frames) ||
        tracebackHas(log.attributes["code.stacktrace"], frames);
      facts.push(
        fact(
          "stack",
          where,
          `envelope stack of ${frames.length} frames`,
          ok ? undefined : "no attribute holds them",
        ),
      );
    }
    if (typeof line.payload_filename === "string")
      facts.push(payloadFact(out, where, line.payload_filename, log));
    const time = timeFact(where, String(line.timestamp), log, offsetUs);
    offsetUs ??= time.offsetUs;
    facts.push(time.fact);
  });
  return { facts, used };
}

function metadataFact(
  where: string,
  key: string,
  value: unknown,
  log: TraceLog,
  table: readonly (string | null)[],
): Fact {
  const what = `${key} metadata ${JSON.stringify(value).slice(0, 120)}`;
  const carried = metadataOf(log);
  if (log.attributes["torch.trace.payload.md5"] === undefined)
    return fact(
      "metadata",
      where,
      what,
      deepEqual(carried, value) ? undefined : `body ${log.body.slice(0, 120)}`,
    );
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return fact("metadata", where, what, "metadata of a payload record is not an object");
  const missing: string[] = [];
  for (const [field, expected] of Object.entries(value as Record<string, unknown>)) {
    if (field === "stack") {
      if (!tracebackHas(log.attributes["code.stacktrace"], framesOf(expected, table))) missing.push("stack");
      continue;
    }
    const got = carried?.[field];
    if (expected === null ? got !== undefined : !sameField(got, expected)) missing.push(field);
  }
  return fact(
    "metadata",
    where,
    what,
    missing.length === 0 ? undefined : `fields ${missing.join(", ")} differ`,
  );
}

/** A metadata field as an attribute: scalars as they are, objects and arrays as JSON text. */
function sameField(attribute: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === "object") {
    if (typeof attribute !== "string") return false;
    try {
      return deepEqual(JSON.parse(attribute), expected);
    } catch {
      return false;
    }
  }
  return attribute === expected;
}

function payloadFact(out: TlparseOutput, where: string, file: string, log: TraceLog): Fact {
  const written = out.read(file);
  const what = `payload ${file} (${written.length} chars)`;
  if (written === log.body) return fact("payload", where, what);
  // JSON artifacts are pretty-printed by tlparse (its format_json_pretty): the same value is the same fact.
  if (file.endsWith(".json")) {
    try {
      if (deepEqual(JSON.parse(written), JSON.parse(log.body))) return fact("payload", where, what);
    } catch {
      // not JSON on one side: compared as text above
    }
  }
  // A payload the file's MD5 disowns (hand-edited): tlparse drops its blank lines (never valid, it says), `trace`
  // keeps a blank line followed by more payload as an empty payload line (an editor's stripped tab).
  if (log.attributes["torch.trace.payload.md5"] === "mismatch" && withoutBlankLines(log.body) === written)
    return fact("payload", where, `${what}, blank lines apart`);
  return fact(
    "payload",
    where,
    what,
    `body differs (${log.body.length} chars${firstDifference(written, log.body)})`,
  );
}

function withoutBlankLines(text: string): string {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .join("\n");
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `, first difference at ${i}: ${JSON.stringify(a.slice(i, i + 20))} vs ${JSON.stringify(b.slice(i, i + 20))}`;
}

/**
 * tlparse's `timestamp` is the prefix's local time with this year and a `Z`; `trace` resolves the same local time
 * to an instant with the file's UTC offset. The fact: the local time and the instant differ by one offset, the
 * same for every record of the file, a whole number of quarter hours.
 */
function timeFact(
  where: string,
  timestamp: string,
  log: TraceLog,
  offsetUs: bigint | undefined,
): { fact: Fact; offsetUs: bigint | undefined } {
  const m = /^\d{4}-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})Z$/.exec(timestamp);
  const what = `local time ${timestamp.slice(5, -1)}`;
  if (m === null) return { fact: fact("time", where, what, "timestamp not understood"), offsetUs };
  const instantUs = BigInt(log.timeUnixNano) / 1000n;
  const year = new Date(Number(instantUs / 1000n)).getUTCFullYear();
  const [month, day, hour, minute, second] = m.slice(1, 6).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const localUs =
    BigInt(Date.UTC(year, month - 1, day, hour, minute, second)) * 1000n + BigInt(m[6] as string);
  let diff = localUs - instantUs;
  // Around New Year the instant's year and the local date's differ by one.
  if (diff > 200n * 86_400_000_000n) diff -= BigInt(Date.UTC(year, 0, 1) - Date.UTC(year - 1, 0, 1)) * 1000n;
  if (diff < -200n * 86_400_000_000n) diff += BigInt(Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) * 1000n;
  const expected = offsetUs ?? diff;
  const ok = diff === expected && diff % QUARTER_HOUR_US === 0n;
  return {
    fact: fact(
      "time",
      where,
      what,
      ok ? undefined : `instant ${log.timeUnixNano} is ${diff} µs from it, not ${expected}`,
    ),
    offsetUs: expected,
  };
}
