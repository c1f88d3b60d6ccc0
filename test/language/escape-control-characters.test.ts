import { describe, expect, it } from "vitest";
import { escapeControlCharacters } from "../../src/language/escape-control-characters.ts";

describe("escapeControlCharacters", () => {
  it.each([
    ["plain text, tabs\tand unicode é ✓", "plain text, tabs\tand unicode é ✓"],
    ["\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"],
    ["title\x1b]0;pwned\x07", "title\\x1b]0;pwned\\x07"],
    ["over\rwrite", "over\\x0dwrite"],
    ["back\b\bspace", "back\\x08\\x08space"],
    ["nul\x00 del\x7f", "nul\\x00 del\\x7f"],
    ["c1 csi \x9b2J nel \x85", "c1 csi \\x9b2J nel \\x85"],
    ["bidi \u202eevil\u202c \u2066x\u2069", "bidi \\u202eevil\\u202c \\u2066x\\u2069"],
    ["line\nbreak", "line\\x0abreak"],
    ["separators \u2028line\u2029paragraph", "separators \\u2028line\\u2029paragraph"],
    ["C:\\path\\x1b stays", "C:\\path\\x1b stays"],
  ])("%j → %j", (input, expected) => {
    expect(escapeControlCharacters(input)).toBe(expected);
  });

  it("keeps line breaks on request, still escaping everything else", () => {
    expect(escapeControlCharacters("a\x1b\nb\r\n", { keepNewlines: true })).toBe("a\\x1b\nb\\x0d\n");
  });

  it("leaves no C0/C1 control except TAB, whatever the input", () => {
    let all = "";
    for (let code = 0; code < 0x200; code++) all += String.fromCharCode(code);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for exactly these characters.
    expect(escapeControlCharacters(all)).not.toMatch(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/);
  });
});
