// How `ingest` and `trace` ride out a backend that is down, refuses or times out: every export (logs, spans,
// metrics) keeps its batch and tries again with backoff, and the run tells what is going on while it lasts.
// A batch run gives up once the backend has failed for `retryForMillis` without a single success, and from
// then on sends nothing more (every later record counts as lost at once, so a dead backend costs the retry
// time, not an export timeout per batch). A followed input retries until it is stopped, then for at most
// `retryForMillis` more.

import { setTimeout as sleep } from "node:timers/promises";
import type { OtlpAttempt, OtlpRetryPolicy } from "../otel/otlp-retry-policy.ts";

/** What happened to the backend, as the run reports it. */
export type OutageEvent =
  /** The first failed attempt after a success (or at the start): `error` says why. */
  | { readonly kind: "began"; readonly error: string }
  /** A success after failures: the outage lasted `downForMillis`. */
  | { readonly kind: "recovered"; readonly downForMillis: number }
  /** No more attempts: the backend failed for `downForMillis`. */
  | { readonly kind: "gave-up"; readonly downForMillis: number };

/** The outage as it stands, for a progress line. */
export interface OutageStatus {
  /** How long the backend has been failing (ms), or `undefined` while it is not. */
  readonly downForMillis: number | undefined;
  /** The last failed attempt's error message, as received (escape it before printing). */
  readonly lastError: string | undefined;
  /** When the run gives up if the backend stays down (ms from now), or `undefined` when it does not. */
  readonly givesUpInMillis: number | undefined;
  readonly givenUp: boolean;
}

export interface OutageRetryPolicyOptions {
  /** How long a failing backend is retried without a success before giving up. */
  readonly retryForMillis: number;
  /** Retry without giving up until `finish()` (`--follow`). Default `false`. */
  readonly untilFinished?: boolean;
  /** Told when an outage begins, ends or is given up. */
  readonly onEvent?: (event: OutageEvent) => void;
  /** The clock (epoch ms). Default `Date.now`. */
  readonly now?: () => number;
}

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 5000;
/** The longest a Node timer can wait: "no bound" for the batch processor's export timeout. */
const NO_BOUND_MS = 2 ** 31 - 1;

/** One policy for every exporter of a run, so an outage is seen, retried and given up once for all of them. */
export class OutageRetryPolicy implements OtlpRetryPolicy {
  readonly #retryForMillis: number;
  readonly #onEvent: (event: OutageEvent) => void;
  readonly #now: () => number;
  readonly #interrupt = new AbortController();
  #bounded: boolean;
  /** When the retry time started counting: the outage's start, or `finish()` when later. */
  #finishedAt = Number.NEGATIVE_INFINITY;
  #since: number | undefined;
  #lastError: string | undefined;
  #givenUp: Error | undefined;

  constructor(options: OutageRetryPolicyOptions) {
    this.#retryForMillis = options.retryForMillis;
    this.#bounded = options.untilFinished !== true;
    this.#onEvent = options.onEvent ?? (() => {});
    this.#now = options.now ?? Date.now;
  }

  /** A wait between attempts, cut short when the run gives up meanwhile. */
  async wait(millis: number): Promise<void> {
    try {
      await sleep(millis, undefined, { signal: this.#interrupt.signal });
    } catch {
      // Given up while waiting: refuse() ends the export with the reason.
    }
  }

  status(): OutageStatus {
    const now = this.#now();
    const since = this.#since;
    return {
      downForMillis: since === undefined ? undefined : now - since,
      lastError: this.#lastError,
      givesUpInMillis:
        since === undefined || !this.#bounded || this.#givenUp !== undefined
          ? undefined
          : Math.max(0, this.#giveUpAt(since) - now),
      givenUp: this.#givenUp !== undefined,
    };
  }

  /**
   * The longest one export can take under this policy, whose attempts take up to `attemptTimeoutMillis` each:
   * what the batch processor must allow an export before giving up on it (`exportTimeoutMillis`). Unbounded
   * while retries go on until `finish()`.
   */
  exportBudgetMillis(attemptTimeoutMillis: number): number {
    // The first attempt may fail only at its end, then retries go on for the retry time, then one last attempt.
    return this.#bounded ? this.#retryForMillis + 2 * attemptTimeoutMillis + MAX_BACKOFF_MS : NO_BOUND_MS;
  }

  /** Reading is over: from now on a failing backend is retried for at most the retry time. */
  finish(): void {
    if (this.#bounded) return;
    this.#bounded = true;
    this.#finishedAt = this.#now();
  }

  refuse(): Error | undefined {
    return this.#givenUp;
  }

  /** Each attempt gets the whole export timeout: the retry time bounds how often it is tried. */
  attemptTimeout(_exportStartedAt: number, timeoutMillis: number): number {
    return timeoutMillis;
  }

  next({ response, attempt }: OtlpAttempt): number | undefined {
    const now = this.#now();
    if (response.status === "success") {
      if (this.#since !== undefined) this.#onEvent({ kind: "recovered", downForMillis: now - this.#since });
      this.#since = undefined;
      this.#lastError = undefined;
      return undefined;
    }
    // A refusal that another attempt cannot change (400, 401, 413): this export fails, the backend is up.
    if (response.status === "failure") return undefined;
    this.#lastError = response.error?.message ?? "no answer";
    if (this.#since === undefined) {
      this.#since = now;
      this.#onEvent({ kind: "began", error: this.#lastError });
    }
    if (this.#givenUp !== undefined) return undefined;
    const giveUpAt = this.#giveUpAt(this.#since);
    if (this.#bounded && now >= giveUpAt) {
      this.#giveUp(now - this.#since);
      return undefined;
    }
    const backoff = Math.min(FIRST_BACKOFF_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS);
    // The backend's Retry-After, but never past the backoff cap: the run decides how long it waits.
    const wait = Math.min(response.retryInMillis ?? backoff, MAX_BACKOFF_MS);
    return this.#bounded ? Math.max(0, Math.min(wait, giveUpAt - now)) : wait;
  }

  #giveUpAt(since: number): number {
    return Math.max(since, this.#finishedAt) + this.#retryForMillis;
  }

  #giveUp(downForMillis: number): void {
    this.#givenUp = new Error("not sent: the run gave up on the backend (--retry-for)");
    this.#interrupt.abort();
    this.#onEvent({ kind: "gave-up", downForMillis });
  }
}
