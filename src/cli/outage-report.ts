// What `ingest` and `trace` print while the backend fails: a line when the failure is first seen, one every
// few seconds while it lasts (with the counts so far), and one when it recovers or the run gives up.
import type { OutageEvent, OutageRetryPolicy } from "../delivery/outage-retry-policy.ts";
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
}

const DEFAULT_INTERVAL_MS = 5000;

/** Reports an {@link OutageRetryPolicy}'s outages; give `onEvent` to the policy, call `stop()` at the end. */
export class OutageReport {
  readonly #options: OutageReportOptions;
  #policy: OutageRetryPolicy | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: OutageReportOptions) {
    this.#options = options;
  }

  /** The policy whose status the periodic lines show (set once it is built, as it takes `onEvent`). */
  watch(policy: OutageRetryPolicy): void {
    this.#policy = policy;
  }

  readonly onEvent = (event: OutageEvent): void => {
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
  };

  stop(): void {
    this.#stopTicking();
  }

  #plan(): string {
    const givesUpIn = this.#policy?.status().givesUpInMillis;
    return givesUpIn === undefined
      ? "retrying until it answers"
      : `retrying for up to ${formatSeconds(givesUpIn)}`;
  }

  #tick(): void {
    this.#stopTicking();
    this.#timer = setInterval(() => {
      const status = this.#policy?.status();
      if (status?.downForMillis === undefined || status.givenUp) return;
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
