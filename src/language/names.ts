// Character classes of PyTorch's TORCH_LOGS grammar, with Python's Unicode semantics
// (`re` on a str pattern: `\w` is alphanumeric-or-underscore, `\s` is `str.isspace()`).

const WORD = /^[\p{L}\p{N}_]$/u;

/** Python's `\w` for one code point: Unicode letters and numbers, and `_`. */
export function isPythonWordChar(char: string): boolean {
  return WORD.test(char);
}

/** A name character of a TORCH_LOGS item: `[\w.]`. */
export function isNameChar(char: string): boolean {
  return char === "." || WORD.test(char);
}

/**
 * Python's `\s` (`str.isspace()`): ASCII whitespace, the separators U+001C–U+001F, NEL, NBSP and the Unicode
 * space separators. Not U+FEFF, which JavaScript's `\s` includes.
 */
export function isPythonSpace(char: string): boolean {
  const c = char.codePointAt(0) ?? -1;
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** True when every character of `name` is a TORCH_LOGS name character, so an item can spell it. */
export function isSpellableName(name: string): boolean {
  if (name.length === 0) return false;
  for (const char of name) if (!isNameChar(char)) return false;
  return true;
}

/** `a.b.c` → `["a.b.c", "a.b", "a"]`: the name and its dotted ancestors, nearest first (Python logger tree). */
export function* selfAndAncestors(name: string): Generator<string> {
  let current = name;
  for (;;) {
    yield current;
    const dot = current.lastIndexOf(".");
    if (dot < 0) return;
    current = current.slice(0, dot);
  }
}
