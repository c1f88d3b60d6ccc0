import type { TorchLogLine } from "../pytorch-line/pytorch-log-line.ts";
import { isTorchModule } from "../pytorch-line/scope-from-path.ts";
import type { TorchEntry } from "./record-entry.ts";

// Rule 1a of PytorchLogParser: where, inside a run of lines with one prefix, a new record starts.
//
// PyTorch prints msecs truncated to whole milliseconds (CPython 3.11, gh-89047) and no thread id, so
// separate records from one call site within one millisecond carry identical prefixes: a quarter of the
// records of a real `+all` run (`TRACE LOAD_FAST x []`, `track_symint …`, `Registered template heuristic: …`,
// `run_node …`, thread messages). The text still shows it: such a record starts the way the previous one did,
// while the continuation lines of a real multi-line message (graph code, guard trees, tracebacks, tables)
// are indented, or start with other words than the message's first line.

/**
 * Whether `line`, which repeats the prefix of a record whose first message line is `first`, is the first
 * line of a new record of the same kind rather than a continuation:
 * - both start with the same word (`TRACE`, `track_symint`, `Registered`), followed by words of the same
 *   kind (`LOAD_FAST` / `LOAD_CONST`; not `Graph break …` / `Graph Break Reason: …`, which continues);
 * - both start with words that differ only in their digits (`Thread-1 tick` / `Thread-2 tick`) or only
 *   after their last `_` (`topological_sort_bfs` / `…_dfs`), followed by words of the same kind, or with
 *   dotted names of the same shape (`prim.device.default (…)` / `aten.detach.default (…)`);
 * - the record is one indented object repr and the line another at the same indentation (the fusion log's
 *   `  SchedulerNode(name='op1'), …` then `  ExternKernelSchedulerNode(name='op2')`), or one row of an aligned
 *   table and the line the next (FakeTensor's cache stats, `log.info("    %-*s %s", width, f"{k}:", v)` per
 *   row: `    non-fake tensor:           65` then `    CompositeImplicitAutograd: 17`). Any other indented
 *   first line is a message that starts indented or the tail of one (a traceback cut by the start of the
 *   input), which its next lines continue.
 */
export function startsNewRecord(first: string, line: string, lineCount: number): boolean {
  if (line === "") return false;
  const indent = indentOf(first);
  if (indent > 0) {
    if (lineCount !== 1 || indentOf(line) !== indent) return false;
    return (
      (REPR.test(first.slice(indent)) && REPR.test(line.slice(indent))) ||
      (valueColumn(first) > 0 && valueColumn(first) === valueColumn(line))
    );
  }
  const c0 = first.charCodeAt(0);
  const l0 = line.charCodeAt(0);
  if (!isWordStart(c0) || l0 === 0x20 || l0 === 0x09) return false;
  // Most continuation lines start with another character, and only dotted names (`prim.…`/`aten.…`,
  // lower case) may: leave before cutting words out of the lines, which runs for every continuation line.
  if (l0 !== c0 && !(c0 >= 0x61 && c0 <= 0x7a)) return false;
  const a = firstWord(first);
  const b = firstWord(line);
  if (b === "") return false;
  const sameKindNext = () => kindOf(secondWord(first, a)) === kindOf(secondWord(line, b));
  if (a === b) return sameKindNext();
  // Words that differ only in their numbers: `Thread-1 tick` / `Thread-2 tick`, `worker3:` / `worker4:`.
  if (a.length === b.length && HAS_DIGIT.test(a) && a.replace(DIGITS, "0") === b.replace(DIGITS, "0")) {
    return sameKindNext();
  }
  if (DOTTED.test(a) && shapeOf(a) === shapeOf(b)) return true;
  const underscore = a.lastIndexOf("_");
  return (
    underscore >= 4 &&
    WORD.test(a) &&
    WORD.test(b) &&
    b.startsWith(a.slice(0, underscore + 1)) &&
    sameKindNext()
  );
}

/**
 * A trace id and an artifact tag repeat on every line of their record. When the line after a record's
 * first line has the same prefix minus tags at its end, those tags were the start of the first line's
 * message (`shop/cart.py:21] [0/0] user text`, then `shop/cart.py:21] more`): they go back into it, and
 * the record takes the line's prefix, so the line can continue it. Returns whether it did.
 */
export function liftFalseTags(entry: TorchEntry, line: TorchLogLine): boolean {
  const prefix = entry.header.prefix;
  if (entry.lineCount !== 1 || prefix.length <= line.prefix.length || !prefix.startsWith(line.prefix)) {
    return false;
  }
  const tags = prefix.slice(line.prefix.length);
  if (!TAGS_ONLY.test(tags) || entry.header.format !== "glog" || line.format !== "glog") return false;
  const first = entry.lines[0] ?? "";
  entry.lines[0] = first === "" ? tags.slice(1) : `${tags.slice(1)} ${first}`;
  const { compileId: _id, artifact: _artifact, ...rest } = entry.header;
  entry.header = {
    ...rest,
    prefix: line.prefix,
    ...(line.compileId !== undefined && { compileId: line.compileId }),
  };
  entry.compileId = line.compileId;
  entry.artifact = undefined;
  return true;
}

/**
 * A trace id on a one-line record of a user module (`shop/cart.py:21] [0/0] text`), with none of the records
 * of its stream around it carrying it, is message text when one of them shows that compile was not running in
 * the process: a torch record with no or another trace id (torch's records carry the running compile's id),
 * or any record with another one. A user record inside a compile (logged from a custom backend) has a torch
 * record of its compile next to it when torch logs at all. The tag goes back into the message; returns whether
 * it did. Multi-line records are liftFalseTags' (a real trace id repeats on every line).
 */
export function liftContradictedTraceId(
  entry: TorchEntry,
  neighbours: readonly (TorchLogLine | undefined)[],
): boolean {
  const { header } = entry;
  const compileId = entry.compileId;
  if (compileId === undefined || entry.lineCount !== 1 || header.format !== "glog") return false;
  if (header.scope === undefined || isTorchModule(header.scope)) return false;
  const own = withoutAttempt(compileId.raw);
  const tag = ` [${compileId.raw}]`;
  if (!header.prefix.endsWith(tag)) return false;
  let contradicted = false;
  for (const n of neighbours) {
    if (n === undefined) continue;
    const compile = n.compileId === undefined ? undefined : withoutAttempt(n.compileId.raw);
    if (compile === own) return false;
    // A torch record carries the running compile's trace id; a record with another: that compile ran.
    contradicted ||= compile !== undefined || (n.scope !== undefined && isTorchModule(n.scope));
  }
  if (!contradicted) return false;
  const first = entry.lines[0] ?? "";
  entry.lines[0] = first === "" ? tag.slice(1) : `${tag.slice(1)} ${first}`;
  const { compileId: _id, ...rest } = header;
  entry.header = { ...rest, prefix: header.prefix.slice(0, -tag.length) };
  entry.compileId = undefined;
  return true;
}

/** `0/0` of `0/0_1`: a compile's id whatever its restart attempt. */
function withoutAttempt(raw: string): string {
  const underscore = raw.indexOf("_");
  return underscore === -1 ? raw : raw.slice(0, underscore);
}

const TAGS_ONLY = /^(?: \[[^\]\s]+\])+$/;
const WORD = /^\w+$/;
const HAS_DIGIT = /\d/;
const DIGITS = /\d/g;
const REPR = /^[A-Z]\w*\(/;
const KEY_VALUE = /^\s+[^\s:][^:]*: +(?=\S)/;
const DOTTED = /^[a-z]+\.[\w.]+$/;

/** Where the value of an indented, padded `key: value` row starts (-1 for any other line). */
function valueColumn(text: string): number {
  const m = KEY_VALUE.exec(text);
  return m === null ? -1 : m[0].length;
}

function indentOf(text: string): number {
  let i = 0;
  while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) i++;
  return i;
}

function isWordStart(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
}

function firstWord(text: string): string {
  const space = text.indexOf(" ");
  return space === -1 ? text : text.slice(0, space);
}

function secondWord(text: string, first: string): string {
  const start = first.length + 1;
  if (start >= text.length) return "";
  const space = text.indexOf(" ", start);
  return space === -1 ? text.slice(start) : text.slice(start, space);
}

/** A word's kind: its first character's class (upper, lower or `_`, digit, or the character) and a final `:`. */
function kindOf(word: string): string {
  if (word === "") return "";
  const c = word.charAt(0);
  const cls =
    c >= "A" && c <= "Z" ? "A" : (c >= "a" && c <= "z") || c === "_" ? "a" : c >= "0" && c <= "9" ? "0" : c;
  return word.endsWith(":") ? `${cls}:` : cls;
}

/** `prim.device.default` → `w.w.w`. */
function shapeOf(word: string): string {
  return word.replace(/\w+/g, "w");
}
