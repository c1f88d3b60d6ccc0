// process.stdout and process.stderr as the bin hands them to the commands: writing never throws and never
// crashes the process. When the reader goes away (`ingest … 2>&1 | head -1`), Node reports EPIPE as an
// 'error' event, which kills a process that does not listen for it — losing every record not yet exported.

import type { Writable } from "node:stream";

/**
 * A stream that closes instead of failing: the first write error (EPIPE) or a `close` marks it closed, and
 * later writes are dropped. Listens for errors for good: a broken stdout still reports the writes that were
 * in flight, and Node's stdout keeps reporting every later write as a new EPIPE.
 */
export class SafeOutput {
  readonly #stream: Writable;
  readonly #closed = new AbortController();

  constructor(stream: Writable) {
    this.#stream = stream;
    stream.on("error", (error: Error) => this.#close(error));
    stream.on("close", () => this.#close(new Error("the stream was closed")));
  }

  /** Aborted once the stream failed or closed; the reason is the error. */
  get closed(): AbortSignal {
    return this.#closed.signal;
  }

  /**
   * Writes unless closed. False when the stream's buffer is past its high-water mark: the caller should
   * wait for {@link drained} before writing more.
   */
  write(chunk: string | Uint8Array): boolean {
    if (this.#closed.signal.aborted) return true;
    try {
      return this.#stream.write(chunk);
    } catch (error) {
      this.#close(error instanceof Error ? error : new Error(String(error)));
      return true;
    }
  }

  /** Resolves once what was written has drained below the high-water mark, or the stream closed. */
  drained(): Promise<void> {
    if (this.#closed.signal.aborted || !this.#stream.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.#stream.off("drain", done);
        this.#closed.signal.removeEventListener("abort", done);
        resolve();
      };
      this.#stream.on("drain", done);
      this.#closed.signal.addEventListener("abort", done);
    });
  }

  #close(error: Error): void {
    if (!this.#closed.signal.aborted) this.#closed.abort(error);
  }
}
