// How an OTLP export is retried: which answers get another attempt, after how long, and when to stop.

import type { ExportResponse } from "@opentelemetry/otlp-exporter-base";

/** One attempt of an export, as a retry policy sees it. */
export interface OtlpAttempt {
  /** What the attempt got: `success`, `failure` (not worth retrying: 400, 401, …) or `retryable`. */
  readonly response: ExportResponse;
  /** 1 for the first attempt of the export. */
  readonly attempt: number;
  /** When the export's first attempt started (epoch ms). */
  readonly exportStartedAt: number;
  /** The export timeout the exporter was configured with (`OTEL_EXPORTER_OTLP_TIMEOUT`, `timeoutMillis`). */
  readonly timeoutMillis: number;
}

/**
 * Decides the attempts of OTLP exports. One policy may serve several exporters (logs, spans, metrics of one
 * run), so it can see a backend outage across all of them.
 */
export interface OtlpRetryPolicy {
  /**
   * Asked before each attempt: an error to end the export with, unsent (the policy gave up), or `undefined`.
   */
  refuse(): Error | undefined;
  /** How long the next attempt of an export started at `exportStartedAt` may take, at most. */
  attemptTimeout(exportStartedAt: number, timeoutMillis: number): number;
  /**
   * Told every attempt's outcome. Returns how long to wait before the next attempt, or `undefined` to end the
   * export with this attempt's response.
   */
  next(attempt: OtlpAttempt): number | undefined;
  /**
   * Waits `millis` between two attempts; may end early (the policy gave up meanwhile), `refuse()` is asked
   * next. Default: a plain timer.
   */
  wait?(millis: number): Promise<void>;
}

const MAX_RETRIES = 5;
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5000;
const BACKOFF_MULTIPLIER = 1.5;
const JITTER = 0.2;

/**
 * The stock exporters' schedule: the timeout bounds the whole export, retries included; a retryable answer is
 * tried again up to 5 times, after 1 s, then ×1.5 each time (±20 %, at most 5 s), or after the backend's
 * `Retry-After`, as long as the wait ends before the export's deadline.
 */
export const PER_EXPORT_RETRY: OtlpRetryPolicy = {
  refuse: () => undefined,
  attemptTimeout: (startedAt, timeoutMillis) => Math.max(0, startedAt + timeoutMillis - Date.now()),
  next({ response, attempt, exportStartedAt, timeoutMillis }) {
    if (response.status !== "retryable" || attempt > MAX_RETRIES) return undefined;
    const backoff = Math.min(
      INITIAL_BACKOFF_MS * BACKOFF_MULTIPLIER ** (attempt - 1) * (1 + (Math.random() * 2 - 1) * JITTER),
      MAX_BACKOFF_MS,
    );
    const wait = response.retryInMillis ?? backoff;
    return wait < exportStartedAt + timeoutMillis - Date.now() ? wait : undefined;
  },
};
