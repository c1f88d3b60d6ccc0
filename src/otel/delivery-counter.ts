import { createNoopMeter, type Meter, type MeterProvider } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { formatBackendMessage } from "./backend-message.ts";
import type { PartialSuccessExportResult } from "./otlp-log-exporter.ts";

/** What happened to the records a pipeline accepted. */
export interface DeliveryStats {
  /** Records the exporter delivered (and the backend did not refuse). */
  readonly exported: number;
  /**
   * Records that were not delivered: export calls that failed (after the exporter's own retries), threw, or
   * did not answer within the export timeout, and records the backend refused (`rejected`).
   */
  readonly failed: number;
  /** Of `failed`: records the backend refused in an OTLP partial success. */
  readonly rejected: number;
  /** Records the batch processor dropped because its queue was full. */
  readonly droppedQueueFull: number;
}

export interface WrapExporterOptions {
  /**
   * An export that has not called back after this long counts as failed, as the batch processor gives up on
   * it then (`exportTimeoutMillis`). A later callback is ignored. Default 30000 ms, the SDK's default.
   */
  readonly timeoutMillis?: number;
}

interface InFlight {
  readonly fail: (error: Error) => void;
}

/**
 * Counts deliveries and losses: wraps the exporter to see each export's outcome, and serves the batch
 * processor's self-observability meter (`selfObsMeterProvider`), through which the SDK reports queue-full
 * drops and nothing else. Each kind of loss (an undelivered export, records the backend refused) is reported
 * once through `onFirstLoss`.
 *
 * Every record handed to `export` is counted exactly once, as exported or failed, whatever the exporter does:
 * one that throws counts as failed; one that calls back twice is counted on the first call; one that never
 * calls back counts as failed after `timeoutMillis`, or when the wrapped exporter is shut down. A failing
 * `forceFlush()` is not passed on (see `wrap`).
 */
export class DeliveryCounter {
  #exported = 0;
  #failed = 0;
  #rejected = 0;
  #droppedQueueFull = 0;
  readonly #reported = new Set<"loss" | "rejected">();
  readonly #onFirstLoss: (message: string) => void;
  readonly #inFlight = new Set<InFlight>();

  constructor(onFirstLoss: (message: string) => void) {
    this.#onFirstLoss = onFirstLoss;
  }

  get stats(): DeliveryStats {
    return {
      exported: this.#exported,
      failed: this.#failed,
      rejected: this.#rejected,
      droppedQueueFull: this.#droppedQueueFull,
    };
  }

  /** An exporter that forwards to `exporter` and counts each batch's outcome exactly once. */
  wrap(exporter: LogRecordExporter, options: WrapExporterOptions = {}): LogRecordExporter {
    const timeoutMillis = options.timeoutMillis ?? 30_000;
    return {
      export: (records: ReadableLogRecord[], done: (result: ExportResult) => void) => {
        let settled = false;
        let timer: NodeJS.Timeout | undefined;
        const settle = (result: ExportResult): void => {
          if (settled) return; // a second callback: the batch is already counted
          settled = true;
          clearTimeout(timer);
          this.#inFlight.delete(entry);
          this.#count(records.length, result);
          done(result);
        };
        const entry: InFlight = { fail: (error) => settle({ code: ExportResultCode.FAILED, error }) };
        this.#inFlight.add(entry);
        try {
          exporter.export(records, settle);
        } catch (error) {
          entry.fail(error instanceof Error ? error : new Error(String(error)));
        }
        // Answered synchronously (an exporter that threw, an in-memory one): no timer needed. The console
        // exporter answers from its stream's write callback, always later: a timer per record there (~0.1 µs).
        if (settled) return;
        timer = setTimeout(
          () => entry.fail(new Error(`the exporter did not answer within ${timeoutMillis} ms`)),
          timeoutMillis,
        );
        timer.unref();
      },
      shutdown: async () => {
        try {
          await exporter.shutdown();
        } finally {
          for (const entry of [...this.#inFlight])
            entry.fail(new Error("the exporter had not answered at shutdown"));
        }
      },
      // Never rejects: the SDK's batch processor awaits this outside its try while flushing, so a rejection
      // would drop the batch it had taken off the queue and leave it flushing for good (no later flush, not even
      // the shutdown's, would export anything).
      forceFlush: async () => {
        try {
          await exporter.forceFlush();
        } catch {
          // The exports themselves still report their outcome, and are counted.
        }
      },
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
              counter.#report(
                "loss",
                "the batch queue is full: log records are being dropped (raise batch.maxQueueSize?)",
              );
            }
          },
        });
      },
    });
    return { getMeter: () => meter };
  }

  #count(count: number, result: PartialSuccessExportResult): void {
    if (result.code !== ExportResultCode.SUCCESS) {
      this.#failed += count;
      this.#report(
        "loss",
        `${count} log record${count === 1 ? "" : "s"} failed to export: ${formatBackendMessage(result.error?.message ?? "unknown error")}`,
      );
      return;
    }
    // A backend cannot refuse more records than it was sent, nor a fraction or a negative number of them.
    const rejected = Math.min(count, Math.max(0, Math.trunc(result.rejectedLogRecords ?? 0)));
    this.#exported += count - rejected;
    if (rejected === 0) return;
    this.#failed += rejected;
    this.#rejected += rejected;
    const reason = result.rejectionMessage
      ? `: ${formatBackendMessage(result.rejectionMessage)}`
      : " (no message)";
    this.#report("rejected", `the backend refused ${rejected} of ${count} log records${reason}`);
  }

  #report(kind: "loss" | "rejected", message: string): void {
    if (this.#reported.has(kind)) return;
    this.#reported.add(kind);
    this.#onFirstLoss(message);
  }
}
