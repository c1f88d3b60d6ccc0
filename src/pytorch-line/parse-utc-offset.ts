// The `--utc-offset` value of `torch-logs-otel ingest` and `trace`: the zone PyTorch printed its local times
// in.

// ISO 8601 forms: `Z`, `±HH`, `±HHMM`, `±HH:MM`; `UTC` as a spelling of `Z`.
const OFFSET = /^(?<sign>[+-])(?<hours>\d{2})(?::?(?<minutes>\d{2}))?$/;
// java.time.ZoneOffset's bound; real zones stay within −12:00 … +14:00.
const MAX_MINUTES = 18 * 60;

/** Minutes east of UTC (`"+05:30"` → 330, `"Z"` → 0), or `undefined` when `text` is not an offset. */
export function parseUtcOffset(text: string): number | undefined {
  if (text === "Z" || text === "z" || text.toUpperCase() === "UTC") return 0;
  const groups = OFFSET.exec(text)?.groups;
  if (groups === undefined) return undefined;
  const hours = Number(groups.hours);
  const minutes = Number(groups.minutes ?? "0");
  if (minutes > 59) return undefined;
  const total = hours * 60 + minutes;
  if (total > MAX_MINUTES) return undefined;
  // `-00:00` is UTC too, not −0.
  return groups.sign === "-" && total !== 0 ? -total : total;
}
