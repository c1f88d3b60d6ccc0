// Log text comes from whoever wrote the record (a prompt, a tensor repr, a file name) and ends up on a
// terminal. A raw ESC starts an escape sequence that can recolour, retitle or rewrite the screen, move the
// cursor over earlier lines, or (with some terminals) answer back into the input; a raw CR or backspace
// overwrites what was printed before it; a bidi override makes the line read differently from its bytes
// (CVE-2021-42574). So every such character in record data is printed as visible text instead.
//
// What is escaped: C0 controls U+0000–U+001F except TAB (kept: indentation in tracebacks and code dumps),
// DEL U+007F, C1 controls U+0080–U+009F (U+009B is a one-byte CSI), the line and paragraph separators
// U+2028/U+2029 (line breaks to many viewers and to Python's `splitlines`, so they would forge a line where LF
// cannot), and the bidi embedding, override and isolate controls U+202A–U+202E, U+2066–U+2069. LF is escaped too unless the caller keeps it: the torch
// format splits messages on LF before escaping, so an LF that reaches this function is in a single-line
// field (a path, a scope name) where it would forge a new log line.
//
// How: `\xNN` (lowercase hex, as Python's repr) for code points up to U+00FF, `\uNNNN` above. Backslashes
// themselves are not doubled, so a literal `\x1b` typed in a message reads the same as an escaped ESC: the
// output stays readable (Windows paths, regexes) and the only loss is that ambiguity, never a raw control.

// \p{Cc} is exactly U+0000–U+001F and U+007F–U+009F; TAB (and LF when kept) are let through by the replacer.
const CONTROLS = /[\p{Cc}\u2028-\u202e\u2066-\u2069]/gu;
const ANY_CONTROL = /[\p{Cc}\u2028-\u202e\u2066-\u2069]/u;

export interface EscapeControlCharactersOptions {
  /** Leave LF (`\n`) as is, for text whose line breaks are meant to reach the output. Default `false`. */
  readonly keepNewlines?: boolean;
}

/** `text` with every terminal control character (see the file comment) replaced by a visible escape. */
export function escapeControlCharacters(text: string, options: EscapeControlCharactersOptions = {}): string {
  // Almost every log line is clean; test once before allocating a new string.
  if (!ANY_CONTROL.test(text)) return text;
  const keepNewlines = options.keepNewlines === true;
  return text.replace(CONTROLS, (char) =>
    char === "\t" || (keepNewlines && char === "\n") ? char : escapeOne(char),
  );
}

function escapeOne(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}
