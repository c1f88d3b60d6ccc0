// Chromium begin/end events of one trace file → spans (torch-trace-format.md §6). An `E` closes the latest
// open `B` of the same name: `tid` is always 0, so helper threads' spans interleave with the main thread's
// and a strict stack would mis-pair them. Spans that overlap form a group (the file is between groups when
// nothing is open); a group is released when the next group begins, at `flush()` or at the end, because
// PyTorch logs instant cache events after later-timestamped `E`s of the same group. Within a released group,
// parents come from time containment and instants become span events on the innermost enclosing span
// (release-span-group.ts).
//
// One trace per compile: a group whose first span has a compile id (`args.compile_id`) gets its compile's
// trace (compile-traces.ts), so the forward compile and a lazily compiled backward of `0/0` share one trace;
// groups outside a compile (`compile_file` with `"None"`) get a trace of their own. Ids are hashes of the
// file and the envelope's line, so a re-read of the same file sends the same ids.
//
// A `B` whose `E` never comes would keep its group open, and with it every later span of the file. So a
// group is bounded: a compile's `dynamo_start` closes the spans other compiles left open (PyTorch compiles one
// frame at a time per process, and opens nothing of another compile inside one), and a group that grows past
// MAX_GROUP_EVENTS releases its closed spans.
import type { Attributes } from "@opentelemetry/api";
import { type CompileTraceContext, CompileTraces, hashHex } from "./compile-traces.ts";
import {
  type Instant,
  releaseSpanGroup,
  type SpanDraft,
  type TraceSpan,
  toHrTime,
} from "./release-span-group.ts";
import { flattenFields, MAX_ARG_CHARS, TRACE_ATTRIBUTES } from "./trace-attributes.ts";

export type { CompileTraceContext } from "./compile-traces.ts";
export type { TraceSpan, TraceSpanEvent } from "./release-span-group.ts";
export { toHrTime } from "./release-span-group.ts";

/** The Chrome trace event object of a `chromium_event` payload. */
export interface ChromiumEvent {
  readonly name: string;
  readonly ph: string;
  /** Epoch microseconds (a float: the fraction is sub-µs). */
  readonly ts: number;
  readonly args?: Readonly<Record<string, unknown>> | null;
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
  /** `B` events never closed (closed at the end of the file, or when a later compile starts, and marked). */
  unclosed: number;
  /**
   * Chromium payloads that are not a JSON event object with a name, a phase and a time (`ts`, epoch µs, from
   * 0 to MAX_TS_MICROS: `1e400` reads as Infinity), dropped.
   */
  badEvents: number;
}

interface Group {
  /** Fixed by the group's first `B` (its compile, else its span id); a reset found later may change it. */
  traceId: string;
  /** The compile id of the group's first `B`. */
  readonly compileId: string | undefined;
  spans: SpanDraft[];
  instants: Instant[];
}

/** A group holding more spans and instants than this releases its closed spans. */
export const MAX_GROUP_EVENTS = 10_000;

/**
 * The latest event time taken, in epoch µs: 2^53 µs is in the year 2255, and as nanoseconds (OTLP's uint64)
 * it stays below 2^64.
 */
export const MAX_TS_MICROS = 2 ** 53;

export class ChromiumSpanBuilder {
  readonly stats: ChromiumSpanStats = { spans: 0, instants: 0, unmatchedEnds: 0, unclosed: 0, badEvents: 0 };
  readonly #fileKey: string;
  readonly #attributes: Attributes;
  readonly #onBadNumber: () => void;
  readonly #compiles: CompileTraces;
  #open: SpanDraft[] = [];
  #group: Group | undefined;
  /** A group that closed and waits for late instant events. */
  #held: Group | undefined;
  #latestTs = 0;

  constructor(options: ChromiumSpanBuilderOptions) {
    this.#fileKey = options.fileKey;
    this.#attributes = options.attributes;
    this.#onBadNumber = options.onBadNumber ?? (() => {});
    this.#compiles = new CompileTraces(options.fileKey);
  }

  /** How many `torch._dynamo.reset()` calls the file has shown so far (see compile-traces.ts). */
  get resets(): number {
    return this.#compiles.resets;
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
          released.push(...this.flush());
          this.#group = this.#startGroup(compileId, spanId);
        }
        const attributes: Attributes = { ...this.#attributes, ...context };
        if (compileId !== undefined) attributes[TRACE_ATTRIBUTES.compileId] = compileId;
        if (this.resets > 0) attributes[TRACE_ATTRIBUTES.dynamoResets] = this.resets;
        this.#flatten(attributes, event.args);
        const draft: SpanDraft = {
          name: event.name,
          spanId,
          start: event.ts,
          end: event.ts,
          open: true,
          attributes,
          compileId,
          events: [],
        };
        this.#open.push(draft);
        this.#group.spans.push(draft);
        released.push(...this.#bound(this.#group));
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
        draft.open = false;
        this.#flatten(draft.attributes, event.args);
        if (this.#open.length === 0) {
          // A group held since startCompile split it off goes first.
          released.push(...this.flush());
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
        if (group === undefined) {
          released.push(this.#standalone(instant, lineNumber));
          break;
        }
        group.instants.push(instant);
        if (group === this.#group) released.push(...this.#bound(group));
        else if (group.instants.length > MAX_GROUP_EVENTS) released.push(...this.flush());
      }
    }
    return released;
  }

  /**
   * A `dynamo_start` of `compileId` (PyTorch's form, attempt 0): the compile starts, and with it a new trace
   * when the compile id started before (a reset). Spans of other compiles still open cannot end any more:
   * they are closed (marked unclosed) and released apart from this compile's, whose `dynamo` span PyTorch
   * opened just before. Returns the spans that became final.
   */
  startCompile(compileId: string): TraceSpan[] {
    const reset = this.#compiles.start(compileId);
    const group = this.#group;
    if (group === undefined) return [];
    const stuck = this.#open.filter((span) => !isWithin(compileId, span.compileId));
    if (stuck.length === 0) {
      // The group is this compile's: after a reset, its trace is a new one.
      if (reset && group.compileId === compileId) this.#restart(group, compileId);
      return [];
    }
    // Split: this compile's spans (opened since the stuck ones) start a group of their own.
    const own = this.#open.filter((span) => isWithin(compileId, span.compileId));
    for (const span of stuck) this.#close(span);
    const released = this.flush();
    const first = own[0];
    if (first === undefined) {
      this.#open = [];
      this.#group = undefined;
      this.#held = group;
      return released;
    }
    const ownIds = new Set(own.map((span) => span.spanId));
    const split: Group = {
      ...this.#startGroup(compileId, first.spanId, true),
      spans: group.spans.filter((span) => ownIds.has(span.spanId)),
      instants: group.instants.filter((instant) => instant.ts >= first.start),
    };
    group.spans = group.spans.filter((span) => !ownIds.has(span.spanId));
    if (reset) for (const span of split.spans) span.attributes[TRACE_ATTRIBUTES.dynamoResets] = this.resets;
    group.instants = group.instants.filter((instant) => instant.ts < first.start);
    this.#open = own;
    this.#group = split;
    this.#held = group;
    return released;
  }

  /**
   * The trace a log record of compile `compileId` (PyTorch's form; an attempt suffix `_N` is ignored) belongs
   * to, as of `resets` resets (default: now): the trace of the compile's spans and the span that started it,
   * once its first `B` has been read.
   */
  compileTrace(compileId: string, resets?: number): CompileTraceContext | undefined {
    return this.#compiles.lookup(compileId, resets);
  }

  /** Releases a closed group (the file is quiet: late instants are not coming). */
  flush(): TraceSpan[] {
    const held = this.#held;
    this.#held = undefined;
    return held === undefined ? [] : this.#release(held).spans;
  }

  /** The end of the file: open spans end at the latest time seen, marked unclosed. */
  end(): TraceSpan[] {
    const released = this.flush();
    const group = this.#group;
    if (group !== undefined) {
      for (const draft of this.#open) this.#close(draft);
      released.push(...this.#release(group).spans);
    }
    this.#open = [];
    this.#group = undefined;
    return released;
  }

  #startGroup(compileId: string | undefined, spanId: string, replace = false): Group {
    const traceId = this.#compiles.traceIdOf(compileId, spanId);
    if (compileId !== undefined) this.#compiles.register(compileId, { traceId, spanId }, replace);
    return { traceId, compileId, spans: [], instants: [] };
  }

  /** The group being built is the first compile after a reset: it gets that compile's new trace. */
  #restart(group: Group, compileId: string): void {
    const first = group.spans[0];
    if (first === undefined) return;
    group.traceId = this.#startGroup(compileId, first.spanId, true).traceId;
    for (const span of group.spans) span.attributes[TRACE_ATTRIBUTES.dynamoResets] = this.resets;
  }

  /** Releases the closed spans of a group grown past MAX_GROUP_EVENTS (a `B` that never ends holds it). */
  #bound(group: Group): TraceSpan[] {
    if (group.spans.length + group.instants.length <= MAX_GROUP_EVENTS) return [];
    const { spans, openSpans, openInstants } = this.#release(group);
    group.spans = openSpans;
    group.instants = openInstants;
    return spans;
  }

  #close(draft: SpanDraft): void {
    draft.end = Math.max(this.#latestTs, draft.start);
    draft.open = false;
    draft.attributes[TRACE_ATTRIBUTES.unclosed] = true;
    this.stats.unclosed++;
  }

  #release(group: Group): ReturnType<typeof releaseSpanGroup> {
    const release = releaseSpanGroup(group.traceId, group.spans, group.instants);
    this.stats.spans += release.spans.length;
    return release;
  }

  #flatten(attributes: Attributes, args: ChromiumEvent["args"]): void {
    const prefix = TRACE_ATTRIBUTES.argsPrefix;
    for (let bad = flattenFields(attributes, prefix, args, "compile_id", MAX_ARG_CHARS); bad > 0; bad--)
      this.#onBadNumber();
  }

  /** An instant outside any span: a zero-length span of its own. */
  #standalone(instant: Instant, lineNumber: number): TraceSpan {
    const spanId = hashHex(`${this.#fileKey}\0${lineNumber}`, 16);
    this.stats.spans++;
    return {
      name: instant.event.name,
      traceId: this.#compiles.traceIdOf(instant.compileId, spanId),
      spanId,
      parentSpanId: undefined,
      startTime: instant.event.time,
      endTime: instant.event.time,
      attributes: { ...this.#attributes, ...instant.event.attributes },
      events: [],
    };
  }
}

function compileIdOf(event: ChromiumEvent): string | undefined {
  const id = event.args?.compile_id;
  return typeof id === "string" && id !== "None" && id !== "" ? id : undefined;
}

/**
 * Whether a span of compile `spanCompile` may be open while `compileId` compiles: its own spans, and those of
 * the compiled-autograd graph it is part of (`!0` around `!0/1/0`).
 */
function isWithin(compileId: string, spanCompile: string | undefined): boolean {
  return spanCompile !== undefined && (spanCompile === compileId || compileId.startsWith(`${spanCompile}/`));
}
