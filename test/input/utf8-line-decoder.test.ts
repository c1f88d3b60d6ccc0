import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Utf8LineDecoder } from "../../src/input/utf8-line-decoder.ts";

/** What one streaming TextDecoder makes of the chunks: the reference. */
function textDecoderOf(chunks: readonly Uint8Array[]): string {
  const decoder = new TextDecoder("utf-8");
  let text = "";
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

function piecesOf(chunks: readonly Uint8Array[]): string[][] {
  const decoder = new Utf8LineDecoder();
  const pieces = chunks.map((chunk) => decoder.decode(chunk));
  pieces.push([decoder.end()]);
  return pieces;
}

function decoded(chunks: readonly Uint8Array[]): string {
  return piecesOf(chunks)
    .map((p) => p.join(""))
    .join("");
}

/** Splits `bytes` at the given cut points (any offsets, reduced modulo the length). */
function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const bytes = (...values: number[]) => Uint8Array.from(values);

/** A piece is one-byte when every char is below U+0100 (V8 stores such strings one byte per char). */
const isLatin1 = (text: string) => !/[\u0100-\uffff]/.test(text);

describe("Utf8LineDecoder", () => {
  it.each([
    ["plain ASCII lines", [utf8("a\nb\n")]],
    ["a byte order mark at the start is dropped", [bytes(0xef, 0xbb, 0xbf, 0x61, 0x0a)]],
    ["a byte order mark split over chunks", [bytes(0xef), bytes(0xbb), bytes(0xbf, 0x61)]],
    ["a byte order mark later in the stream is kept", [utf8("a\n"), bytes(0xef, 0xbb, 0xbf, 0x62, 0x0a)]],
    ["a byte order mark after an ASCII first chunk is kept", [utf8("a"), bytes(0xef, 0xbb, 0xbf)]],
    ["a character split between chunks", [utf8("x é"), bytes(0xe2, 0x96), bytes(0x88, 0x0a, 0x61)]],
    ["a character split, then ASCII lines", [bytes(0x61, 0xc3), bytes(0xa9, 0x0a, 0x62, 0x0a)]],
    ["an unfinished character, then an ASCII chunk", [bytes(0x61, 0xe2, 0x96), utf8("b\n")]],
    ["an unfinished character at the end", [utf8("ok\n"), bytes(0x61, 0xe2, 0x96)]],
    ["an unfinished character before a newline", [bytes(0x61, 0xe2, 0x96, 0x0a, 0x62)]],
    ["a stray continuation byte after ASCII", [utf8("a\n"), bytes(0x80, 0x62, 0x0a)]],
    ["overlong and surrogate encodings", [bytes(0xc0, 0xaf, 0x0a, 0xed, 0xa0, 0x80, 0x0a)]],
    ["four-byte characters split three ways", [bytes(0xf0, 0x9f), bytes(0x98), bytes(0x80, 0x0a)]],
    ["non-ASCII lines far into a chunk", [utf8(`${"a".repeat(10_000)}\né\n${"b".repeat(5000)}\n█`)]],
    ["empty chunks", [new Uint8Array(0), utf8("a\n"), new Uint8Array(0), utf8("é")]],
    ["a Uint8Array that is no Buffer, at an offset", [new Uint8Array(utf8("zzé\nb\n").buffer, 2)]],
  ])("%s: the same text as a streaming TextDecoder", (_name, chunks) => {
    expect(decoded(chunks)).toBe(textDecoderOf(chunks));
  });

  it("keeps ASCII lines apart from a non-ASCII one, as Latin-1 (one-byte) pieces", () => {
    const pieces = new Utf8LineDecoder().decode(utf8("first\nsecond\nthird █ bar\nfourth\nfifth"));
    // The first line goes through the TextDecoder (a byte order mark may open the stream).
    expect(pieces).toEqual(["first\n", "second\n", "third █ bar\n", "fourth\nfifth"]);
    expect(pieces.filter((p) => !p.includes("█")).every(isLatin1)).toBe(true);
  });

  it("decodes a chunk of ASCII after the first line into one piece", () => {
    const decoder = new Utf8LineDecoder();
    decoder.decode(utf8("first\n"));
    expect(decoder.decode(utf8("a\nb\nc"))).toEqual(["a\nb\nc"]);
  });

  it("gives the real samples and corpus runs as a TextDecoder does, in any chunking", () => {
    const dirs = ["pytorch-logs", "corpus"].map((name) => new URL(`../fixtures/${name}/`, import.meta.url));
    const input = Buffer.concat(
      dirs.flatMap((dir) =>
        readdirSync(dir)
          .filter((name) => name.endsWith(".log"))
          .sort()
          .map((name) => readFileSync(new URL(name, dir))),
      ),
    );
    // The samples hold tqdm bars (█, ▏) among the ASCII lines.
    expect(input.some((b) => b >= 0x80)).toBe(true);
    for (const size of [3, 64, 4096, 65536]) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < input.length; at += size) chunks.push(input.subarray(at, at + size));
      expect(decoded(chunks)).toBe(textDecoderOf(chunks));
    }
  });

  it("gives the same text as a streaming TextDecoder for any bytes in any chunking (property)", () => {
    // Bytes biased towards newlines, ASCII, lead and continuation bytes and the byte order mark's.
    const byte = fc.oneof(
      fc.constantFrom(0x0a, 0x0d, 0x61, 0x20),
      fc.constantFrom(0xc3, 0xa9, 0xe2, 0x96, 0x88, 0xef, 0xbb, 0xbf, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0xc0),
      fc.integer({ min: 0, max: 255 }),
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 80 }), fc.array(fc.nat(), { maxLength: 8 }), (values, cuts) => {
        const chunks = splitAt(Uint8Array.from(values), cuts);
        expect(decoded(chunks)).toBe(textDecoderOf(chunks));
      }),
      { numRuns: 3000 },
    );
  });
});
