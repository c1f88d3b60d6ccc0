// Physical lines out of text that arrives in chunks of any size, for PytorchLogParser: a chunk may end
// anywhere, also between `\r` and `\n`; a line is cut at `maxLineChars`, holding at most that much.

const CR = 0x0d;

export type LineHandler = (text: string, truncated: boolean) => void;

export class LineSplitter {
  readonly #maxLineChars: number;
  #partial = "";
  #partialTruncated = false;
  #lines = 0;
  #crlfLines = 0;

  constructor(maxLineChars: number) {
    this.#maxLineChars = maxLineChars;
  }

  /** Hands every line that `chunk` completes to `onLine`, without its terminator. */
  push(chunk: string, onLine: LineHandler): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf("\n", start);
      if (newline === -1) break;
      // A line wholly inside the chunk and within #append's limit, the common case, goes out without
      // passing through #partial.
      if (
        this.#partial.length === 0 &&
        !this.#partialTruncated &&
        newline - start <= this.#maxLineChars + 1
      ) {
        this.#emit(chunk.slice(start, newline), false, onLine);
      } else {
        this.#append(chunk.slice(start, newline));
        this.#take(onLine);
      }
      start = newline + 1;
    }
    this.#append(chunk.slice(start));
  }

  /** The end of input: a last line without a newline counts as a line. */
  end(onLine: LineHandler): void {
    if (this.#partial.length > 0 || this.#partialTruncated) this.#take(onLine);
  }

  /** Length of the unterminated last line received so far. */
  get partialLength(): number {
    return this.#partial.length;
  }

  #append(text: string): void {
    if (text.length === 0) return;
    // One char beyond the limit, so that a line of exactly maxLineChars followed by `\r\n` is not cut.
    const room = this.#maxLineChars + 1 - this.#partial.length;
    if (text.length > room) this.#partialTruncated = true;
    if (room > 0) this.#partial += text.length > room ? text.slice(0, room) : text;
  }

  #take(onLine: LineHandler): void {
    const text = this.#partial;
    const truncated = this.#partialTruncated;
    this.#partial = "";
    this.#partialTruncated = false;
    this.#emit(text, truncated, onLine);
  }

  #emit(line: string, cut: boolean, onLine: LineHandler): void {
    let text = line;
    let truncated = cut;
    this.#lines++;
    // CRLF: the `\r` may have arrived in an earlier chunk than the `\n`, so strip it per line. Only while
    // most lines so far end in `\r` (a Windows file): in LF output, a `\r` before the `\n` is the message's
    // own (PyTorch prints a `\r\n` in a message as a line ending in `\r`).
    if (!truncated && text.charCodeAt(text.length - 1) === CR && ++this.#crlfLines * 2 > this.#lines) {
      text = text.slice(0, -1);
    }
    if (text.length > this.#maxLineChars) {
      text = text.slice(0, this.#maxLineChars);
      truncated = true;
    }
    onLine(text, truncated);
  }
}
