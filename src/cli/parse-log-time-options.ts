// `--year` and `--utc-offset`, shared by `ingest` and `trace`: PyTorch's log prefixes print local time without
// a zone, and the glog formats without a year.
import { parseUtcOffset } from "../pytorch-line/parse-utc-offset.ts";
import { UsageError } from "./parse-command-args.ts";

export interface LogTimeOptions {
  readonly year: number | undefined;
  readonly utcOffsetMinutes: number | undefined;
}

/** Validates the two options as given on the command line; throws {@link UsageError} naming the bad value. */
export function parseLogTimeOptions(values: {
  readonly year?: string | undefined;
  readonly "utc-offset"?: string | undefined;
}): LogTimeOptions {
  let year: number | undefined;
  if (values.year !== undefined) {
    if (!/^\d{4}$/.test(values.year))
      throw new UsageError(`--year must be a 4-digit year, got "${values.year}"`);
    year = Number(values.year);
  }
  let utcOffsetMinutes: number | undefined;
  if (values["utc-offset"] !== undefined) {
    utcOffsetMinutes = parseUtcOffset(values["utc-offset"]);
    if (utcOffsetMinutes === undefined) {
      throw new UsageError(
        `--utc-offset must look like +02:00, -0530, +09 or Z, got "${values["utc-offset"]}"`,
      );
    }
  }
  return { year, utcOffsetMinutes };
}

/** The default of `--utc-offset`: this machine's UTC offset at an instant, from its time zone rules. */
export function hostUtcOffsetMinutes(epochMs: number): number {
  const minutes = -new Date(epochMs).getTimezoneOffset();
  return minutes === 0 ? 0 : minutes;
}
