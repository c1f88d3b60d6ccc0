// The OpenTelemetry side of `torch-logs-otel ingest` (and of `trace`'s log records): a LoggerProvider whose
// TORCH_LOGS processor wraps a BatchLogRecordProcessor and the exporter, with the counts the summary reports
// and the backpressure that keeps a slow exporter from overflowing the batch queue.

import { type Logger, type LogRecord, ROOT_CONTEXT, TraceFlags, trace } from "@opentelemetry/api";
import { defaultResource, type Resource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchLogRecordProcessor,
  type BatchLogRecordProcessorOptions,
  LoggerProvider,
  type LogRecordExporter,
} from "@opentelemetry/sdk-logs";
import { DeliveryCounter } from "../otel/delivery-counter.ts";
import { SerialFlushLogRecordProcessor } from "../otel/serial-flush-log-record-processor.ts";
import type { TorchLogs } from "../otel/torch-logs.ts";
import { TorchLogsLogRecordProcessor } from "../otel/torch-logs-log-record-processor.ts";
import type { MappedLogRecord } from "./mapped-log-record.ts";

export interface IngestPipelineOptions {
  readonly exporter: LogRecordExporter;
  /** The TORCH_LOGS filter to apply. Default: none, every record is exported. */
  readonly torchLogs?: TorchLogs;
  /** `service.name` of the resource. */
  readonly serviceName: string;
  /**
   * The resource, when the caller makes it (its `service.name` should be `serviceName`): `trace` adds
   * `torch.version`, learnt from the files as an asynchronous attribute. Default: the SDK's default resource
   * with `service.name`.
   */
  readonly resource?: Resource;
  /** Batch processor options (queue size, delays). Default: the SDK's. */
  readonly batch?: Omit<BatchLogRecordProcessorOptions, "exporter">;
  /** Told once about the first record lost (failed export, full queue). */
  readonly onFirstLoss: (message: string) => void;
}

/** A span a record belongs to (ids in lowercase hex). */
export interface LinkedSpan {
  readonly traceId: string;
  readonly spanId: string;
}

/** Counters since construction; `dropped` is final once `shutdown()` has resolved. */
export interface IngestPipelineStats {
  /** Records handed to `emit`. */
  readonly emitted: number;
  /** Records TORCH_LOGS rejected. */
  readonly filtered: number;
  /** Records that passed the filter into the batch queue. */
  readonly accepted: number;
  /** Records the exporter delivered. */
  readonly exported: number;
  /** Accepted records not (yet) delivered: failed exports, queue overflow, exports still pending. */
  readonly dropped: number;
  /** Of `dropped`: records still queued or in an export that has not ended (0 once shut down). */
  readonly pending: number;
  /** Of `dropped`: records the backend refused in an OTLP partial success. */
  readonly rejected: number;
}

/** Where `ingest` delivers mapped records: the SDK pipeline, or the JSON-lines sink that bypasses it. */
export interface IngestSink {
  /** Delivers one record; `false` when the caller must `await whenReady()` before the next one. */
  emit(record: MappedLogRecord, observedTimestamp: number): boolean;
  whenReady(): Promise<void>;
  /** Delivers everything accepted so far. */
  forceFlush(): Promise<void>;
  /** Flushes and releases the sink. */
  shutdown(): Promise<void>;
  readonly stats: IngestPipelineStats;
}

/**
 * Distinct scopes a sink keeps an SDK Logger (or scope object) for; past it they are let go and made anew as
 * records need them. Input decides the scopes (a module per printed source path), so without a bound a log
 * with 400,000 distinct paths kept 400,000 Loggers. The TORCH_LOGS processor bounds its own cache likewise.
 */
export const MAX_CACHED_SCOPES = 1024;

const SDK_MAX_QUEUE_SIZE = 2048;
const SDK_EXPORT_TIMEOUT_MS = 30_000;

/**
 * Backpressure: the BatchLogRecordProcessor drops records when its queue is full, and exports one batch at
 * a time, so a producer faster than the backend loses records. `emit` reports when the records accepted
 * but not yet settled (queued or being exported) reach the queue size; the caller then awaits `whenReady()`,
 * which resolves as exports settle. Reading pauses instead of dropping while the backend is slow but up.
 */
export class IngestPipeline implements IngestSink {
  /** The provider new Loggers come from: replaced, with the same processor, when the scopes reach the bound. */
  #provider: LoggerProvider;
  readonly #newProvider: () => LoggerProvider;
  readonly #filter: TorchLogsLogRecordProcessor | undefined;
  readonly #counter: DeliveryCounter;
  readonly #loggers = new Map<string, Logger>();
  readonly #capacity: number;
  readonly #stallMs: number;
  #emitted = 0;
  #waiters: (() => void)[] = [];

  constructor(options: IngestPipelineOptions) {
    this.#counter = new DeliveryCounter(options.onFirstLoss);
    this.#capacity = options.batch?.maxQueueSize ?? SDK_MAX_QUEUE_SIZE;
    this.#stallMs = options.batch?.exportTimeoutMillis ?? SDK_EXPORT_TIMEOUT_MS;
    const counted = this.#counter.wrap(options.exporter, { timeoutMillis: this.#stallMs });
    // In line: a shutdown (SIGINT) during an idle flush still exports what was queued meanwhile.
    const batch = new SerialFlushLogRecordProcessor(
      new BatchLogRecordProcessor({
        ...options.batch,
        exporter: this.#notifying(counted),
        selfObsMeterProvider: this.#counter.meterProvider,
      }),
    );
    this.#filter =
      options.torchLogs === undefined
        ? undefined
        : new TorchLogsLogRecordProcessor(batch, { torchLogs: options.torchLogs });
    const resource =
      options.resource ??
      defaultResource().merge(resourceFromAttributes({ "service.name": options.serviceName }));
    const processor = this.#filter ?? batch;
    this.#newProvider = () => new LoggerProvider({ resource, processors: [processor] });
    this.#provider = this.#newProvider();
  }

  /**
   * Emits one record on its scope's logger; `timestamp` defaults to `observedTimestamp` (epoch ms), the
   * time the line was read. Returns `false` when the caller must `await whenReady()` before the next one.
   */
  emit(
    record: MappedLogRecord & { readonly eventName?: string; readonly spanContext?: LinkedSpan },
    observedTimestamp: number,
  ): boolean {
    let logger = this.#loggers.get(record.scope);
    if (logger === undefined) {
      if (this.#loggers.size >= MAX_CACHED_SCOPES) {
        // The SDK keeps every Logger a provider made until the provider is gone, and has no way to let one go:
        // a fresh provider on the same processor (nothing else to share; never shut down, only forgotten)
        // lets the old ones be collected once their records are exported.
        this.#loggers.clear();
        this.#provider = this.#newProvider();
      }
      logger = this.#provider.getLogger(record.scope);
      this.#loggers.set(record.scope, logger);
    }
    this.#emitted++;
    const timestamp = record.timestamp ?? observedTimestamp;
    const { severityNumber, severityText, body, attributes } = record;
    // Two literals rather than a conditional spread: this runs once per record.
    const logRecord: LogRecord =
      severityText === undefined
        ? { timestamp, observedTimestamp, severityNumber, body, attributes }
        : { timestamp, observedTimestamp, severityNumber, severityText, body, attributes };
    // `trace` records carry an OTel event name (the trace event key) and the trace of their compile.
    if (record.eventName !== undefined) logRecord.eventName = record.eventName;
    if (record.spanContext !== undefined) {
      logRecord.context = trace.setSpanContext(ROOT_CONTEXT, {
        ...record.spanContext,
        traceFlags: TraceFlags.SAMPLED,
      });
    }
    logger.emit(logRecord);
    return this.#unsettled() < this.#capacity;
  }

  /**
   * Resolves once the queue has room. Gives up after an export timeout without any export settling (an
   * exporter that never answers), so a stuck backend costs dropped records, counted, not a hang.
   */
  async whenReady(): Promise<void> {
    while (this.#unsettled() >= this.#capacity) {
      let timer: NodeJS.Timeout | undefined;
      const settled = await Promise.race([
        new Promise<boolean>((resolve) => this.#waiters.push(() => resolve(true))),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), this.#stallMs);
        }),
      ]);
      clearTimeout(timer);
      if (!settled) return;
    }
  }

  /** Exports everything accepted so far. */
  forceFlush(): Promise<void> {
    return this.#provider.forceFlush();
  }

  /** Flushes and shuts the provider and exporter down. */
  shutdown(): Promise<void> {
    return this.#provider.shutdown();
  }

  get stats(): IngestPipelineStats {
    const accepted = this.#accepted();
    const { exported, rejected } = this.#counter.stats;
    return {
      emitted: this.#emitted,
      filtered: this.#emitted - accepted,
      accepted,
      exported,
      dropped: accepted - exported,
      pending: this.#unsettled(),
      rejected,
    };
  }

  #accepted(): number {
    // The filter counts what it passes to the batch processor; records its enabled() rejects are never built.
    return this.#filter === undefined ? this.#emitted : this.#filter.stats.passed;
  }

  #unsettled(): number {
    const { exported, failed, droppedQueueFull } = this.#counter.stats;
    return this.#accepted() - exported - failed - droppedQueueFull;
  }

  #notifying(exporter: LogRecordExporter): LogRecordExporter {
    return {
      export: (records, done) =>
        exporter.export(records, (result) => {
          done(result);
          const waiters = this.#waiters;
          this.#waiters = [];
          for (const wake of waiters) wake();
        }),
      forceFlush: () => exporter.forceFlush(),
      shutdown: () => exporter.shutdown(),
    };
  }
}
