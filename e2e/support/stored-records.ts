// Records as `ingest --format jsonl` prints them and as the logs store holds them, in one canonical text form,
// so that a test compares the two as multisets: nothing missing, nothing extra, nothing changed.
import { bodyOf, type StoredLog } from "./victoria-logs-client.ts";

/** One line of `ingest --format jsonl`. */
export interface JsonlRecord {
  readonly timeUnixNano: string;
  readonly severityNumber: number;
  readonly scope: string;
  readonly body: string;
  readonly attributes: Record<string, unknown>;
}

export const OTHER_SCOPE = "torch_logs_otel.ingest.other";

export interface CanonicalFields {
  readonly body: string;
  readonly scope: string;
  readonly severity: number;
  readonly time: string | undefined;
  readonly attributes: Record<string, string>;
}

/** A record as both sides state it. Lines that are not PyTorch records carry no time of their own: each reader
 * stamps them when it reads them, so their time is not compared. */
export function canonical(record: CanonicalFields): string {
  const attributes = Object.entries(record.attributes).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([record.scope, record.severity, record.time ?? "", record.body, attributes]);
}

/** What `a` holds that `b` does not, counting repeats. */
export function difference(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const item of b) counts.set(item, (counts.get(item) ?? 0) + 1);
  return a.filter((item) => {
    const n = counts.get(item) ?? 0;
    if (n === 0) return true;
    counts.set(item, n - 1);
    return false;
  });
}

/** VictoriaLogs keeps nanoseconds in `_time` (RFC 3339); back to Unix nanoseconds as a decimal string. */
export function unixNanos(rfc3339: string): string {
  const match = /^(.*?)(?:\.(\d+))?Z$/.exec(rfc3339);
  const seconds = BigInt(Date.parse(`${match?.[1]}Z`)) / 1000n;
  const fraction = (match?.[2] ?? "").padEnd(9, "0");
  return (seconds * 1_000_000_000n + BigInt(fraction)).toString();
}

export function stringified(attributes: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, String(v)]));
}

export function parseJsonl(text: string): JsonlRecord[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as JsonlRecord);
}

export interface CanonicalOptions {
  /** Attributes left out on both sides. */
  readonly without?: readonly string[];
  /**
   * Compare times without their year: the glog formats print none, and each reader picks one by its own rule
   * (`ingest`: the latest not more than a day ahead of now; the collector: this year unless more than 7 days
   * ahead), so a recorded date just ahead of today gets different years.
   */
  readonly yearless?: boolean;
}

/** `ingest`'s record (or one read back the same way) in canonical form. */
export function canonicalOfJsonl(
  record: Omit<JsonlRecord, "body"> & { readonly body: string | null },
  options: CanonicalOptions = {},
): string {
  const timed = record.severityNumber > 0 || record.scope !== OTHER_SCOPE;
  const attributes = stringified(record.attributes);
  for (const key of options.without ?? []) delete attributes[key];
  const time = !timed
    ? undefined
    : options.yearless
      ? new Date(Number(BigInt(record.timeUnixNano) / 1_000_000n)).toISOString().slice(5) +
        String(BigInt(record.timeUnixNano) % 1_000_000n).padStart(6, "0")
      : record.timeUnixNano;
  return canonical({
    body: record.body ?? "",
    scope: record.scope,
    severity: record.severityNumber,
    time,
    attributes,
  });
}

/** Fields VictoriaLogs stores besides a record's own attributes: its own, the resource's and the scope's. */
const STORE_FIELDS = new Set([
  "_msg",
  "_time",
  "_stream",
  "_stream_id",
  "severity_number",
  "severity_text",
  "scope.name",
  "scope.version",
  "service.name",
  "telemetry.sdk.language",
  "telemetry.sdk.name",
  "telemetry.sdk.version",
]);

/** The record's own attributes, less those named in `without`. */
export function attributesOf(row: StoredLog, without: readonly string[] = []): Record<string, string> {
  return Object.fromEntries(
    Object.entries(row).filter(([k]) => !STORE_FIELDS.has(k) && !without.includes(k)),
  );
}

/** A stored record in canonical form, less the attributes named in `without`. */
export function canonicalOfStored(row: StoredLog, without: readonly string[] = []): string {
  const scope = row["scope.name"] ?? "";
  const severity = Number(row.severity_number);
  return canonical({
    body: bodyOf(row),
    scope,
    severity,
    time: scope === OTHER_SCOPE && severity === 0 ? undefined : unixNanos(row._time ?? ""),
    attributes: attributesOf(row, without),
  });
}
