import { createNoopMeter, type Meter, type MeterProvider } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";

/** What happened to the records a pipeline accepted. */
export interface DeliveryStats {
  /** Records the exporter delivered. */
  readonly exported: number;
  /** Records in export calls that failed (after the exporter's own retries). */
  readonly failed: number;
  /** Records the batch processor dropped because its queue was full. */
  readonly droppedQueueFull: number;
}

/**
 * Counts deliveries and losses: wraps the exporter to see each export's outcome, and serves the batch
 * processor's self-observability meter (`selfObsMeterProvider`), through which the SDK reports queue-full
 * drops and nothing else. The first loss is reported once through `onFirstLoss`.
 */
export class DeliveryCounter {
  #exported = 0;
  #failed = 0;
  #droppedQueueFull = 0;
  #reported = false;
  readonly #onFirstLoss: (message: string) => void;

  constructor(onFirstLoss: (message: string) => void) {
    this.#onFirstLoss = onFirstLoss;
  }

  get stats(): DeliveryStats {
    return { exported: this.#exported, failed: this.#failed, droppedQueueFull: this.#droppedQueueFull };
  }

  /** An exporter that forwards to `exporter` and counts each batch's outcome. */
  wrap(exporter: LogRecordExporter): LogRecordExporter {
    return {
      export: (records: ReadableLogRecord[], done: (result: ExportResult) => void) => {
        exporter.export(records, (result) => {
          if (result.code === ExportResultCode.SUCCESS) this.#exported += records.length;
          else {
            this.#failed += records.length;
            this.#loss(
              `${records.length} log record${records.length === 1 ? "" : "s"} failed to export: ${result.error?.message ?? "unknown error"}`,
            );
          }
          done(result);
        });
      },
      shutdown: () => exporter.shutdown(),
      forceFlush: () => exporter.forceFlush(),
    };
  }

  /** A MeterProvider for `BatchLogRecordProcessor({ selfObsMeterProvider })` that counts queue-full drops. */
  get meterProvider(): MeterProvider {
    const counter = this;
    const noop = createNoopMeter();
    const meter: Meter = Object.assign(Object.create(noop) as Meter, {
      createCounter: (...args: Parameters<Meter["createCounter"]>) => {
        const inner = noop.createCounter(...args);
        return Object.assign(Object.create(inner), {
          add(value: number, attributes?: Record<string, unknown>) {
            if (attributes?.["error.type"] === "queue_full") {
              counter.#droppedQueueFull += value;
              counter.#loss(
                "the batch queue is full: log records are being dropped (raise batch.maxQueueSize?)",
              );
            }
          },
        });
      },
    });
    return { getMeter: () => meter };
  }

  #loss(message: string): void {
    if (this.#reported) return;
    this.#reported = true;
    this.#onFirstLoss(message);
  }
}
