// UTF-8 bytes → text for line-oriented input, as a streaming TextDecoder decodes them, but with every run of
// ASCII lines kept in a one-byte string. TextDecoder returns a two-byte string for any input, so every line,
// message and body sliced from it is two-byte too: twice the memory, and slower to match, quote and encode.

import { Buffer, isAscii } from "node:buffer";

/** A byte that is not ASCII (in a chunk read as Latin-1, where byte n is char n). */
const NOT_ASCII = /[\x80-\xff]/g;
const NEWLINE = 0x0a;
/** Bytes checked at once by `isAscii` (vectorised) before the regex looks for the byte. */
const WINDOW = 4096;

/** Index of the first byte at or after `from` that is not ASCII, or -1. */
function notAsciiAt(buffer: Buffer, text: string, from: number): number {
  for (let at = from; at < buffer.length; at += WINDOW) {
    const end = Math.min(at + WINDOW, buffer.length);
    if (isAscii(buffer.subarray(at, end))) continue;
    NOT_ASCII.lastIndex = at;
    return NOT_ASCII.exec(text)?.index ?? -1;
  }
  return -1;
}

/**
 * Decodes a stream of UTF-8 chunks into text pieces whose concatenation is exactly what one
 * `new TextDecoder("utf-8")` gives for the same chunks with `{ stream: true }` and a final `decode()`: a
 * leading byte order mark dropped, malformed bytes replaced by U+FFFD, a character split between chunks
 * joined. Lines that are all ASCII come out as one-byte strings (a Latin-1 copy of their bytes); a line
 * holding any other byte goes through the TextDecoder. Pieces break only after a `\n`, at chunk ends, or
 * where a chunk's non-ASCII line starts.
 */
export class Utf8LineDecoder {
  readonly #decoder = new TextDecoder("utf-8");
  /**
   * Whether the next chunk's first line must go through the TextDecoder: at the start of the stream (where
   * a byte order mark is dropped) and when the last chunk ended inside a line the decoder took (it may hold
   * the first bytes of a character).
   */
  #throughDecoder = true;

  /** The text of `bytes`, in pieces (empty pieces left out). */
  decode(bytes: Uint8Array): string[] {
    const pieces: string[] = [];
    if (bytes.length === 0) return pieces;
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (!this.#throughDecoder && isAscii(buffer)) {
      pieces.push(buffer.toString("latin1"));
      return pieces;
    }
    const text = buffer.toString("latin1");
    let at = 0;
    if (this.#throughDecoder) at = this.#decodeLine(buffer, text, 0, pieces);
    while (at < text.length) {
      const found = notAsciiAt(buffer, text, at);
      if (found === -1) {
        pieces.push(at === 0 ? text : text.slice(at));
        break;
      }
      const lineStart = Math.max(at, text.lastIndexOf("\n", found) + 1);
      if (lineStart > at) pieces.push(text.slice(at, lineStart));
      at = this.#decodeLine(buffer, text, lineStart, pieces);
    }
    return pieces;
  }

  /** The end of the stream: U+FFFD for a character left unfinished, else "". */
  end(): string {
    this.#throughDecoder = true;
    return this.#decoder.decode();
  }

  /** Decodes the line starting at `start` (through its `\n`, or to the chunk's end); returns where it ends. */
  #decodeLine(buffer: Buffer, text: string, start: number, pieces: string[]): number {
    const newline = buffer.indexOf(NEWLINE, start);
    const end = newline === -1 ? text.length : newline + 1;
    this.#throughDecoder = newline === -1;
    const piece = this.#decoder.decode(buffer.subarray(start, end), { stream: true });
    if (piece.length > 0) pieces.push(piece);
    return end;
  }
}
