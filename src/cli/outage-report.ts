// What `ingest` and `trace` print while the backend fails: a line when the failure is first seen, one every
// few seconds while it lasts (with the counts so far), and one when it recovers or the run gives up.
import { type OutageEvent, OutageRetryPolicy } from "../delivery/outage-retry-policy.ts";
import { formatBackendMessage } from "../otel/backend-message.ts";
import { formatSeconds } from "./parse-retry-for.ts";

export interface OutageReportOptions {
  /** `torch-logs-otel ingest`: starts every line. */
  readonly prefix: string;
  readonly write: (line: string) => void;
  /** The counts so far, e.g. `2048 log records waiting, 0 exported, 512 lost`. */
  readonly counts: () => string;
  /** How often a line is printed while the backend fails. Default 5000 ms. */
  readonly intervalMs?: number;
  /** `--retry-for`, in ms. */
  readonly retryForMillis: number;
  /** `--follow`: retry until the run is finished. */
  readonly untilFinished: boolean;
}

const DEFAULT_INTERVAL_MS = 5000;

/** A run's retry policy (`retry`, for its exporters) and the report of its outages; `stop()` at the end. */
export class OutageReport {
  readonly retry: OutageRetryPolicy;
  readonly #options: OutageReportOptions;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: OutageReportOptions) {
    this.#options = options;
    this.retry = new OutageRetryPolicy({
      retryForMillis: options.retryForMillis,
      untilFinished: options.untilFinished,
      onEvent: (event) => this.#onEvent(event),
    });
  }

  #onEvent(event: OutageEvent): void {
    if (event.kind === "began") {
      this.#line(`cannot deliver to the backend (${formatBackendMessage(event.error)}); ${this.#plan()}`);
      this.#tick();
    } else if (event.kind === "recovered") {
      this.#stopTicking();
      this.#line(`the backend takes records again after ${formatSeconds(event.downForMillis)}`);
    } else {
      this.#stopTicking();
      this.#line(
        `gave up after ${formatSeconds(event.downForMillis)} of failed exports (--retry-for): ` +
          `what is not delivered yet is dropped; ${this.#options.counts()}`,
      );
    }
  }

  stop(): void {
    this.#stopTicking();
  }

  #plan(): string {
    const givesUpIn = this.retry.status().givesUpInMillis;
    return givesUpIn === undefined
      ? "retrying until it answers"
      : `retrying for up to ${formatSeconds(givesUpIn)}`;
  }

  #tick(): void {
    this.#stopTicking();
    this.#timer = setInterval(() => {
      const status = this.retry.status();
      if (status.downForMillis === undefined || status.givenUp) return;
      const error = status.lastError === undefined ? "" : ` (${formatBackendMessage(status.lastError)})`;
      this.#line(
        `backend failing for ${formatSeconds(status.downForMillis)}${error}: ${this.#options.counts()}; ${this.#plan()}`,
      );
    }, this.#options.intervalMs ?? DEFAULT_INTERVAL_MS);
    // The report never keeps the process alive: the exports it reports on do, while they last.
    this.#timer.unref();
  }

  #stopTicking(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #line(text: string): void {
    this.#options.write(`${this.#options.prefix}: ${text}\n`);
  }
}
