// Rule 2 of PytorchLogParser: which unprefixed lines continue the record just before them.
import type { PytorchLogParserOptions } from "./pytorch-log-record.ts";
import type { TorchEntry } from "./record-entry.ts";

export const TRACEBACK_START = "Traceback (most recent call last):";
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
