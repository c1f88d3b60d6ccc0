// One TORCH_TRACE file, text in, OpenTelemetry values out: the reader's envelopes become log records, spans
// and metric points. Log records wait (bounded) until the file's first chromium event tells its year and
// UTC offset (TraceClock); files without one use the fallback.
import type { Attributes } from "@opentelemetry/api";
import type { HrTime } from "../pytorch-line/resolve-log-time.ts";
import { ChromiumSpanBuilder, type TraceSpan } from "./chromium-span-builder.ts";
import { CompileConfigs } from "./compile-config.ts";
import { GraphBreakSummary } from "./graph-break-summary.ts";
import type { RankSummary } from "./rank-summary.ts";
import { StringTable } from "./string-table.ts";
import { type TimedMetricPoint, toCompileMetricPoints } from "./to-compile-metric-points.ts";

export type { TimedMetricPoint } from "./to-compile-metric-points.ts";

import {
  eventNameOf,
  type TraceFileInfo,
  type TraceLogRecord,
  toTraceLogRecord,
} from "./to-trace-log-record.ts";
import { TorchTraceReader } from "./torch-trace-reader.ts";
import { TRACE_ATTRIBUTES, torchVersionOf } from "./trace-attributes.ts";
import { TraceClock, type TraceClockFallback } from "./trace-clock.ts";
import {
  countBadContextNumbers,
  formatCompileId,
  type TraceContext,
  type TraceEnvelope,
  traceContextOf,
} from "./trace-envelope.ts";
import { isKnownEventKind } from "./trace-event-kinds.ts";

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
  /**
   * Where this file's rank keeps what ranks must agree on (compare-ranks.ts), asked for once the rank is known
   * (the file name's, else the first envelope's). Default: no comparison.
   */
  readonly rankSummary?: (rank: number) => RankSummary;
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
  /** Envelopes by event kind (event name) that trace-event-kinds.ts does not know. */
  readonly unknownKinds = new Map<string, number>();
  /** The PyTorch release of the file's `torch_version` artifact, once read. */
  torchVersion: string | undefined;
  /** Envelopes read besides `str`. */
  envelopesRead = 0;
  /** The instant of the latest record released: the time of what the file's end derives. */
  lastTime: HrTime | undefined;
  /** The rank of the file (its name's, else the first envelope's), once known. */
  #rank: number | undefined;
  #rankSummary: RankSummary | undefined;
  #graphBreaks: GraphBreakSummary | undefined;
  readonly #configs = new CompileConfigs();

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

  /** The end of the file; `rest` is the decoder's last text. Adds the summary of the file's graph breaks. */
  end(rest = ""): TraceOutput {
    const envelopes = rest === "" ? [] : this.reader.push(rest);
    const out = this.#map([...envelopes, ...this.reader.end()], true);
    out.spans.push(...this.spans.end());
    if (this.#graphBreaks !== undefined) out.logs.push(...this.#graphBreaks.records());
    return out;
  }

  #map(envelopes: readonly TraceEnvelope[], release: boolean): TraceOutput {
    const out: TraceOutput = { logs: [], spans: [], metrics: [] };
    for (const envelope of envelopes) {
      this.badNumbers += countBadContextNumbers(envelope);
      const name = eventNameOf(envelope);
      if (!isKnownEventKind(name)) this.unknownKinds.set(name, (this.unknownKinds.get(name) ?? 0) + 1);
      if (envelope.key === "str") {
        if (
          !this.#strings.add(envelope.metadata) &&
          typeof (envelope.metadata as unknown[])?.[1] === "number"
        )
          this.badNumbers++;
        continue;
      }
      const context = traceContextOf(envelope);
      this.envelopesRead++;
      if (name === "torch_version") this.torchVersion ??= torchVersionOf(envelope.payload);
      this.#observe(envelope, context, name);
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

  /** The rank summary learns every envelope but `str` (chromium events too: tlparse compares their compile ids). */
  #observe(envelope: TraceEnvelope, context: TraceContext, name: string): void {
    if (this.#rank === undefined) {
      this.#rank = this.#options.file.rank ?? context.rank;
      if (this.#rank !== undefined) this.#rankSummary = this.#options.rankSummary?.(this.#rank);
    }
    const summary = this.#rankSummary;
    if (summary === undefined) return;
    const part = (n: number | undefined) => (n === undefined ? "-" : String(n));
    const { compiledAutogradId: ca, frameId, frameCompileId, attempt } = context;
    const dir = `${part(ca)}_${part(frameId)}_${part(frameCompileId)}_${part(attempt)}`;
    summary.observe(formatCompileId(context), dir, name, envelope.payload);
  }

  readonly #onBadNumber = (): void => {
    this.badNumbers++;
  };

  #spanContext(envelope: TraceEnvelope, context: TraceContext): Attributes {
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
      this.#derive(envelope, record, out);
      if (timestamp !== undefined) this.lastTime = timestamp;
    }
    this.#held = [];
  }

  /** What a record adds beside itself: its graph breaks (counted), a compile's configuration record. */
  #derive(envelope: TraceEnvelope, record: TraceLogRecord, out: TraceOutput): void {
    const compileId = record.attributes[TRACE_ATTRIBUTES.compileId] as string | undefined;
    const time = record.timestamp;
    if (record.eventName === "dynamo_graph_break_reason" && envelope.payload !== undefined) {
      this.#graphBreaks ??= new GraphBreakSummary(this.#rank);
      out.metrics.push(...this.#graphBreaks.addReason(envelope.payload, compileId, time));
    } else if (envelope.key === "compilation_metrics") {
      const metrics = envelope.metadata;
      if (metrics === null || typeof metrics !== "object") return;
      const restarts = (metrics as { restart_reasons?: unknown }).restart_reasons;
      if (Array.isArray(restarts) && restarts.length > 0) {
        this.#graphBreaks ??= new GraphBreakSummary(this.#rank);
        out.metrics.push(...this.#graphBreaks.addRestarts(restarts, compileId, time));
      }
      const config = this.#configs.record(metrics as Record<string, unknown>, record);
      if (config !== undefined) out.logs.push(config);
    }
  }
}
