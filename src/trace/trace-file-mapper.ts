// One TORCH_TRACE file, text in, OpenTelemetry values out: the reader's envelopes become log records, spans
// and metric points. Log records wait (bounded) until the file's first chromium event tells its year and
// UTC offset (TraceClock); files without one use the fallback.
import type { Attributes } from "@opentelemetry/api";
import type { HrTime } from "../pytorch-line/resolve-log-time.ts";
import { ChromiumSpanBuilder, type TraceSpan } from "./chromium-span-builder.ts";
import { StringTable } from "./string-table.ts";
import { type CompileMetricPoint, toCompileMetricPoints } from "./to-compile-metric-points.ts";
import { type TraceFileInfo, type TraceLogRecord, toTraceLogRecord } from "./to-trace-log-record.ts";
import { TorchTraceReader } from "./torch-trace-reader.ts";
import { TRACE_ATTRIBUTES } from "./trace-attributes.ts";
import { TraceClock, type TraceClockFallback } from "./trace-clock.ts";
import {
  countBadContextNumbers,
  formatCompileId,
  type TraceEnvelope,
  traceContextOf,
} from "./trace-envelope.ts";

/** A metric point and the instant of the envelope it came from. */
export interface TimedMetricPoint extends CompileMetricPoint {
  readonly time: HrTime | undefined;
}

/** What one call made final. */
export interface TraceOutput {
  readonly logs: TraceLogRecord[];
  readonly spans: TraceSpan[];
  readonly metrics: TimedMetricPoint[];
}

export interface TraceFileMapperOptions {
  readonly file: TraceFileInfo;
  /** Year and offset for a file without chromium events, and while none has been seen. */
  readonly fallback: () => TraceClockFallback;
  /** Log records held back waiting for the first chromium event before the fallback is used. Default 1000. */
  readonly maxHeld?: number;
}

const DEFAULT_MAX_HELD = 1000;
const NO_ATTRIBUTES: Attributes = Object.freeze({});

export class TraceFileMapper {
  readonly reader = new TorchTraceReader();
  readonly spans: ChromiumSpanBuilder;
  readonly clock = new TraceClock();
  readonly #strings = new StringTable();
  readonly #options: TraceFileMapperOptions;
  readonly #maxHeld: number;
  /** Log records' envelopes waiting for the clock, each with the resets before it (compile-traces.ts). */
  #held: { readonly envelope: TraceEnvelope; readonly resets: number }[] = [];
  /** Ranks of envelopes that disagree with the file name. */
  rankMismatches = 0;
  /**
   * Log records made without a compile id (outside a compile, e.g. export, AOT Inductor, `graph_execution`);
   * the records still held back (see `maxHeld`) are counted when released.
   */
  withoutCompileId = 0;
  /**
   * Numbers left out because they are out of range (`1e400`, a negative duration, an index that is no integer):
   * the record, span or metric point goes on without them. Chromium events without a usable time are counted
   * as the span builder's bad events instead.
   */
  badNumbers = 0;

  constructor(options: TraceFileMapperOptions) {
    this.#options = options;
    this.#maxHeld = options.maxHeld ?? DEFAULT_MAX_HELD;
    const { file } = options;
    const attributes: Attributes = { [TRACE_ATTRIBUTES.logFileName]: file.fileName };
    if (file.rank !== undefined) attributes[TRACE_ATTRIBUTES.rank] = file.rank;
    this.spans = new ChromiumSpanBuilder({
      fileKey: file.fileName,
      attributes,
      onBadNumber: this.#onBadNumber,
    });
  }

  push(text: string): TraceOutput {
    return this.#map(this.reader.push(text), false);
  }

  /** The file is quiet: completes what a quiet file allows (last record, closed span groups, held logs). */
  flush(): TraceOutput {
    const out = this.#map(this.reader.flush(), true);
    out.spans.push(...this.spans.flush());
    return out;
  }

  /** The end of the file; `rest` is the decoder's last text. */
  end(rest = ""): TraceOutput {
    const envelopes = rest === "" ? [] : this.reader.push(rest);
    const out = this.#map([...envelopes, ...this.reader.end()], true);
    out.spans.push(...this.spans.end());
    return out;
  }

  #map(envelopes: readonly TraceEnvelope[], release: boolean): TraceOutput {
    const out: TraceOutput = { logs: [], spans: [], metrics: [] };
    for (const envelope of envelopes) {
      this.badNumbers += countBadContextNumbers(envelope);
      if (envelope.key === "str") {
        if (
          !this.#strings.add(envelope.metadata) &&
          typeof (envelope.metadata as unknown[])?.[1] === "number"
        )
          this.badNumbers++;
        continue;
      }
      const context = traceContextOf(envelope);
      if (
        this.#options.file.rank !== undefined &&
        context.rank !== undefined &&
        context.rank !== this.#options.file.rank
      ) {
        this.rankMismatches++;
      }
      if (envelope.key === "chromium_event") {
        const event = this.spans.parse(envelope.payload);
        if (event === undefined) continue;
        this.clock.observe(envelope.time, event.ts);
        // An E only closes a span: its envelope adds nothing.
        const spanContext = event.ph === "E" ? NO_ATTRIBUTES : this.#spanContext(envelope, context);
        const released = this.spans.add(event, envelope.lineNumber, spanContext);
        if (released.length > 0) out.spans.push(...released);
        continue;
      }
      if (envelope.key === "dynamo_start" && (context.attempt ?? 0) === 0) {
        const compileId = formatCompileId(context);
        if (compileId !== undefined) out.spans.push(...this.spans.startCompile(compileId));
      }
      this.#held.push({ envelope, resets: this.spans.resets });
    }
    if (release || this.clock.inferred || this.#held.length >= this.#maxHeld) this.#release(out);
    return out;
  }

  readonly #onBadNumber = (): void => {
    this.badNumbers++;
  };

  #spanContext(envelope: TraceEnvelope, context: ReturnType<typeof traceContextOf>): Attributes {
    const attributes: Attributes = {};
    if (Number.isSafeInteger(envelope.pid)) attributes[TRACE_ATTRIBUTES.processId] = envelope.pid;
    if (this.#options.file.rank === undefined && context.rank !== undefined) {
      attributes[TRACE_ATTRIBUTES.rank] = context.rank;
    }
    if (context.attempt !== undefined) attributes[TRACE_ATTRIBUTES.attempt] = context.attempt;
    return attributes;
  }

  #release(out: TraceOutput): void {
    if (this.#held.length === 0) return;
    const fallback = this.clock.inferred ? undefined : this.#options.fallback();
    const rankOfFile = this.#options.file.rank;
    const strings = this.#strings;
    for (const { envelope, resets } of this.#held) {
      const timestamp = this.clock.resolve(envelope.time, fallback ?? { utcOffsetMinutes: 0, reference: 0 });
      const record = toTraceLogRecord(envelope, {
        file: this.#options.file,
        strings,
        timestamp,
        compileTrace: (compileId) => this.spans.compileTrace(compileId, resets),
        onBadNumber: this.#onBadNumber,
      });
      if (resets > 0) record.attributes[TRACE_ATTRIBUTES.dynamoResets] = resets;
      if (record.attributes[TRACE_ATTRIBUTES.compileId] === undefined) this.withoutCompileId++;
      out.logs.push(record);
      const rank = rankOfFile ?? traceContextOf(envelope).rank;
      for (const point of toCompileMetricPoints(envelope, rank, this.#onBadNumber))
        out.metrics.push({ ...point, time: timestamp });
    }
    this.#held = [];
  }
}
