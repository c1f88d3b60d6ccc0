// Rule 2 of PytorchLogParser: which unprefixed lines continue the record just before them.
import { COMPILE_ID_SOURCE } from "../pytorch-line/parse-compile-id.ts";
import type { PytorchLogParserOptions } from "./pytorch-log-record.ts";
import { type TorchEntry, TRACEBACK_START } from "./record-entry.ts";

/** Rule 2a: a hard wrap between the glog prefix and its trace id (alcf_aurora sample): `[0/0] message`. */
export const WRAPPED_TAGS = new RegExp(
  String.raw`^(?:\[(?<traceId>${COMPILE_ID_SOURCE})\](?: |$))?(?:\[__(?<artifact>[A-Za-z0-9_]+)\](?: |$))?`,
);
const STACK_START = "Stack (most recent call last):";
// The last line of a Python traceback: `torch._dynamo.exc.Unsupported: …`, `KeyboardInterrupt`.
const EXCEPTION_LINE = /^[A-Za-z_][\w.]*(?::(?: |$)|$)/;

/** Whether `content` continues the record; updates the record's continuation state when it does. */
export function acceptsContinuation(
  entry: TorchEntry,
  content: string,
  rule: NonNullable<PytorchLogParserOptions["continuation"]>,
): boolean {
  // A custom TORCH_LOGS_FORMAT prefixes only the first line: everything up to the next header belongs.
  if (entry.wrap === "next-line" || entry.header.format === "custom") return true;
  if (entry.wrap === "brackets") {
    if (entry.bracketDepth > 0) {
      entry.bracketDepth += bracketDepth(content);
      return true;
    }
  } else if (entry.lineCount === 1) {
    const first = entry.lines[0] ?? "";
    if (first.trim() === "") {
      entry.wrap = "next-line";
      return true;
    }
    const depth = bracketDepth(first);
    if (depth > 0) {
      entry.wrap = "brackets";
      entry.bracketDepth = depth + bracketDepth(content);
      return true;
    }
  }
  const { format, compileId } = entry.header;
  const prefixesOnlyFirstLine = format === "torchdynamo" || (format === "bracket" && compileId === undefined);
  if (!prefixesOnlyFirstLine) return false;
  if (rule === "until-blank-line" || (rule === "auto" && format === "torchdynamo")) return true;
  return continuesLegacy(entry, content);
}

/** Rule 2c, conservative: only what a traceback or an indented continuation looks like. */
function continuesLegacy(entry: TorchEntry, content: string): boolean {
  if (content.startsWith(TRACEBACK_START)) {
    entry.inTraceback = true;
    return true;
  }
  if (/^\s/.test(content) || content.startsWith(STACK_START)) return true;
  if (entry.inTraceback && EXCEPTION_LINE.test(content)) {
    entry.inTraceback = false;
    return true;
  }
  return false;
}

/** Net count of unclosed `(`, `[` and `{`. */
export function bracketDepth(text: string): number {
  let depth = 0;
  for (const ch of text) {
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
  }
  return depth;
}

/**
 * Of a finished record in a format that prefixes only its first line (a custom TORCH_LOGS_FORMAT), how many of
 * its last lines were other output (the program's last print) rather than message: the lines after its last
 * empty line, when they start unindented and nothing before them is left open. A message with an empty line in
 * it ends with one (PyTorch's graph breaks, tracebacks, stacks: 167 of the 170 such records of real 2.13 and
 * 2.15 runs); the other three go on indented or close a bracket. Rule 2c keeps taking lines to the next header.
 */
export function trailingOtherLines(lines: readonly string[]): number {
  let lastEmpty = -1;
  for (let i = lines.length - 1; i >= 1; i--) {
    if ((lines[i] ?? "").trim() === "") {
      lastEmpty = i;
      break;
    }
  }
  if (lastEmpty === -1 || lastEmpty === lines.length - 1) return 0;
  const next = lines[lastEmpty + 1] ?? "";
  if (/^[\s)\]}]/.test(next)) return 0;
  let depth = 0;
  for (let i = 0; i < lastEmpty; i++) depth += bracketDepth(lines[i] ?? "");
  return depth > 0 ? 0 : lines.length - 1 - lastEmpty;
}
