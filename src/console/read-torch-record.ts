// An OTel log record seen as the Python `logging.LogRecord` that PyTorch's formatters read: level name and
// number, message, exception text, source location, time, process and the torch extras (rank, trace id,
// artifact). Both the torch line format and TORCH_LOGS_FORMAT render from this one view, so the two agree
// on every field.

import type { HrTime } from "@opentelemetry/api";
import { parsePythonLevelName } from "../language/levels.ts";
import { severityNumberToPythonLevel } from "../language/severity.ts";
import { ARTIFACT_ATTRIBUTE, COMPILE_ID_ATTRIBUTE, RANK_ATTRIBUTE } from "../otel/attributes.ts";

// OTel semantic conventions for the source location; the older names (semconv < 1.26) are still what many
// bridges write, so both are read, the current name first.
const FILE_PATH_ATTRIBUTES = ["code.file.path", "code.filepath"] as const;
const LINE_NUMBER_ATTRIBUTES = ["code.line.number", "code.lineno"] as const;
const FUNCTION_ATTRIBUTES = ["code.function.name", "code.function"] as const;
const EXCEPTION_TYPE = "exception.type";
const EXCEPTION_MESSAGE = "exception.message";
const EXCEPTION_STACKTRACE = "exception.stacktrace";
// Python's `stack_info` (logging `stack_info=True`), appended after the exception as logging does.
const CODE_STACKTRACE = "code.stacktrace";
const PROCESS_PID = "process.pid";
const THREAD_ID = "thread.id";

/** What the formatters read from a log record; the SDK's `ReadableLogRecord` has all of it. */
export interface TorchLogRecordInput {
  readonly hrTime: HrTime;
  readonly severityNumber?: number;
  readonly severityText?: string;
  readonly body?: unknown;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly instrumentationScope: { readonly name: string };
}

export interface ReadTorchRecordOptions {
  /** The process id printed when the record has no `process.pid` attribute. Required: this module does no I/O. */
  readonly pid: number;
  /** The rank printed as `[rankN]:` when the record has no `torch.rank` attribute. Default: no rank prefix. */
  readonly rank?: number;
  /** Python's `%(thread)d` when the record has no `thread.id` attribute. Default `0`. */
  readonly threadId?: number;
  /** The attribute naming a record's artifact. Default {@link ARTIFACT_ATTRIBUTE} (`torch.artifact`). */
  readonly artifactAttribute?: string;
  /** Print times in UTC instead of local time (PyTorch prints local time). Default `false`. */
  readonly utc?: boolean;
}

/** A record as Python's `LogRecord` (field names as in Python, for the `%(field)` keys) plus the torch extras. */
export interface TorchRecordView {
  /** The logger name: the scope, plus `.__<artifact>` for an artifact record (PyTorch's artifact logger name). */
  readonly name: string;
  /** The glog letter of the torch format: `V`, `I`, `W`, `E`, `C`, or `NOTSET`. */
  readonly letter: string;
  readonly levelname: string;
  readonly levelno: number;
  /** The body as text, without the exception. */
  readonly message: string;
  /** Exception and stack text that Python appends after the message (`exc_text`, `stack_info`), or `""`. */
  readonly exceptionText: string;
  readonly pathname: string;
  readonly filename: string;
  readonly module: string;
  readonly funcName: string;
  readonly lineno: number;
  /** Seconds since the epoch, with the record's sub-second part. */
  readonly created: number;
  /** Milliseconds within the second, with microseconds as the fraction. */
  readonly msecs: number;
  /** Microseconds within the second (0–999999). */
  readonly microseconds: number;
  /** `MMDD HH:MM:SS`, PyTorch's `formatTime(record, "%m%d %H:%M:%S")`. */
  readonly torchTime: string;
  /** Python's default `asctime`: `YYYY-MM-DD HH:MM:SS,mmm`. */
  readonly asctime: string;
  readonly process: number;
  readonly thread: number;
  readonly rank: number | undefined;
  /** The trace id without brackets (`0/0`), when the record has one. */
  readonly traceId: string | undefined;
  readonly artifact: string | undefined;
}

/** Reads the Python view of a record. Pure: time zone aside (local unless `utc`), the result depends only on the input. */
export function readTorchRecord(
  record: TorchLogRecordInput,
  options: ReadTorchRecordOptions,
): TorchRecordView {
  const attributes = record.attributes;
  const scope = record.instrumentationScope.name;
  const artifact = nonEmptyString(attributes[options.artifactAttribute ?? ARTIFACT_ATTRIBUTE]);
  const level = readLevel(record.severityNumber, record.severityText);
  const location = readLocation(attributes, scope);
  const time = readTime(record.hrTime, options.utc === true);
  return {
    // getArtifactLogger(module, name) is the logger `<module>.__<name>` (torch-logs-semantics.md §5).
    name: artifact === undefined ? scope : `${scope}.__${artifact}`,
    ...level,
    message: renderBody(record.body),
    exceptionText: readExceptionText(attributes),
    ...location,
    ...time,
    process: nonNegativeInteger(attributes[PROCESS_PID]) ?? options.pid,
    thread: nonNegativeInteger(attributes[THREAD_ID]) ?? options.threadId ?? 0,
    rank: nonNegativeInteger(attributes[RANK_ATTRIBUTE]) ?? options.rank,
    traceId: readTraceId(attributes[COMPILE_ID_ATTRIBUTE]),
    artifact,
  };
}

const LETTERS = ["V", "I", "W", "E", "C"] as const;
const LEVEL_NAMES = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;

/**
 * The severity as PyTorch's formatter sees a Python level. Each OTel band maps to its Python level's
 * letter and name (DEBUG2–4 are still DEBUG → `V`); TRACE (1–4) has no Python level and prints as DEBUG,
 * the most verbose letter glog has. `levelno` is the inverse of the OTel Python handler's mapping (so a
 * record bridged from Python level 15 reports 15 again).
 *
 * UNSPECIFIED (0 or absent): the severityText decides if it names a level (`WARN`, `warning`, `fatal`…);
 * otherwise the record is Python's level 0, which PyTorch prints in full as `NOTSET` (its formatter prints
 * any level without a glog letter by name) — visibly "no level", where a letter would invent one.
 */
function readLevel(
  severityNumber: number | undefined,
  severityText: string | undefined,
): Pick<TorchRecordView, "letter" | "levelname" | "levelno"> {
  const custom = customLevel(severityNumber, severityText);
  if (custom !== undefined) return custom;
  if (severityNumber !== undefined && severityNumber >= 1) {
    const band = severityNumber < 5 ? 0 : Math.min(Math.floor((severityNumber - 5) / 4), 4);
    return {
      letter: LETTERS[band] ?? "C",
      levelname: LEVEL_NAMES[band] ?? "CRITICAL",
      levelno: severityNumberToPythonLevel(Math.min(severityNumber, 24)),
    };
  }
  const text = severityText?.trim().toUpperCase();
  const levelno = text === "TRACE" ? 10 : text === undefined ? undefined : parsePythonLevelName(text);
  if (levelno !== undefined && levelno > 0) {
    const band = levelno / 10 - 1;
    return { letter: LETTERS[band] ?? "C", levelname: LEVEL_NAMES[band] ?? "CRITICAL", levelno };
  }
  return { letter: "NOTSET", levelname: "NOTSET", levelno: 0 };
}

// A Python level name of its own (`logging.addLevelName(25, "NOTICE")`, or `Level 15` for a number without
// one), as `ingest` keeps it in severityText: PyTorch's formatter prints such a name in full in place of the
// letter. Standard names and OTel's own short names (`WARN`, `INFO2`, `TRACE`) are not custom.
const CUSTOM_LEVEL_NAME = /^(?:[A-Z][A-Z_]{2,31}|Level (\d+))$/;
const STANDARD_LEVEL_NAMES = new Set([
  "NOTSET",
  "DEBUG",
  "INFO",
  "WARN",
  "WARNING",
  "ERROR",
  "CRITICAL",
  "FATAL",
  "TRACE",
]);

function customLevel(
  severityNumber: number | undefined,
  severityText: string | undefined,
): Pick<TorchRecordView, "letter" | "levelname" | "levelno"> | undefined {
  if (severityText === undefined || STANDARD_LEVEL_NAMES.has(severityText)) return undefined;
  const m = CUSTOM_LEVEL_NAME.exec(severityText);
  if (m === null) return undefined;
  // `Level N` says its number; a named level's number survives only as its OTel band.
  const levelno =
    m[1] !== undefined
      ? Number(m[1])
      : severityNumber !== undefined && severityNumber >= 1
        ? severityNumberToPythonLevel(Math.min(severityNumber, 24))
        : 0;
  return { letter: severityText, levelname: severityText, levelno };
}

/**
 * The source location. With no file attribute the scope name stands in for the path (`torch._dynamo:0`):
 * the scope is the Python module that logged (torch logs through `getLogger(__name__)`), so the line still
 * says where the record came from, and `:0` is Python's own line number for an unknown location. Python's
 * `module` is the file's base name, which for a module name is its last dotted part.
 */
function readLocation(
  attributes: Readonly<Record<string, unknown>>,
  scope: string,
): Pick<TorchRecordView, "pathname" | "filename" | "module" | "funcName" | "lineno"> {
  const path = firstString(attributes, FILE_PATH_ATTRIBUTES);
  const lineno = firstLineNumber(attributes);
  const funcName = firstString(attributes, FUNCTION_ATTRIBUTES) ?? "(unknown function)";
  if (path === undefined) {
    const name = scope === "" ? "(unknown file)" : scope;
    return { pathname: name, filename: name, module: name.split(".").at(-1) ?? name, funcName, lineno };
  }
  const filename = path.split(/[\\/]/).at(-1) ?? path;
  const dot = filename.lastIndexOf(".");
  return { pathname: path, filename, module: dot > 0 ? filename.slice(0, dot) : filename, funcName, lineno };
}

function firstLineNumber(attributes: Readonly<Record<string, unknown>>): number {
  for (const key of LINE_NUMBER_ATTRIBUTES) {
    const value = attributes[key];
    const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
    const lineno = nonNegativeInteger(n);
    if (lineno !== undefined) return lineno;
  }
  return 0;
}

/**
 * Time fields from the record's hrTime. The microseconds are the record's own, not Python's whole
 * milliseconds padded with `000`: PyTorch prints `int(record.msecs * 1000)`, and real logs show both
 * (pytorch-log-format.md §1.3 "Microseconds"), so the extra precision is kept.
 */
function readTime(
  hrTime: HrTime,
  utc: boolean,
): Pick<TorchRecordView, "created" | "msecs" | "microseconds" | "torchTime" | "asctime"> {
  const [rawSeconds, rawNanos] = hrTime;
  const carry = Math.floor(rawNanos / 1e9);
  const seconds = Math.floor(rawSeconds) + carry;
  const nanos = rawNanos - carry * 1e9;
  const microseconds = Math.floor(nanos / 1000);
  const date = new Date(seconds * 1000);
  const part = utc
    ? [
        date.getUTCFullYear(),
        date.getUTCMonth() + 1,
        date.getUTCDate(),
        date.getUTCHours(),
        date.getUTCMinutes(),
        date.getUTCSeconds(),
      ]
    : [
        date.getFullYear(),
        date.getMonth() + 1,
        date.getDate(),
        date.getHours(),
        date.getMinutes(),
        date.getSeconds(),
      ];
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = part.map((n) =>
    Number.isNaN(n) ? 0 : n,
  );
  const clock = `${pad2(hour)}:${pad2(minute)}:${pad2(second)}`;
  return {
    // The whole nanoseconds, so that `%(created)f` rounds the sixth digit as Python rounds its float.
    created: seconds + nanos / 1e9,
    msecs: microseconds / 1000,
    microseconds,
    torchTime: `${pad2(month)}${pad2(day)} ${clock}`,
    asctime: `${String(year).padStart(4, "0")}-${pad2(month)}-${pad2(day)} ${clock},${String(Math.floor(microseconds / 1000)).padStart(3, "0")}`,
  };
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * Python's `exc_text` and `stack_info` as logging builds them. OTel's `exception.stacktrace` is the whole
 * printed exception in both Python (`traceback.format_exception`, which ends with `Type: message`) and
 * JavaScript (`error.stack`, which starts with it), so it is used alone when present; otherwise
 * `Type: message`, Python's `format_exception_only`. logging strips one trailing newline (formatException).
 */
function readExceptionText(attributes: Readonly<Record<string, unknown>>): string {
  const stacktrace = nonEmptyString(attributes[EXCEPTION_STACKTRACE]);
  const type = nonEmptyString(attributes[EXCEPTION_TYPE]);
  const message = nonEmptyString(attributes[EXCEPTION_MESSAGE]);
  let text =
    stacktrace ??
    (type !== undefined && message !== undefined ? `${type}: ${message}` : (type ?? message ?? ""));
  if (text.endsWith("\n")) text = text.slice(0, -1);
  const stack = nonEmptyString(attributes[CODE_STACKTRACE]);
  if (stack !== undefined) text = text === "" ? stack : `${text}${text.endsWith("\n") ? "" : "\n"}${stack}`;
  return text;
}

function readTraceId(value: unknown): string | undefined {
  const text = typeof value === "number" ? String(value) : nonEmptyString(value);
  if (text === undefined) return undefined;
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  return bare === "" ? undefined : bare;
}

/**
 * A body as text. Strings print as they are (Python's `getMessage()` of a str); absent or null is an empty
 * message; other values are rendered as compact JSON, with byte arrays as base64 as in OTLP/JSON, so
 * a structured body stays one parseable line. Whatever cannot be serialised (cycles, BigInt) falls back to
 * `String()`: a formatter must not throw.
 */
function renderBody(body: unknown): string {
  if (typeof body === "string") return body;
  if (body === undefined || body === null) return "";
  if (typeof body === "number" || typeof body === "boolean" || typeof body === "bigint") return String(body);
  if (body instanceof Uint8Array) return Buffer.from(body).toString("base64");
  try {
    return JSON.stringify(body, jsonReplacer) ?? String(body);
  } catch {
    try {
      return String(body);
    } catch {
      return "[unprintable body]";
    }
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (typeof value === "bigint") return value.toString();
  return value;
}

function firstString(
  attributes: Readonly<Record<string, unknown>>,
  keys: readonly string[],
): string | undefined {
  for (const key of keys) {
    const value = nonEmptyString(attributes[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function nonNegativeInteger(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
