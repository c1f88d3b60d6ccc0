// Python level <-> OpenTelemetry SeverityNumber, exactly as the OpenTelemetry Python logging handler maps them
// (opentelemetry-sdk `_logs/_internal/__init__.py`, `std_to_otel`; ../shared/spec/otel-notes.md).
// Plain numbers, so the language layer needs no OpenTelemetry import: they are OTel's `SeverityNumber` values
// (UNSPECIFIED = 0, TRACE = 1, DEBUG = 5, INFO = 9, WARN = 13, ERROR = 17, FATAL = 21, FATAL4 = 24).
import { formatPythonLevel } from "./levels.ts";

const UNSPECIFIED = 0;
const FATAL4 = 24;

/**
 * `std_to_otel(levelno)`: NOTSET and anything below DEBUG is UNSPECIFIED; each Python decade maps to one OTel
 * band of four (10→DEBUG, 11–13→DEBUG2–4, 14–19→DEBUG4, 20→INFO …); above 53 is FATAL4.
 */
export function pythonLevelToSeverityNumber(levelno: number): number {
  if (!(levelno >= 10)) return UNSPECIFIED;
  if (levelno > 53) return FATAL4;
  const decade = Math.floor(levelno / 10);
  const band = decade * 4 + 1;
  return Math.min(band + (levelno - decade * 10), band + 3);
}

/**
 * The severityText the Python handler sends: the level name, except WARNING which becomes `WARN`
 * (opentelemetry-python#3548). CRITICAL stays `CRITICAL`; an unnamed level is `Level 15` as in Python.
 */
export function pythonLevelToSeverityText(levelno: number): string {
  const name = formatPythonLevel(levelno);
  return name === "WARNING" ? "WARN" : name;
}

/**
 * The smallest Python level whose records map to `severity` or above: the inverse used to compare an OTel record
 * against a TORCH_LOGS threshold. TRACE (1–4) is below DEBUG; UNSPECIFIED (0) has no Python level.
 */
export function severityNumberToPythonLevel(severity: number): number {
  if (severity >= 24) return 54;
  if (severity < 5) return severity >= 1 ? 1 : 0;
  const band = Math.floor((severity - 5) / 4);
  return (band + 1) * 10 + ((severity - 5) % 4);
}
