// TORCH_LOGS_FORMAT: when set, PyTorch replaces its own formatter with `logging.Formatter(fmt)`
// (torch-logs-semantics.md §7). `short` and `basic` mean logging.BASIC_FORMAT; anything else is a
// %-style format over the LogRecord's fields.

import { escapeControlCharacters } from "../language/escape-control-characters.ts";
import { suggestNames } from "../language/suggest-names.ts";
import { TorchLogsError } from "../language/torch-logs-error.ts";
import {
  type CompiledPercentFormat,
  compilePercentFormat,
  type PercentFieldKind,
  type PercentFormatProblem,
} from "./compile-percent-format.ts";
import type { TorchRecordView } from "./read-torch-record.ts";

/** Python's `logging.BASIC_FORMAT`, what `TORCH_LOGS_FORMAT=short` and `=basic` stand for. */
export const BASIC_FORMAT = "%(levelname)s:%(name)s:%(message)s";

/**
 * The LogRecord fields a format may name. PyTorch's help lists levelname, message, pathname, levelno,
 * lineno, filename and name; the rest are other standard LogRecord attributes this library can fill.
 */
const FIELD_KINDS = {
  name: "str",
  levelname: "str",
  levelno: "int",
  message: "str",
  pathname: "str",
  filename: "str",
  module: "str",
  funcName: "str",
  lineno: "int",
  asctime: "str",
  created: "float",
  msecs: "float",
  process: "int",
  thread: "int",
} as const satisfies Record<string, PercentFieldKind>;

type FieldName = keyof typeof FIELD_KINDS;

/** A parsed TORCH_LOGS_FORMAT value, ready to format records. */
export interface TorchLogsFormat {
  /** The format string in use (`short` and `basic` resolved to {@link BASIC_FORMAT}). */
  readonly source: string;
  /**
   * The text Python's `Formatter.format` returns: the format applied to the record, then the exception
   * text on the following lines, unprefixed. Record data is escaped (see escapeControlCharacters); the
   * message and exception keep their line breaks, as in Python.
   */
  readonly format: (record: TorchRecordView) => string;
}

/**
 * Parses a TORCH_LOGS_FORMAT value. `short`/`basic` (exact, lowercase, as PyTorch compares them) become
 * {@link BASIC_FORMAT}; the empty string becomes `%(message)s`, which is what `logging.Formatter("")`
 * uses. Throws a {@link TorchLogsError} (`invalid-settings`, naming the specifier and its offset) for a
 * format Python would reject at start-up or on every record: see compilePercentFormat.
 */
export function parseTorchLogsFormat(value: string): TorchLogsFormat {
  const compiled = compileTorchLogsFormat(value);
  return { source: compiled.source, format: (record) => applyFormat(compiled, record) };
}

/**
 * The compiled `%`-format a TORCH_LOGS_FORMAT value stands for, checked as {@link parseTorchLogsFormat}
 * checks it: what `ingest --log-format` builds its line matcher from, so it reads what this prints.
 */
export function compileTorchLogsFormat(value: string): CompiledPercentFormat {
  const source = value === "short" || value === "basic" ? BASIC_FORMAT : value === "" ? "%(message)s" : value;
  const compiled = compilePercentFormat(source, FIELD_KINDS, { escape: escapeField });
  if (!compiled.ok) throw formatError(value, compiled.problem);
  return compiled.format;
}

function escapeField(text: string, key: string): string {
  // Only the message may span lines; a line break in any other field would forge a log line.
  return escapeControlCharacters(text, { keepNewlines: key === "message" });
}

function applyFormat(format: CompiledPercentFormat, record: TorchRecordView): string {
  const values: Record<FieldName, string | number> = {
    name: record.name,
    levelname: record.levelname,
    levelno: record.levelno,
    message: record.message,
    pathname: record.pathname,
    filename: record.filename,
    module: record.module,
    funcName: record.funcName,
    lineno: record.lineno,
    asctime: record.asctime,
    created: record.created,
    msecs: record.msecs,
    process: record.process,
    thread: record.thread,
  };
  const text = format.format(values);
  if (record.exceptionText === "") return text;
  // logging.Formatter.format: `if s[-1:] != "\n": s = s + "\n"`, then the exception text.
  const exception = escapeControlCharacters(record.exceptionText, { keepNewlines: true });
  return `${text}${text.endsWith("\n") ? "" : "\n"}${exception}`;
}

function formatError(value: string, problem: PercentFormatProblem): TorchLogsError {
  const where = problem.token === undefined ? "the format" : `${problem.token} at offset ${problem.offset}`;
  const suggestions =
    problem.reason === "unknown-field" && problem.key !== undefined
      ? suggestNames(problem.key, Object.keys(FIELD_KINDS))
      : [];
  const hint = suggestions.length > 0 ? ` (did you mean %(${suggestions[0]})s?)` : "";
  const expected =
    problem.reason === "unknown-field" || problem.reason === "no-fields"
      ? `; valid fields: ${Object.keys(FIELD_KINDS).join(", ")}`
      : "";
  return new TorchLogsError(
    "invalid-settings",
    `TORCH_LOGS_FORMAT=${JSON.stringify(value)}: ${where} ${problem.message}${hint}${expected}`,
    {
      item: problem.token ?? value,
      ...(problem.offset !== undefined && { offset: problem.offset }),
      suggestions,
    },
  );
}
