// Maps a reassembled PyTorch record (or a line that is not one) to an OpenTelemetry log record.
//
// Pure: the clock and the producer's time zone come in through the options. The result is a plain value
// whose fields are those of `@opentelemetry/api`'s LogRecord plus the instrumentation scope to emit it on,
// so `provider.getLogger(scope).emit(rest)` sends it as the Python OpenTelemetry logging handler would
// have: scope = the logger name, severity = `std_to_otel(levelno)`, body = the message.

import { type Attributes, SeverityNumber } from "@opentelemetry/api";
import type { MappedLogRecord } from "../delivery/mapped-log-record.ts";
import { pythonLevelToSeverityNumber } from "../language/severity.ts";
import { LINE_ATTRIBUTES } from "../pytorch-line/line-attributes.ts";
import { findRecordLoggers } from "../pytorch-line/module-loggers.ts";
import type { PytorchLogTime } from "../pytorch-line/pytorch-log-line.ts";
import { type HrTime, resolveLogTime } from "../pytorch-line/resolve-log-time.ts";
import { FALLBACK_TORCH_SCOPE, isTorchModule } from "../pytorch-line/scope-from-path.ts";
import { rankFromWrapper } from "../pytorch-line/wrapper-rank.ts";
import type { OtherLogRecord, PytorchLogRecord, TorchLogRecord } from "./pytorch-log-record.ts";

/**
 * Attribute keys of ingested records: the prefix's fields ({@link LINE_ATTRIBUTES}, shared with `trace`), and
 * `torch.log.*` for how the line was printed.
 */
export const INGEST_ATTRIBUTES = {
  artifact: LINE_ATTRIBUTES.artifact,
  filePath: LINE_ATTRIBUTES.filePath,
  lineNumber: LINE_ATTRIBUTES.lineNumber,
  processId: LINE_ATTRIBUTES.processId,
  threadId: LINE_ATTRIBUTES.threadId,
  rank: LINE_ATTRIBUTES.rank,
  compileId: LINE_ATTRIBUTES.compileId,
  frameId: LINE_ATTRIBUTES.frameId,
  frameCompileId: LINE_ATTRIBUTES.frameCompileId,
  attempt: LINE_ATTRIBUTES.attempt,
  compiledAutogradId: LINE_ATTRIBUTES.compiledAutogradId,
  /** Which formatter printed the record: `glog`, `glog-transitional`, `bracket` or `torchdynamo`. */
  format: "torch.log.format",
  /** The stream prefix in front of every line (`(VllmWorker rank=2 pid=295)`, `[rank1]:`), trimmed. */
  wrapper: "torch.log.wrapper",
  /** Output glued in front of the record's first line without a newline (a tqdm bar, `^C`). */
  glued: "torch.log.glued",
  /** `true` when a line of the record was longer than the parser's `maxLineChars` and was cut. */
  truncated: "torch.log.truncated",
  /** `true` on the rest of a record that had to be sent before its end showed (buffer bound, idle flush). */
  continued: "torch.log.continued",
  /** On non-PyTorch lines shaped like another logger's header: `c10` (PyTorch's C++ logging) or `log`. */
  lookalike: "torch.log.lookalike",
  /** Set by the `ingest` command on records read from a file. */
  logFilePath: LINE_ATTRIBUTES.logFilePath,
  logFileName: LINE_ATTRIBUTES.logFileName,
} as const;

/**
 * Scope of lines that are not PyTorch log records (print output, tracebacks, other libraries' logs). No
 * TORCH_LOGS component governs it, so the filter passes these records untouched.
 */
export const OTHER_LINES_SCOPE = "torch_logs_otel.ingest.other";

export interface ToLogRecordOptions {
  /**
   * When the input was read, in epoch milliseconds: the glog formats print no year, so a line is placed
   * in the latest year that does not put it more than a day after this instant (see resolveLogTime).
   */
  readonly reference: number;
  /**
   * The producer's UTC offset in minutes (`+120` for UTC+2), or a function giving the offset in force at
   * an instant (a time zone's rules, e.g. `(ms) => -new Date(ms).getTimezoneOffset()` for this host's).
   * PyTorch prints local time without a zone.
   */
  readonly utcOffsetMinutes: number | ((epochMs: number) => number);
  /** The year of lines that print none (glog formats). Default: inferred from `reference`. */
  readonly year?: number;
  /** Scope of non-PyTorch lines. Default {@link OTHER_LINES_SCOPE}. */
  readonly otherScope?: string;
  /**
   * The one module outside torch that the producer's TORCH_LOGS names (`+shop.cart`), if exactly one: records
   * whose call site is a file outside torch and outside that module (a user logger called from another file
   * prints the caller's path, not the logger's name) are put on its scope. Only the handlers of torch's
   * loggers and of the modules TORCH_LOGS names print these formats, so with one such module it is the best
   * guess. Default: none; such records keep the scope of their call site, which no TORCH_LOGS component
   * governs, so a filter passes them.
   */
  readonly userModule?: string;
  /** Added to every record (e.g. `log.file.path`). Default: none. */
  readonly attributes?: Attributes;
  /**
   * PyTorch's emission rule under the TORCH_LOGS the records will be filtered with (`TorchLogsSettings.emits`):
   * a record printed from a module that logs through several loggers (findRecordLoggers) is put on the first
   * of them that would have printed it, so a record PyTorch printed under those settings is never filtered
   * out for being put on the wrong logger. Default: none; such a record is put on the logger its source line
   * says, else the module's own.
   */
  readonly emits?: (scope: string, level: number, artifact: string | undefined) => boolean;
}

/**
 * Maps a record of {@link PytorchLogParser} to an OpenTelemetry log record:
 *
 * - scope: the logger's name — the module name from the source path in the glog formats
 *   (`…/site-packages/torch/_dynamo/guards.py` → `torch._dynamo.guards`, `shop/cart.py` → `shop.cart`, or
 *   the `userModule` option for call sites outside torch; for the dozen torch modules that log through another
 *   module's logger, that logger when their source line or the `emits` option says so), the printed logger
 *   name without its
 *   `.__artifact` suffix in the older ones; {@link FALLBACK_TORCH_SCOPE} when the path is not a Python
 *   module (`<string>`); {@link OTHER_LINES_SCOPE} for non-PyTorch lines;
 * - severity: `std_to_otel(levelno)` and the level name as printed (custom names too), as the Python
 *   OpenTelemetry handler maps them;
 *   non-PyTorch lines have no level, so their severity is UNSPECIFIED (0), which no TORCH_LOGS level
 *   filters out;
 * - body: the message lines joined with `\n`, or the whole line for non-PyTorch lines;
 * - attributes: see {@link INGEST_ATTRIBUTES}; a field the line does not carry is absent. `torch.rank` is torch's
 *   own `[rankN]:`, else the rank a stream prefix names (torchrun's `[rankN]: `, vLLM's `rank=N`), on other
 *   lines too.
 */
export function toLogRecord(record: PytorchLogRecord, options: ToLogRecordOptions): MappedLogRecord {
  return record.kind === "torch" ? mapTorchRecord(record, options) : mapOtherRecord(record, options);
}

function mapTorchRecord(record: TorchLogRecord, options: ToLogRecordOptions): MappedLogRecord {
  const a = INGEST_ATTRIBUTES;
  const attributes: Attributes = {};
  if (record.artifact !== undefined) attributes[a.artifact] = record.artifact;
  if (record.path !== undefined) attributes[a.filePath] = record.path;
  if (record.lineno !== undefined) attributes[a.lineNumber] = record.lineno;
  if (record.processId !== undefined) attributes[a.processId] = record.processId;
  if (record.threadId !== undefined) attributes[a.threadId] = record.threadId;
  // torch's own `[rankN]:`, else a stream prefix's (torchrun, vLLM): what `--ranks` selects on.
  const rank = record.rank ?? (record.wrapper === "" ? undefined : rankFromWrapper(record.wrapper));
  if (rank !== undefined) attributes[a.rank] = rank;
  const compileId = record.compileId;
  if (compileId !== undefined) {
    attributes[a.compileId] = compileId.raw;
    if (compileId.frameId !== undefined) attributes[a.frameId] = compileId.frameId;
    if (compileId.frameCompileId !== undefined) attributes[a.frameCompileId] = compileId.frameCompileId;
    attributes[a.attempt] = compileId.attempt;
    if (compileId.compiledAutogradId !== undefined) {
      attributes[a.compiledAutogradId] = compileId.compiledAutogradId;
    }
  }
  attributes[a.format] = record.format;
  const wrapper = record.wrapper.trim();
  if (wrapper !== "") attributes[a.wrapper] = wrapper;
  if (record.glued !== "") attributes[a.glued] = record.glued;
  if (record.truncated) attributes[a.truncated] = true;
  if (record.continued) attributes[a.continued] = true;
  addAll(attributes, options.attributes);
  const timestamp = record.time === undefined ? undefined : resolveTimestamp(record.time, options);
  const scope = scopeOf(record, options);
  const severityNumber = pythonLevelToSeverityNumber(record.levelno);
  // The printed name, custom ones included (`NOTICE`, `Level 15`); WARNING is WARN as in the Python handler.
  const severityText = record.levelName === "WARNING" ? "WARN" : record.levelName;
  const body = record.message;
  // Two literals rather than a conditional spread (a temporary object per record).
  return timestamp === undefined
    ? { scope, severityNumber, severityText, body, attributes }
    : { scope, timestamp, severityNumber, severityText, body, attributes };
}

/** `Object.assign(target, source)` without its generic path: this runs once per record. */
function addAll(target: Attributes, source: Attributes | undefined): void {
  if (source === undefined) return;
  for (const key in source) target[key] = source[key];
}

function scopeOf(record: TorchLogRecord, options: ToLogRecordOptions): string {
  const scope = record.scope;
  if (scope === undefined) return FALLBACK_TORCH_SCOPE;
  // Only a printed path is a call site; the older formats print the logger's name.
  if (record.path === undefined) return scope;
  if (isTorchModule(scope)) {
    const loggers = findRecordLoggers(scope, record.lineno, record.artifact);
    return loggers === undefined ? scope : chooseLogger(loggers, record, options.emits);
  }
  const userModule = options.userModule;
  if (userModule === undefined) return scope;
  return scope === userModule || scope.startsWith(`${userModule}.`) ? scope : userModule;
}

/** The first of a record's possible loggers that would have printed it, else the likeliest. */
function chooseLogger(
  loggers: readonly string[],
  record: TorchLogRecord,
  emits: ToLogRecordOptions["emits"],
): string {
  if (emits !== undefined) {
    for (const logger of loggers) if (emits(logger, record.levelno, record.artifact)) return logger;
  }
  return loggers[0] ?? FALLBACK_TORCH_SCOPE;
}

function mapOtherRecord(record: OtherLogRecord, options: ToLogRecordOptions): MappedLogRecord {
  const attributes: Attributes = {};
  if (record.lookalike !== undefined) attributes[INGEST_ATTRIBUTES.lookalike] = record.lookalike;
  const rank = rankFromWrapper(record.text);
  if (rank !== undefined) attributes[INGEST_ATTRIBUTES.rank] = rank;
  if (record.truncated) attributes[INGEST_ATTRIBUTES.truncated] = true;
  addAll(attributes, options.attributes);
  return {
    scope: options.otherScope ?? OTHER_LINES_SCOPE,
    severityNumber: SeverityNumber.UNSPECIFIED,
    body: record.text,
    attributes,
  };
}

function resolveTimestamp(time: PytorchLogTime, options: ToLogRecordOptions): HrTime | undefined {
  const dated =
    time.year === undefined && options.year !== undefined ? { ...time, year: options.year } : time;
  return resolveLogTime(dated, { reference: options.reference, utcOffsetMinutes: options.utcOffsetMinutes });
}
