// How `torch-logs-otel ingest` and `trace` stop on signals. In `python train.py 2>&1 | torch-logs-otel ingest`,
// Ctrl-C reaches both processes; what Python prints after it — the KeyboardInterrupt traceback, the most useful
// part — arrives after the signal, so stopping to read at once would lose it. `trace --follow` likewise reads
// its files to their current end.

export interface GracefulStopOptions {
  /** How long reading may go on after the first SIGINT before it stops anyway. */
  readonly graceMs: number;
  /**
   * Stops at once when aborted (as SIGTERM does), instead of listening for SIGINT and SIGTERM on `process`.
   * For tests and embedders.
   */
  readonly signal?: AbortSignal;
}

const SIGINT = "SIGINT";
const SIGTERM = "SIGTERM";

/**
 * Two steps. The first SIGINT *finishes*: reading goes on to the end of the input (the producer's last words,
 * then EOF), for at most `graceMs`, then stops. A second SIGINT, or SIGTERM, *stops*: reading ends at once.
 * Either way what was read is then exported. Once stopped, the handlers are gone, so a further signal (while
 * exporting) ends the process the default way.
 */
export class GracefulStop {
  readonly #finish = new AbortController();
  readonly #stop = new AbortController();
  readonly #graceMs: number;
  readonly #external: AbortSignal | undefined;
  #timer: NodeJS.Timeout | undefined;
  #listening = false;

  constructor(options: GracefulStopOptions) {
    this.#graceMs = options.graceMs;
    this.#external = options.signal;
    if (this.#external !== undefined) {
      if (this.#external.aborted) this.stop();
      else this.#external.addEventListener("abort", this.stop, { once: true });
    } else {
      process.on(SIGINT, this.#onSigint);
      process.on(SIGTERM, this.stop);
      this.#listening = true;
    }
  }

  /** Aborted on the first SIGINT, and when stopped: read what is left of the current input, start no other. */
  get finishing(): AbortSignal {
    return this.#finish.signal;
  }

  /** Aborted when reading must end at once. */
  get stopped(): AbortSignal {
    return this.#stop.signal;
  }

  /** Ends reading at once (also when the output is gone). */
  readonly stop = (): void => {
    this.dispose();
    this.#finish.abort();
    this.#stop.abort();
  };

  /** Waits for `pending` (e.g. stdout draining), unless reading is stopped first. */
  async unlessStopped(pending: void | Promise<void> | undefined): Promise<void> {
    if (pending === undefined) return;
    const stopped = this.#stop.signal;
    if (stopped.aborted) return;
    let onStop = () => {};
    try {
      await Promise.race([
        pending,
        new Promise<void>((resolve) => {
          onStop = () => resolve();
          stopped.addEventListener("abort", onStop);
        }),
      ]);
    } finally {
      stopped.removeEventListener("abort", onStop);
    }
  }

  /** Removes the handlers and the grace timer; signals from now on take their default action. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#external?.removeEventListener("abort", this.stop);
    if (this.#listening) {
      this.#listening = false;
      process.off(SIGINT, this.#onSigint);
      process.off(SIGTERM, this.stop);
    }
  }

  readonly #onSigint = (): void => {
    if (this.#finish.signal.aborted) {
      this.stop();
      return;
    }
    this.#finish.abort();
    this.#timer = setTimeout(this.stop, this.#graceMs);
  };
}
