// Chromium begin/end events of one trace file → spans (torch-trace-format.md §6). An `E` closes the latest
// open `B` of the same name: `tid` is always 0, so helper threads' spans interleave with the main thread's
// and a strict stack would mis-pair them. Spans that overlap form a group (the file is between groups when
// nothing is open); a group is released when the next group begins, at `flush()` or at the end, because
// PyTorch logs instant cache events after later-timestamped `E`s of the same group. Within a released group,
// parents come from time containment and instants become span events on the innermost enclosing span.
//
// One trace per compile: a group whose first span has a compile id (`args.compile_id`) gets the trace id
// hash(file, compile id), so the forward compile and a lazily compiled backward of `0/0` share one trace;
// groups outside a compile (`compile_file` with `"None"`) get a trace of their own. Ids are hashes of the
// file and the envelope's line, so a re-read of the same file sends the same ids.
import { hash } from "node:crypto";
import type { Attributes } from "@opentelemetry/api";
import type { HrTime } from "../pytorch-line/resolve-log-time.ts";
import { flattenFields, TRACE_ATTRIBUTES } from "./trace-attributes.ts";

/** The Chrome trace event object of a `chromium_event` payload. */
export interface ChromiumEvent {
  readonly name: string;
  readonly ph: string;
  /** Epoch microseconds (a float: the fraction is sub-µs). */
  readonly ts: number;
  readonly args?: Readonly<Record<string, unknown>> | null;
}

export interface TraceSpanEvent {
  readonly name: string;
  readonly time: HrTime;
  readonly attributes: Attributes;
}

/** A finished span, ready for an exporter. Ids are lowercase hex (32 and 16 digits). */
export interface TraceSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly attributes: Attributes;
  readonly events: readonly TraceSpanEvent[];
}

export interface ChromiumSpanBuilderOptions {
  /** Identifies the file in the ids (e.g. `name:pid`); the same file gives the same ids. */
  readonly fileKey: string;
  /** Added to every span (rank, pid, file name). */
  readonly attributes: Attributes;
  /** Called for each number of an event's `args` left out because it overflowed (`1e400`). Default: none. */
  readonly onBadNumber?: () => void;
}

export interface ChromiumSpanStats {
  spans: number;
  instants: number;
  /** `E` events with no open `B` of that name (dropped). */
  unmatchedEnds: number;
  /** `B` events never closed (closed at the end of the file and marked). */
  unclosed: number;
  /**
   * Chromium payloads that are not a JSON event object with a name, a phase and a time (`ts`, epoch µs, from
   * 0 to MAX_TS_MICROS: `1e400` reads as Infinity), dropped.
   */
  badEvents: number;
}

interface SpanDraft {
  readonly name: string;
  readonly spanId: string;
  readonly start: number;
  end: number;
  readonly attributes: Attributes;
  readonly compileId: string | undefined;
  readonly events: TraceSpanEvent[];
}

interface Instant {
  readonly ts: number;
  readonly event: TraceSpanEvent;
  readonly compileId: string | undefined;
}

interface Group {
  /** Fixed by the group's first `B`: hash(file, its compile id), else hash(file, its span id). */
  readonly traceId: string;
  readonly spans: SpanDraft[];
  readonly instants: Instant[];
}

/** The trace of a compile and the span that started it: what a log record of that compile links to. */
export interface CompileTraceContext {
  readonly traceId: string;
  readonly spanId: string;
}

export class ChromiumSpanBuilder {
  readonly stats: ChromiumSpanStats = { spans: 0, instants: 0, unmatchedEnds: 0, unclosed: 0, badEvents: 0 };
  readonly #fileKey: string;
  readonly #attributes: Attributes;
  readonly #onBadNumber: () => void;
  #open: SpanDraft[] = [];
  #group: Group | undefined;
  /** A group that closed and waits for late instant events. */
  #held: Group | undefined;
  #latestTs = 0;
  /** The first group of each compile id. */
  readonly #compiles = new Map<string, CompileTraceContext>();

  constructor(options: ChromiumSpanBuilderOptions) {
    this.#fileKey = options.fileKey;
    this.#attributes = options.attributes;
    this.#onBadNumber = options.onBadNumber ?? (() => {});
  }

  /** Parses a chromium payload; `undefined` (counted) when it is not an event object. */
  parse(payload: string | undefined): ChromiumEvent | undefined {
    let event: unknown;
    try {
      event = payload === undefined ? undefined : JSON.parse(payload);
    } catch {
      event = undefined;
    }
    const e = event as Partial<ChromiumEvent> | undefined;
    if (
      e === undefined ||
      e === null ||
      typeof e.name !== "string" ||
      typeof e.ph !== "string" ||
      typeof e.ts !== "number" ||
      !(e.ts >= 0 && e.ts <= MAX_TS_MICROS)
    ) {
      this.stats.badEvents++;
      return undefined;
    }
    return e as ChromiumEvent;
  }

  /** Adds one event (from the envelope at `lineNumber`); returns the spans that became final. */
  add(event: ChromiumEvent, lineNumber: number, context: Attributes): TraceSpan[] {
    if (event.ts > this.#latestTs) this.#latestTs = event.ts;
    const released: TraceSpan[] = [];
    switch (event.ph) {
      case "B": {
        const compileId = compileIdOf(event);
        const spanId = hashHex(`${this.#fileKey}\0${lineNumber}`, 16);
        if (this.#group === undefined) {
          if (this.#held !== undefined) released.push(...this.#release(this.#held));
          this.#held = undefined;
          const traceId = this.#traceIdOf(compileId, spanId);
          this.#group = { traceId, spans: [], instants: [] };
          if (compileId !== undefined && !this.#compiles.has(compileId)) {
            this.#compiles.set(compileId, { traceId, spanId });
            // Bounded: a process compiles a few thousand frames at most; beyond, the oldest are forgotten.
            if (this.#compiles.size > MAX_COMPILES)
              this.#compiles.delete(this.#compiles.keys().next().value as string);
          }
        }
        const attributes: Attributes = { ...this.#attributes, ...context };
        if (compileId !== undefined) attributes[TRACE_ATTRIBUTES.compileId] = compileId;
        this.#flatten(attributes, event.args);
        const draft: SpanDraft = {
          name: event.name,
          spanId,
          start: event.ts,
          end: event.ts,
          attributes,
          compileId,
          events: [],
        };
        this.#open.push(draft);
        this.#group.spans.push(draft);
        break;
      }
      case "E": {
        const index = this.#open.findLastIndex((span) => span.name === event.name);
        const draft = this.#open[index];
        if (draft === undefined) {
          this.stats.unmatchedEnds++;
          break;
        }
        this.#open.splice(index, 1);
        draft.end = Math.max(event.ts, draft.start);
        this.#flatten(draft.attributes, event.args);
        if (this.#open.length === 0) {
          this.#held = this.#group;
          this.#group = undefined;
        }
        break;
      }
      default: {
        // "i"/"I" instant events (and any other phase): a point in time.
        this.stats.instants++;
        const attributes: Attributes = { ...context };
        const compileId = compileIdOf(event);
        if (compileId !== undefined) attributes[TRACE_ATTRIBUTES.compileId] = compileId;
        this.#flatten(attributes, event.args);
        const instant = {
          ts: event.ts,
          event: { name: event.name, time: toHrTime(event.ts), attributes },
          compileId,
        };
        const group = this.#group ?? this.#held;
        if (group !== undefined) group.instants.push(instant);
        else released.push(this.#standalone(instant, lineNumber));
      }
    }
    return released;
  }

  /**
   * The trace a log record of compile `compileId` (PyTorch's form; an attempt suffix `_N` is ignored) belongs
   * to: the trace of the compile's spans and the span that started it, once its first `B` has been read.
   */
  compileTrace(compileId: string): CompileTraceContext | undefined {
    const underscore = compileId.lastIndexOf("_");
    return this.#compiles.get(underscore === -1 ? compileId : compileId.slice(0, underscore));
  }

  #flatten(attributes: Attributes, args: ChromiumEvent["args"]): void {
    for (let bad = flattenFields(attributes, TRACE_ATTRIBUTES.argsPrefix, args, "compile_id"); bad > 0; bad--)
      this.#onBadNumber();
  }

  #traceIdOf(compileId: string | undefined, spanId: string): string {
    return hashHex(
      compileId === undefined ? `${this.#fileKey}\0span ${spanId}` : `${this.#fileKey}\0compile ${compileId}`,
      32,
    );
  }

  /** Releases a closed group (the file is quiet: late instants are not coming). */
  flush(): TraceSpan[] {
    const held = this.#held;
    this.#held = undefined;
    return held === undefined ? [] : this.#release(held);
  }

  /** The end of the file: open spans end at the latest time seen, marked unclosed. */
  end(): TraceSpan[] {
    const released = this.flush();
    if (this.#group !== undefined) {
      for (const draft of this.#open) {
        draft.end = Math.max(this.#latestTs, draft.start);
        draft.attributes[TRACE_ATTRIBUTES.unclosed] = true;
        this.stats.unclosed++;
      }
      released.push(...this.#release(this.#group));
    }
    this.#open = [];
    this.#group = undefined;
    return released;
  }

  #release(group: Group): TraceSpan[] {
    const spans = [...group.spans].sort((x, y) => x.start - y.start || y.end - x.end);
    const root = spans[0];
    if (root === undefined) return [];
    const traceId = group.traceId;
    const parents = new Map<SpanDraft, SpanDraft | undefined>();
    const ancestors: SpanDraft[] = [];
    for (const span of spans) {
      while (ancestors.length > 0) {
        const top = ancestors[ancestors.length - 1] as SpanDraft;
        if (top.start <= span.start && span.end <= top.end) break;
        ancestors.pop();
      }
      // A helper thread's span that only partly overlaps: attached to the group's root.
      parents.set(span, span === root ? undefined : (ancestors[ancestors.length - 1] ?? root));
      ancestors.push(span);
    }
    for (const instant of group.instants) {
      let target = root;
      for (const span of spans) {
        if (span.start <= instant.ts && instant.ts <= span.end && span.start >= target.start) target = span;
      }
      target.events.push(instant.event);
    }
    this.stats.spans += spans.length;
    return spans.map((span) => ({
      name: span.name,
      traceId,
      spanId: span.spanId,
      parentSpanId: parents.get(span)?.spanId,
      startTime: toHrTime(span.start),
      endTime: toHrTime(span.end),
      attributes: span.attributes,
      events: span.events.sort((x, y) => x.time[0] - y.time[0] || x.time[1] - y.time[1]),
    }));
  }

  /** An instant outside any span: a zero-length span of its own. */
  #standalone(instant: Instant, lineNumber: number): TraceSpan {
    const spanId = hashHex(`${this.#fileKey}\0${lineNumber}`, 16);
    this.stats.spans++;
    return {
      name: instant.event.name,
      traceId: this.#traceIdOf(instant.compileId, spanId),
      spanId,
      parentSpanId: undefined,
      startTime: instant.event.time,
      endTime: instant.event.time,
      attributes: { ...this.#attributes, ...instant.event.attributes },
      events: [],
    };
  }
}

const MAX_COMPILES = 10_000;

/**
 * The latest event time taken, in epoch µs: 2^53 µs is in the year 2255, and as nanoseconds (OTLP's uint64)
 * it stays below 2^64.
 */
export const MAX_TS_MICROS = 2 ** 53;

function compileIdOf(event: ChromiumEvent): string | undefined {
  const id = event.args?.compile_id;
  return typeof id === "string" && id !== "None" && id !== "" ? id : undefined;
}

/** Epoch µs (float) → HrTime, without the precision a single ns number would lose. */
export function toHrTime(micros: number): HrTime {
  const seconds = Math.floor(micros / 1e6);
  const nanos = Math.round((micros - seconds * 1e6) * 1000);
  return nanos >= 1e9 ? [seconds + 1, nanos - 1e9] : [seconds, nanos];
}

function hashHex(text: string, digits: number): string {
  const hex = hash("md5", text, "hex").slice(0, digits);
  // An all-zero id is invalid in OTLP.
  return /^0+$/.test(hex) ? `${"0".repeat(digits - 1)}1` : hex;
}
