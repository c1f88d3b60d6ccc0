// `torch-logs-otel ingest --format jsonl` without the SDK: each mapped record is filtered by the TORCH_LOGS
// processor's own decision and formatted straight to the JSON line the SDK path prints, with the same counts.

import { Buffer } from "node:buffer";
import { type InstrumentationScope, timeInputToHrTime } from "@opentelemetry/core";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import type { TorchLogs } from "../otel/torch-logs.ts";
import { TorchLogsLogRecordProcessor } from "../otel/torch-logs-log-record-processor.ts";
import { type IngestPipelineStats, type IngestSink, MAX_CACHED_SCOPES } from "./ingest-pipeline.ts";
import { hrTimeToNanos, jsonRecord } from "./json-lines-log-record-exporter.ts";
import type { MappedLogRecord } from "./mapped-log-record.ts";

export interface JsonLinesIngestSinkOptions {
  /**
   * Writes a block of whole JSON lines, UTF-8 encoded; throws when they can no longer be written (they count as
   * dropped). The block is the caller's from then on (a new one is made for the next lines).
   */
  readonly write: (bytes: Uint8Array) => void;
  /** The TORCH_LOGS filter to apply. Default: none, every record is printed. */
  readonly torchLogs?: TorchLogs;
  /** Told once about the first record lost (a write that threw). */
  readonly onFirstLoss: (message: string) => void;
  /** Bytes per block: lines are written when the next one might not fit (and at `forceFlush`/`shutdown`). Default 64 Ki. */
  readonly blockBytes?: number;
}

const DEFAULT_BLOCK_BYTES = 64 * 1024;
/** The most UTF-8 bytes one UTF-16 code unit takes. */
const MAX_BYTES_PER_UNIT = 3;
const NEWLINE = 0x0a;

/** The fields of a record the TORCH_LOGS processor reads (see `admits` and `#passes`). */
interface FilterProbe {
  instrumentationScope: InstrumentationScope;
  severityNumber: number;
  eventName: undefined;
  attributes: MappedLogRecord["attributes"];
}

/**
 * Prints what an {@link IngestPipeline} with a `JsonLinesLogRecordExporter` prints, byte for byte, and counts
 * alike (emitted, filtered, printed as `exported`, dropped), but builds no SDK log record: the TORCH_LOGS
 * decision is the processor's (a {@link TorchLogsLogRecordProcessor} asked about each record through
 * `onEmit`, with a delegate that only notes that it passed), and the line is built from the mapped record.
 *
 * Lines are encoded into byte blocks as they are made, not gathered in a string and converted when written:
 * that would widen a whole block to two-byte characters for one non-ASCII line, then flatten and encode it.
 * Backpressure is the caller's: blocks are written synchronously, so the caller's wait for stdout to drain
 * before reading on bounds what is buffered.
 */
export class JsonLinesIngestSink implements IngestSink {
  readonly #write: (bytes: Uint8Array) => void;
  readonly #onFirstLoss: (message: string) => void;
  readonly #blockBytes: number;
  readonly #filter: TorchLogsLogRecordProcessor | undefined;
  readonly #scopes = new Map<string, InstrumentationScope>();
  readonly #probe: FilterProbe;
  #passed = false;
  #block: Buffer;
  #blockUsed = 0;
  #pendingCount = 0;
  #emitted = 0;
  #exported = 0;
  #failed = 0;
  #lossReported = false;
  /** The observed time last formatted (epoch ms) and its digits: one per read, shared by its records. */
  #observedMs = Number.NaN;
  #observedNanos = "";
  #shutdown: Promise<void> | undefined;

  constructor(options: JsonLinesIngestSinkOptions) {
    this.#write = options.write;
    this.#onFirstLoss = options.onFirstLoss;
    this.#blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
    this.#block = Buffer.allocUnsafe(this.#blockBytes);
    const noted: LogRecordProcessor = {
      onEmit: () => {
        this.#passed = true;
      },
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    this.#filter =
      options.torchLogs === undefined
        ? undefined
        : new TorchLogsLogRecordProcessor(noted, { torchLogs: options.torchLogs });
    this.#probe = {
      instrumentationScope: { name: "" },
      severityNumber: 0,
      eventName: undefined,
      attributes: {},
    };
  }

  /** Formats (or filters out) one record; `timestamp` defaults to `observedTimestamp` (epoch ms). Always true. */
  emit(record: MappedLogRecord, observedTimestamp: number): boolean {
    this.#emitted++;
    if (this.#filter !== undefined && !this.#admits(this.#filter, this.#scope(record.scope), record))
      return true;
    const nanos =
      record.timestamp === undefined ? this.#observed(observedTimestamp) : hrTimeToNanos(record.timestamp);
    const json = jsonRecord(
      nanos,
      record.severityNumber,
      record.severityText ?? null,
      record.scope,
      record.body,
      record.attributes,
    );
    // The JSON and its newline: at most 3 bytes per UTF-16 unit, plus one.
    const most = json.length * MAX_BYTES_PER_UNIT + 1;
    if (most > this.#block.length - this.#blockUsed) {
      this.#flush();
      // A line longer than a block goes out in a block of its own.
      if (most > this.#block.length) {
        this.#pendingCount = 1;
        this.#send(Buffer.from(`${json}\n`, "utf8"));
        return true;
      }
    }
    const block = this.#block;
    const end = this.#blockUsed + block.write(json, this.#blockUsed, "utf8");
    block[end] = NEWLINE;
    this.#blockUsed = end + 1;
    this.#pendingCount++;
    return true;
  }

  /** Nothing to wait for: lines are written as they are made. */
  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  /** Writes the pending lines. */
  forceFlush(): Promise<void> {
    this.#flush();
    return Promise.resolve();
  }

  /** Writes the pending lines and stops following the TORCH_LOGS settings. */
  shutdown(): Promise<void> {
    if (this.#shutdown === undefined) {
      this.#flush();
      this.#shutdown = this.#filter?.shutdown() ?? Promise.resolve();
    }
    return this.#shutdown;
  }

  get stats(): IngestPipelineStats {
    const accepted = this.#filter === undefined ? this.#emitted : this.#filter.stats.passed;
    return {
      emitted: this.#emitted,
      filtered: this.#emitted - accepted,
      accepted,
      exported: this.#exported,
      dropped: accepted - this.#exported,
      pending: accepted - this.#exported - this.#failed,
      rejected: 0,
    };
  }

  #admits(
    filter: TorchLogsLogRecordProcessor,
    scope: InstrumentationScope,
    record: MappedLogRecord,
  ): boolean {
    const probe = this.#probe;
    probe.instrumentationScope = scope;
    probe.severityNumber = record.severityNumber;
    probe.attributes = record.attributes;
    this.#passed = false;
    // The processor reads only the probe's fields; the SDK record it expects is what this sink avoids building.
    filter.onEmit(probe as unknown as ReadWriteLogRecord);
    return this.#passed;
  }

  /** One scope object per name, as the SDK has one per logger: the processor caches its filter on it. */
  #scope(name: string): InstrumentationScope {
    let scope = this.#scopes.get(name);
    if (scope === undefined) {
      if (this.#scopes.size >= MAX_CACHED_SCOPES) this.#scopes.clear();
      // The shape the SDK gives a logger's scope, so the processor handles it as it handles those.
      scope = { name, version: undefined, schemaUrl: undefined };
      this.#scopes.set(name, scope);
    }
    return scope;
  }

  #observed(epochMs: number): string {
    if (epochMs !== this.#observedMs) {
      this.#observedMs = epochMs;
      this.#observedNanos = hrTimeToNanos(timeInputToHrTime(epochMs));
    }
    return this.#observedNanos;
  }

  #flush(): void {
    if (this.#pendingCount === 0) return;
    const bytes = this.#block.subarray(0, this.#blockUsed);
    this.#block = Buffer.allocUnsafe(this.#blockBytes);
    this.#blockUsed = 0;
    this.#send(bytes);
  }

  /** Writes the pending lines' bytes and counts them as printed, or as dropped if the write throws. */
  #send(bytes: Uint8Array): void {
    const count = this.#pendingCount;
    this.#pendingCount = 0;
    try {
      this.#write(bytes);
    } catch (error) {
      this.#failed += count;
      if (!this.#lossReported) {
        this.#lossReported = true;
        const message = error instanceof Error ? error.message : String(error);
        this.#onFirstLoss(`${count} log record${count === 1 ? "" : "s"} failed to export: ${message}`);
      }
      return;
    }
    this.#exported += count;
  }
}
