// PyTorch's console line for a log record: TorchLogsFormatter.format from torch/_logging/_internal.py
// (torch-logs-semantics.md §7), or the TORCH_LOGS_FORMAT replacement when one is given. Pure: the
// exporter passes in the process id, rank and settings, and does the writing.

import { escapeControlCharacters } from "../language/escape-control-characters.ts";
import type { TorchLogsFormat } from "./parse-torch-logs-format.ts";
import {
  type ReadTorchRecordOptions,
  readTorchRecord,
  type TorchLogRecordInput,
} from "./read-torch-record.ts";

export interface FormatTorchLogLinesOptions extends ReadTorchRecordOptions {
  /**
   * A parsed TORCH_LOGS_FORMAT (parseTorchLogsFormat). Default: PyTorch's own line format. As in PyTorch,
   * a format replaces the whole line: no rank, trace-id or artifact prefix is added, and the trace-id filter
   * does not apply.
   */
  readonly format?: TorchLogsFormat;
  /**
   * TORCH_LOGS_TRACE_ID_FILTER, parsed (parseTraceIdFilter): bracketed trace ids such as `[0/0]`. When
   * non-empty, only records whose trace id is listed are formatted; the rest, including records with no
   * trace id, give `undefined`. Default: no filter.
   */
  readonly traceIdFilter?: ReadonlySet<string>;
  /**
   * The producer's `sys.path`: PyTorch prints a source path relative to the first entry that contains it
   * (`make_module_path_relative`). An absolute `code.file.path` below a `site-packages/` or
   * `dist-packages/` directory prints relative to it without this; others print as they are unless an
   * entry here contains them. Default: none.
   */
  readonly sysPath?: readonly string[];
}

/**
 * The record as PyTorch prints it, lines joined with `\n`, without a final newline:
 *
 * `<rank><L><MMDD HH:MM:SS>.<usec6> <pid> <path>:<lineno>]<traceid><artifact> <message line>`
 *
 * one line per `\n`-separated line of the message, the exception text appended first so every traceback
 * line carries the prefix too. Every piece of record data is escaped (escapeControlCharacters), so the
 * result holds no terminal control character except TAB, and no line break except the ones between lines.
 *
 * Returns `undefined` for a record the trace-id filter drops. PyTorch's formatter returns `""` there and
 * its handler still writes an empty line per dropped record; a filter is meant to quieten the output, so
 * this one drops the record outright.
 */
export function formatTorchLogLines(
  record: TorchLogRecordInput,
  options: FormatTorchLogLinesOptions,
): string | undefined {
  const view = readTorchRecord(record, options);
  if (options.format !== undefined) return options.format.format(view);
  const traceId = view.traceId === undefined ? "" : ` [${escapeControlCharacters(view.traceId)}]`;
  const filter = options.traceIdFilter;
  if (filter !== undefined && filter.size > 0 && !filter.has(traceId.trim())) return undefined;
  const rank = view.rank === undefined ? "" : `[rank${view.rank}]:`;
  const usec = String(view.microseconds).padStart(6, "0");
  const path = escapeControlCharacters(relativeToSysPath(view.pathname, options.sysPath));
  const artifact = view.artifact === undefined ? "" : ` [__${escapeControlCharacters(view.artifact)}]`;
  const prefix = `${rank}${view.letter}${view.torchTime}.${usec} ${view.process} ${path}:${view.lineno}]${traceId}${artifact}`;
  let text = view.message;
  if (view.exceptionText !== "") text = `${text}${text.endsWith("\n") ? "" : "\n"}${view.exceptionText}`;
  return text
    .split("\n")
    .map((line) => `${prefix} ${escapeControlCharacters(line)}`)
    .join("\n");
}

const PACKAGES_DIR = /[\\/](?:site|dist)-packages[\\/]/g;

/** The path as `make_module_path_relative` prints it: relative to the first `sys.path` entry containing it. */
function relativeToSysPath(path: string, sysPath: readonly string[] = []): string {
  if (!path.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(path)) return path;
  for (const entry of sysPath) {
    const dir = entry.endsWith("/") || entry.endsWith("\\") ? entry : `${entry}/`;
    if (dir !== "/" && path.startsWith(dir)) return path.slice(dir.length);
  }
  // The installed packages' directory is on every interpreter's sys.path.
  let after: number | undefined;
  for (const m of path.matchAll(PACKAGES_DIR)) after = m.index + m[0].length;
  return after === undefined ? path : path.slice(after);
}
