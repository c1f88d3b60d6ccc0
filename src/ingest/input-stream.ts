// One input's bytes → records: UTF-8 decoding across chunk boundaries, then PytorchLogParser.

import { Utf8LineDecoder } from "../input/utf8-line-decoder.ts";
import { PytorchLogParser } from "./pytorch-log-parser.ts";
import type { PytorchLogParserOptions, PytorchLogRecord } from "./pytorch-log-record.ts";

/** Text decoding and record reassembly of one input (a file, stdin, or a followed file until it resets). */
export class InputStream {
  readonly parser: PytorchLogParser;
  // Not fatal: invalid UTF-8 becomes U+FFFD instead of an error, so no line is lost to an encoding slip.
  readonly #decoder = new Utf8LineDecoder();

  constructor(options: PytorchLogParserOptions) {
    this.parser = new PytorchLogParser(options);
  }

  push(bytes: Uint8Array): PytorchLogRecord[] {
    const pieces = this.#decoder.decode(bytes);
    if (pieces.length === 1) return this.parser.push(pieces[0] as string);
    const records: PytorchLogRecord[] = [];
    for (const piece of pieces) for (const record of this.parser.push(piece)) records.push(record);
    return records;
  }

  end(): PytorchLogRecord[] {
    const rest = this.#decoder.end();
    return [...this.parser.push(rest), ...this.parser.end()];
  }
}
