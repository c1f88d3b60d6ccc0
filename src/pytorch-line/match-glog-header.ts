// The common shapes of a glog-style torch._logging line (pytorch-log-format.md §1), read by hand: a header
// with a one-letter level at the start of the line, after torch's own `[rankN]:`, or after stream prefixes
// without a `:` (vLLM's `(VllmWorker rank=2 pid=295) `, indentation). Most lines of a real log are such
// headers, and reading them char by char costs a fraction of the unanchored pattern of parse-pytorch-line.ts.
// Anything else (custom level names, a `:` in the wrapper, glued text, an out-of-range clock) is left to the
// patterns, which stay the definition: matchGlogHeader returns what they return, or `undefined`.

import { torchRegistry } from "../language/torch-registry.ts";
import { type CompileId, parseCompileId } from "./parse-compile-id.ts";
import { type LogLevel, parseLogLevel } from "./parse-log-level.ts";
import type { PytorchLogTime, TorchLogLine } from "./pytorch-log-line.ts";
import { cachedScopeFromPath, isTorchModule } from "./scope-from-path.ts";
import { wrapperTokenLength } from "./wrapper-length.ts";

/**
 * Linux and macOS pids stay far below 2^32; `threading.get_ident()` is a pthread_t pointer (~1.4e14). On
 * Windows both are small, so a 2.3/2.4 Windows thread id is reported as a pid: the shape cannot tell.
 */
export const MAX_PID = 0xffff_ffff;

/** A range check keeps e.g. `W1399 …` or a version string from passing as a header. */
export function isValidClock(
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60;
}

// The artifact names of the registry (PyTorch 2.14.1), which include those of every earlier release seen.
const ARTIFACT_NAMES: ReadonlySet<string> = new Set(torchRegistry().artifacts.keys());

/**
 * Whether ` [__name]` after `path:line]` is an artifact: only when torch registers that name and the call site
 * may log artifacts; otherwise it is the start of the message (`shop/cart.py:21] [__guards] not an artifact`).
 * Torch modules, and call sites that are no module (`<string>`, generated code), log through artifacts.
 */
export function isArtifactTag(name: string, scope: string | undefined): boolean {
  return ARTIFACT_NAMES.has(name) && (scope === undefined || isTorchModule(scope));
}

/**
 * The glog-style header line `line` is, when it has one of the common shapes; `undefined` when it has not
 * (then the patterns decide: it may still be a header of another shape, or none).
 */
export function matchGlogHeader(line: string): TorchLogLine | undefined {
  // The patterns take the header that starts first, so a header after the wrapper is theirs only if none
  // can start earlier. None starts with `(` or white space (a header starts with `[rank` or its level
  // token). One starting earlier and running past the wrapper would hold a clock `dd:dd:dd` in it (a `:`)
  // or read its last character, a space or tab, as part of a rank or level token, which only `Level N`
  // has, followed by a digit, while the header here starts with `[` or a letter.
  let start = 0;
  let firstColon = -2;
  for (;;) {
    const c = line.charCodeAt(start);
    if (c !== 0x28 && c !== 0x20 && c !== 0x09) return matchAt(line, start);
    const length = wrapperTokenLength(line, start);
    if (length === 0) return undefined;
    if (firstColon === -2) firstColon = line.indexOf(":");
    if (firstColon !== -1 && firstColon < start + length) return undefined;
    start += length;
  }
}

const COLON = 0x3a;
const SPACE = 0x20;
const OPEN = 0x5b;
const CLOSE = 0x5d;
/** After the level letter: `MMDD HH:MM:SS.uuuuuu ` (`d`: a digit). */
const CLOCK_SHAPE = "dddd dd:dd:dd.dddddd ";
const DIGIT_MARK = 0x64;
/** The longest digit run read with char codes: 15 digits stay below 2^53. */
const MAX_DIGITS = 15;

const LETTER_LEVELS: ReadonlyMap<number, LogLevel> = new Map(
  Array.from("VIWEC", (letter) => [letter.charCodeAt(0), parseLogLevel(letter) as LogLevel]),
);

/** The previous trace id: consecutive headers mostly carry the same one, which needs no parsing then. */
let lastCompileId: CompileId | undefined;

/** The header at `start` (the end of the wrapper), read as the glog pattern reads it there. */
function matchAt(line: string, start: number): TorchLogLine | undefined {
  const length = line.length;
  let i = start;
  let rank: number | undefined;
  if (line.charCodeAt(i) === OPEN) {
    if (!line.startsWith("[rank", i)) return undefined;
    const end = digitsEnd(line, i + 5);
    if (end === i + 5 || end - (i + 5) > MAX_DIGITS) return undefined;
    if (line.charCodeAt(end) !== CLOSE || line.charCodeAt(end + 1) !== COLON) return undefined;
    rank = digitsValue(line, i + 5, end);
    i = end + 2;
  }
  const level = LETTER_LEVELS.get(line.charCodeAt(i));
  if (level === undefined) return undefined;
  for (let k = 0; k < CLOCK_SHAPE.length; k++) {
    const code = line.charCodeAt(i + 1 + k);
    const shape = CLOCK_SHAPE.charCodeAt(k);
    if (shape === DIGIT_MARK ? !isDigit(code) : code !== shape) return undefined;
  }
  const month = twoDigits(line, i + 1);
  const day = twoDigits(line, i + 3);
  const hour = twoDigits(line, i + 6);
  const minute = twoDigits(line, i + 9);
  const second = twoDigits(line, i + 12);
  if (!isValidClock(month, day, hour, minute, second)) return undefined;
  const microsecond = digitsValue(line, i + 15, i + 21);

  const idStart = i + 22;
  const idEnd = digitsEnd(line, idStart);
  if (idEnd === idStart || line.charCodeAt(idEnd) !== SPACE) return undefined;

  // `(?<path>.{1,4096}?):(?<lineno>\d+)\]` followed by the end of the line or a space (anything else
  // fails the rest of the pattern, which then tries a longer path).
  const pathStart = idEnd + 1;
  let colon = line.indexOf(":", pathStart + 1);
  let linenoEnd: number;
  for (;;) {
    if (colon === -1 || colon - pathStart > 4096) return undefined;
    linenoEnd = digitsEnd(line, colon + 1);
    if (
      linenoEnd > colon + 1 &&
      line.charCodeAt(linenoEnd) === CLOSE &&
      (linenoEnd + 1 === length || line.charCodeAt(linenoEnd + 1) === SPACE)
    ) {
      break;
    }
    colon = line.indexOf(":", colon + 1);
  }
  if (linenoEnd - (colon + 1) > MAX_DIGITS) return undefined;

  // ` [trace id]` and ` [__artifact]` are taken when what follows their `]` lets the message match.
  let at = linenoEnd + 1;
  let compileId: CompileId | undefined;
  if (line.charCodeAt(at) === SPACE && line.charCodeAt(at + 1) === OPEN) {
    const close = line.indexOf("]", at + 2);
    if (close !== -1 && (close + 1 === length || line.charCodeAt(close + 1) === SPACE)) {
      compileId = compileIdAt(line, at + 2, close);
      if (compileId !== undefined) at = close + 1;
    }
  }
  let tag: string | undefined;
  let tagStart = 0;
  if (line.charCodeAt(at) === SPACE && line.startsWith("[__", at + 1)) {
    const end = wordEnd(line, at + 4);
    if (
      end > at + 4 &&
      line.charCodeAt(end) === CLOSE &&
      (end + 1 === length || line.charCodeAt(end + 1) === SPACE)
    ) {
      tag = line.slice(at + 4, end);
      tagStart = at + 1;
      at = end + 1;
    }
  }

  const path = line.slice(pathStart, colon);
  const scope = cachedScopeFromPath(path);
  const tagIsText = tag !== undefined && !isArtifactTag(tag, scope);
  // The message starts after the separator space; a tag that is text goes back into it.
  const headerEnd = tagIsText ? tagStart - 1 : at;
  const message = headerEnd === length ? "" : line.slice(headerEnd + 1);
  const prefix = line.slice(0, headerEnd);
  const id = line.slice(idStart, idEnd);
  const time: PytorchLogTime = { month, day, hour, minute, second, microsecond, precision: "microsecond" };
  // Fields in the order the patterns' parser adds them, absent ones never.
  const header: { -readonly [K in keyof TorchLogLine]?: TorchLogLine[K] } = {
    kind: "torch",
    format: "glog",
    line,
    wrapper: start === 0 ? "" : line.slice(0, start),
    glued: "",
    prefix,
    levelno: level.levelno,
    levelName: level.levelName,
    time,
    id,
  };
  const n = idEnd - idStart > MAX_DIGITS ? Number(id) : digitsValue(line, idStart, idEnd);
  if (n <= MAX_PID) header.processId = n;
  else if (Number.isSafeInteger(n)) header.threadId = n;
  header.path = path;
  header.lineno = digitsValue(line, colon + 1, linenoEnd);
  if (scope !== undefined) header.scope = scope;
  if (rank !== undefined) header.rank = rank;
  if (compileId !== undefined) header.compileId = compileId;
  if (tag !== undefined && !tagIsText) header.artifact = tag;
  header.message = message;
  // Every required field is set above.
  return header as TorchLogLine;
}

/** The trace id between `[` at `start - 1` and `]` at `end`, the previous one's object when it repeats. */
function compileIdAt(line: string, start: number, end: number): CompileId | undefined {
  const raw = line.slice(start, end);
  if (lastCompileId !== undefined && lastCompileId.raw === raw) return lastCompileId;
  const compileId = parseCompileId(raw);
  if (compileId !== undefined) lastCompileId = compileId;
  return compileId;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function digitsEnd(text: string, at: number): number {
  let i = at;
  while (isDigit(text.charCodeAt(i))) i++;
  return i;
}

/** `[A-Za-z0-9_]*` from `at`. */
function wordEnd(text: string, at: number): number {
  let i = at;
  for (;;) {
    const code = text.charCodeAt(i);
    if (
      !(isDigit(code) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f)
    ) {
      return i;
    }
    i++;
  }
}

/** The value of the digits from `start` to `end` (at most 15 of them). */
function digitsValue(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + (text.charCodeAt(i) - 0x30);
  return n;
}

function twoDigits(text: string, at: number): number {
  return (text.charCodeAt(at) - 0x30) * 10 + (text.charCodeAt(at + 1) - 0x30);
}
