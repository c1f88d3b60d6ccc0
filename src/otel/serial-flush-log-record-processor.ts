import type { Context } from "@opentelemetry/api";
import type { ForceFlushOptions, LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";

/**
 * Runs its delegate's `forceFlush()` and `shutdown()` one after another, each after the previous has ended.
 *
 * The SDK's BatchLogRecordProcessor returns at once from a flush that starts while another is running (its
 * `_flushing` guard), and its `shutdown()` flushes that way: called during an in-flight `forceFlush()`, it
 * returns early, shuts the exporter down under the running flush, and never exports the records queued in the
 * meantime. In line behind the running flush, the shutdown's own flush finds every record accepted until then,
 * so `shutdown()` resolves only once all of them are exported or counted as failed.
 */
export class SerialFlushLogRecordProcessor implements LogRecordProcessor {
  readonly #delegate: LogRecordProcessor;
  #last: Promise<unknown> = Promise.resolve();
  #shutdown: Promise<void> | undefined;

  constructor(delegate: LogRecordProcessor) {
    this.#delegate = delegate;
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    this.#delegate.onEmit(logRecord, context);
  }

  forceFlush(options?: ForceFlushOptions): Promise<void> {
    return this.#inLine(() => this.#delegate.forceFlush(options));
  }

  shutdown(): Promise<void> {
    this.#shutdown ??= this.#inLine(() => this.#delegate.shutdown());
    return this.#shutdown;
  }

  #inLine(step: () => Promise<void>): Promise<void> {
    const run = this.#last.then(step, step);
    this.#last = run.catch(() => {});
    return run;
  }
}
