// `--retry-for`, shared by `ingest` and `trace`: how long a failing backend is retried before the run gives up.
import { UsageError } from "./parse-command-args.ts";

/** The default: long enough for a collector to restart, short enough that a batch run against none ends soon. */
export const DEFAULT_RETRY_FOR_MILLIS = 20_000;

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

/**
 * `20s`, `1500ms`, `2m`, or a number of seconds (`20`, `0.5`); `0` gives up at the first failure. Throws
 * {@link UsageError} naming the bad value.
 */
export function parseRetryFor(value: string | undefined): number {
  if (value === undefined) return DEFAULT_RETRY_FOR_MILLIS;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (m === null) {
    throw new UsageError(`--retry-for must be a duration such as 20s, 1500ms or 2m, got "${value}"`);
  }
  return Math.round(Number(m[1]) * (UNITS[m[2] ?? "s"] ?? 1000));
}

/** A duration in seconds for messages: `20 s`, `1.5 s`. */
export function formatSeconds(millis: number): string {
  return `${Math.round(millis / 100) / 10} s`;
}
