// SDK pipelines the in-process scenarios compare: the same LoggerProvider + BatchLogRecordProcessor, with or
// without the TORCH_LOGS processor in front, exporting to an exporter that does nothing and reports SUCCESS.
import type { Context } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import {
  BatchLogRecordProcessor,
  type LoggerConfigurator,
  LoggerProvider,
  type LogRecordExporter,
  type LogRecordProcessor,
  type ReadableLogRecord,
  type ReadWriteLogRecord,
} from "@opentelemetry/sdk-logs";
import { type TorchLogs, TorchLogsLogRecordProcessor } from "../../../src/index.ts";

/** Counts what it is handed and calls back SUCCESS synchronously. */
export class NoopExporter implements LogRecordExporter {
  exported = 0;

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    this.exported += logs.length;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** A processor whose `enabled()` always answers false: what the SDK's processor-`enabled()` path costs by itself. */
export class RejectAllProcessor implements LogRecordProcessor {
  enabled(): boolean {
    return false;
  }
  onEmit(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A delegate that only counts what it is handed: the processor's own cost is then most of what is left. */
export class CountingProcessor implements LogRecordProcessor {
  count = 0;
  onEmit(): void {
    this.count++;
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The least a wrapping processor can do: answer enabled() with true and hand every record to its delegate. */
export class PassThroughProcessor implements LogRecordProcessor {
  readonly #delegate: LogRecordProcessor;

  constructor(delegate: LogRecordProcessor) {
    this.#delegate = delegate;
  }
  enabled(): boolean {
    return true;
  }
  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    this.#delegate.onEmit(logRecord, context);
  }
  forceFlush(): Promise<void> {
    return this.#delegate.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.#delegate.shutdown();
  }
}

export interface PipelineOptions {
  /** Put `TorchLogsLogRecordProcessor` (following this `TorchLogs`) in front of the batch processor. */
  readonly torchLogs?: TorchLogs;
  /** Put a `PassThroughProcessor` in front of the batch processor instead (ignored with `torchLogs`). */
  readonly passThrough?: boolean;
  readonly loggerConfigurator?: LoggerConfigurator;
  /** Default 2048, the SDK's. */
  readonly maxQueueSize?: number;
}

export interface Pipeline {
  readonly provider: LoggerProvider;
  readonly exporter: NoopExporter;
  readonly processor: TorchLogsLogRecordProcessor | undefined;
}

export function noopPipeline(options: PipelineOptions = {}): Pipeline {
  const exporter = new NoopExporter();
  const batch = new BatchLogRecordProcessor({
    exporter,
    maxQueueSize: options.maxQueueSize ?? 2048,
    maxExportBatchSize: 512,
  });
  const processor =
    options.torchLogs === undefined
      ? undefined
      : new TorchLogsLogRecordProcessor(batch, { torchLogs: options.torchLogs });
  const processors: LogRecordProcessor[] = [
    processor ?? (options.passThrough ? new PassThroughProcessor(batch) : batch),
  ];
  const provider = new LoggerProvider({
    processors,
    ...(options.loggerConfigurator ? { loggerConfigurator: options.loggerConfigurator } : {}),
  });
  return { provider, exporter, processor };
}
