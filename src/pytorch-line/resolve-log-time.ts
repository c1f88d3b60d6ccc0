// Turns the wall-clock time printed on a torch._logging line into an instant.
//
// The glog formats print `%m%d %H:%M:%S` in the producer's local time: no year and no zone
// (pytorch-log-format.md §1.3 "Date and time"), and the bracket format prints a year but no zone. Both
// have to come from context, so the caller passes them in; nothing here reads the clock or the host zone.

import type { PytorchLogTime } from "./pytorch-log-line.ts";

export interface ResolveLogTimeOptions {
  /**
   * When the log was read or collected, in epoch milliseconds. A line without a year is placed in the
   * latest year that does not put it more than `futureToleranceMs` after this instant, so a log written
   * on 31 December and read on 1 January lands in the old year.
   */
  readonly reference: number;
  /**
   * The producer's UTC offset in minutes (`+120` for UTC+2), the opposite sign of
   * `Date#getTimezoneOffset()`, or a zone: its offset at an instant (e.g.
   * `(ms) => -new Date(ms).getTimezoneOffset()` for this host's), taken at the time printed, not at
   * `reference`, so a daylight-saving change in between does not shift it. Required: the log does not say,
   * and guessing the reader's zone is wrong for logs shipped from another host.
   */
  readonly utcOffsetMinutes: number | ((epochMs: number) => number);
  /** Clock skew allowed between producer and reader. Default: one day (86 400 000 ms). */
  readonly futureToleranceMs?: number;
}

/** OTel's `HrTime`: `[seconds, nanoseconds]` since the epoch. */
export type HrTime = [number, number];

const DAY_MS = 86_400_000;
// A 29 February without a year needs a leap year, which can be up to 8 years back (2100 is not leap).
const YEARS_BACK = 8;

/**
 * The instant a printed time stands for, or `undefined` when no year makes the date valid (e.g. 31 April).
 * Microseconds are kept exactly, which a millisecond `Date` could not do.
 */
export function resolveLogTime(time: PytorchLogTime, options: ResolveLogTimeOptions): HrTime | undefined {
  // Consecutive lines mostly print the same second: its instant is remembered (`last`), so a line costs
  // a comparison rather than a time zone lookup and a search over years.
  const key = secondKey(time);
  const offset = options.utcOffsetMinutes;
  const tolerance = options.futureToleranceMs ?? DAY_MS;
  if (
    key !== last.key ||
    options.reference !== last.reference ||
    offset !== last.offset ||
    tolerance !== last.tolerance
  ) {
    last = { key, reference: options.reference, offset, tolerance, seconds: resolveSeconds(time, options) };
  }
  if (last.seconds === undefined) return undefined;
  // A leap second (:60) is printed by strftime but not representable; it is folded into :59.999999.
  const microsecond = time.second === 60 ? 999_999 : time.microsecond;
  return [last.seconds, microsecond * 1000];
}

/** The last second resolved and what it was resolved with. */
let last: {
  readonly key: number;
  readonly reference: number;
  readonly offset: ResolveLogTimeOptions["utcOffsetMinutes"];
  readonly tolerance: number;
  readonly seconds: number | undefined;
} = { key: Number.NaN, reference: Number.NaN, offset: Number.NaN, tolerance: Number.NaN, seconds: undefined };

/**
 * The printed time down to the second as one number (exact: below 2^53 for any 4-digit year; no year is -1,
 * apart from every year including 0000).
 */
function secondKey(time: PytorchLogTime): number {
  const date = ((time.year ?? -1) * 13 + time.month) * 32 + time.day;
  return ((date * 24 + time.hour) * 60 + time.minute) * 61 + time.second;
}

/** Seconds since the epoch of the printed time's whole second, if a year makes it valid. */
function resolveSeconds(time: PytorchLogTime, options: ResolveLogTimeOptions): number | undefined {
  const offset = options.utcOffsetMinutes;
  if (typeof offset === "number") return resolveAtOffset(time, offset, options);
  // A zone's offset depends on the instant, which depends on the offset: resolve with the offset at the
  // reference, then again with the offset at the instant found if it differs (a DST change in between).
  const guess = offset(options.reference);
  const first = resolveAtOffset(time, guess, options);
  if (first === undefined) return undefined;
  const actual = offset(first * 1000);
  if (actual === guess) return first;
  return resolveAtOffset(time, actual, options) ?? first;
}

function resolveAtOffset(
  time: PytorchLogTime,
  utcOffsetMinutes: number,
  options: ResolveLogTimeOptions,
): number | undefined {
  if (time.year !== undefined) return toSeconds(time, time.year, utcOffsetMinutes);
  const latest = options.reference + (options.futureToleranceMs ?? DAY_MS);
  const referenceYear = new Date(options.reference).getUTCFullYear();
  for (let year = referenceYear + 1; year >= referenceYear - YEARS_BACK; year--) {
    const resolved = toSeconds(time, year, utcOffsetMinutes);
    if (resolved !== undefined && resolved * 1000 <= latest) return resolved;
  }
  return undefined;
}

function toSeconds(time: PytorchLogTime, year: number, utcOffsetMinutes: number): number | undefined {
  const localMs = Date.UTC(year, time.month - 1, time.day, time.hour, time.minute, Math.min(time.second, 59));
  // Date.UTC rolls 30 February over into March; such a date does not exist in that year.
  const check = new Date(localMs);
  if (check.getUTCMonth() !== time.month - 1 || check.getUTCDate() !== time.day) return undefined;
  return (localMs - utcOffsetMinutes * 60_000) / 1000;
}
