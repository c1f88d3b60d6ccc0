// The OTLP side of `torch-logs-otel trace` for spans and metrics (logs go through IngestPipeline).
// Spans carry the ids the trace file implies (hashes of file and compile id), which the SDK's tracer cannot
// set, so they are handed to the OTLP trace exporter directly as ReadableSpan-shaped values. Metrics go
// through a MeterProvider: counters, a gauge and a histogram with buckets in seconds, exported periodically.
import {
  type Attributes,
  type Counter,
  type Gauge,
  type Histogram,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
} from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { Resource } from "@opentelemetry/resources";
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from "@opentelemetry/sdk-metrics";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { formatBackendMessage } from "../otel/backend-message.ts";
import type { TraceSpan } from "./chromium-span-builder.ts";
import { COMPILE_METRICS } from "./compile-metric-names.ts";
import type { CompileMetricPoint } from "./to-compile-metric-points.ts";
import { TRACE_ATTRIBUTES } from "./trace-attributes.ts";

/** The instrumentation scope of everything `trace` sends. */
export const TRACE_SCOPE = { name: "torch_logs_otel.trace" } as const;

/** Seconds: a compile phase takes from milliseconds to many minutes. */
export const COMPILE_DURATION_BUCKETS = [
  0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
];

/** A TraceSpan as the OTLP trace exporters read a span (otlp-transformer's `sdkSpanToOtlpSpan`). */
export function toReadableSpan(span: TraceSpan, resource: Resource): ReadableSpan {
  const context = { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED };
  const duration = hrDiff(span.endTime, span.startTime);
  return {
    name: span.name,
    kind: SpanKind.INTERNAL,
    spanContext: () => context,
    ...(span.parentSpanId !== undefined && {
      parentSpanContext: { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: TraceFlags.SAMPLED },
    }),
    startTime: span.startTime,
    endTime: span.endTime,
    status: statusOf(span),
    attributes: span.attributes,
    links: [],
    events: span.events.map((event) => ({
      name: event.name,
      time: event.time,
      attributes: event.attributes,
    })),
    duration,
    ended: true,
    resource,
    instrumentationScope: TRACE_SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/**
 * ERROR when the span recorded a failed compile (PyTorch adds `fail_type`/`fail_reason` to the `dynamo` span's
 * end event), so Jaeger and Tempo show failed compiles in red; UNSET otherwise.
 */
function statusOf(span: TraceSpan): { code: SpanStatusCode; message?: string } {
  const failType = span.attributes[`${TRACE_ATTRIBUTES.argsPrefix}fail_type`];
  if (typeof failType !== "string" || failType === "") return { code: SpanStatusCode.UNSET };
  const reason = span.attributes[`${TRACE_ATTRIBUTES.argsPrefix}fail_reason`];
  return {
    code: SpanStatusCode.ERROR,
    message: typeof reason === "string" ? `${failType}: ${reason}` : failType,
  };
}

function hrDiff(end: [number, number], start: [number, number]): [number, number] {
  let seconds = end[0] - start[0];
  let nanos = end[1] - start[1];
  if (nanos < 0) {
    seconds -= 1;
    nanos += 1e9;
  }
  return [seconds, nanos];
}

/** Counts of what the span exporter settled. */
export interface SpanExportStats {
  exported: number;
  failed: number;
}

/**
 * Sends spans in batches (at most `maxBatch` per request, one request at a time) and counts the result.
 * `add` returns a promise to await when a batch is in flight, which pauses reading (backpressure).
 */
export class SpanBatchExporter {
  readonly stats: SpanExportStats = { exported: 0, failed: 0 };
  readonly #exporter: SpanExporter;
  readonly #resource: Resource;
  readonly #maxBatch: number;
  #queue: ReadableSpan[] = [];
  #inFlight: Promise<void> | undefined;
  #inFlightCount = 0;
  #firstError: ((message: string) => void) | undefined;

  constructor(
    exporter: SpanExporter,
    resource: Resource,
    onFirstError: (message: string) => void,
    maxBatch = 512,
  ) {
    this.#exporter = exporter;
    this.#resource = resource;
    this.#maxBatch = maxBatch;
    this.#firstError = onFirstError;
  }

  /** Spans queued or in an export that has not ended. */
  get pending(): number {
    return this.#queue.length + this.#inFlightCount;
  }

  async add(spans: readonly TraceSpan[]): Promise<void> {
    for (const span of spans) this.#queue.push(toReadableSpan(span, this.#resource));
    while (this.#queue.length >= this.#maxBatch) await this.#send();
  }

  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#inFlight !== undefined) await this.#send();
  }

  async shutdown(): Promise<void> {
    await this.flush();
    await this.#exporter.shutdown();
  }

  async #send(): Promise<void> {
    if (this.#inFlight !== undefined) {
      await this.#inFlight;
      return;
    }
    const batch = this.#queue.splice(0, this.#maxBatch);
    if (batch.length === 0) return;
    this.#inFlightCount = batch.length;
    this.#inFlight = (async () => {
      // A resource attribute learnt from the files (`torch.version`) is awaited before the first export.
      if (this.#resource.asyncAttributesPending) await this.#resource.waitForAsyncAttributes?.();
      const result = await new Promise<ExportResult>((resolve) => this.#exporter.export(batch, resolve));
      this.#inFlight = undefined;
      this.#inFlightCount = 0;
      if (result.code === ExportResultCode.SUCCESS) {
        this.stats.exported += batch.length;
      } else {
        this.stats.failed += batch.length;
        this.#firstError?.(
          `spans could not be exported: ${formatBackendMessage(result.error?.message ?? "unknown error")}`,
        );
        this.#firstError = undefined;
      }
    })();
    await this.#inFlight;
  }
}

/** The compile metrics' instruments on a MeterProvider whose reader pushes to `exporter`. */
export class CompileMetricsRecorder {
  readonly #provider: MeterProvider;
  readonly #counters = new Map<string, Counter>();
  readonly #histograms = new Map<string, Histogram>();
  readonly #gauges = new Map<string, Gauge>();
  recorded = 0;
  /** Export requests that succeeded and failed (each carries every metric recorded so far, cumulative). */
  readonly exports = { succeeded: 0, failed: 0 };
  #exporting = false;
  /** A clock of events: the last `record()`, and the start of the latest export that succeeded. */
  #tick = 0;
  #changedAt = 0;
  #deliveredUpTo = 0;

  constructor(exporter: PushMetricExporter, resource: Resource, exportIntervalMillis = 60_000) {
    const counting: PushMetricExporter = {
      export: (metrics, done) => {
        // Cumulative: an export still being retried (a backend down) makes the next one redundant, and letting
        // them pile up every period would grow without bound during a long outage.
        if (this.#exporting) {
          done({
            code: ExportResultCode.FAILED,
            error: new Error("the previous metric export is still running"),
          });
          return;
        }
        this.#exporting = true;
        const startedAt = ++this.#tick;
        exporter.export(metrics, (result) => {
          this.#exporting = false;
          if (result.code === ExportResultCode.SUCCESS) {
            this.exports.succeeded++;
            this.#deliveredUpTo = Math.max(this.#deliveredUpTo, startedAt);
          } else {
            this.exports.failed++;
          }
          done(result);
        });
      },
      forceFlush: () => exporter.forceFlush(),
      shutdown: () => exporter.shutdown(),
      ...(exporter.selectAggregationTemporality && {
        selectAggregationTemporality: exporter.selectAggregationTemporality.bind(exporter),
      }),
      ...(exporter.selectAggregation && { selectAggregation: exporter.selectAggregation.bind(exporter) }),
    };
    this.#provider = new MeterProvider({
      resource,
      readers: [new PeriodicExportingMetricReader({ exporter: counting, exportIntervalMillis })],
    });
    const meter = this.#provider.getMeter(TRACE_SCOPE.name);
    for (const metric of Object.values(COMPILE_METRICS)) {
      const options = { unit: metric.unit, description: metric.description };
      if (metric.kind === "histogram") {
        this.#histograms.set(
          metric.name,
          meter.createHistogram(metric.name, {
            ...options,
            advice: { explicitBucketBoundaries: COMPILE_DURATION_BUCKETS },
          }),
        );
      } else if (metric.kind === "gauge") {
        this.#gauges.set(metric.name, meter.createGauge(metric.name, options));
      } else {
        this.#counters.set(metric.name, meter.createCounter(metric.name, options));
      }
    }
  }

  record(point: CompileMetricPoint): void {
    const attributes: Attributes = point.attributes;
    if (point.kind === "histogram") this.#histograms.get(point.name)?.record(point.value, attributes);
    else if (point.kind === "gauge") this.#gauges.get(point.name)?.record(point.value, attributes);
    else this.#counters.get(point.name)?.add(point.value, attributes);
    this.recorded++;
    this.#changedAt = ++this.#tick;
  }

  /** Whether the backend holds every point recorded: an export that started after the last one succeeded. */
  get delivered(): boolean {
    return this.#deliveredUpTo >= this.#changedAt;
  }

  forceFlush(): Promise<void> {
    return this.#provider.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#provider.shutdown();
  }
}
