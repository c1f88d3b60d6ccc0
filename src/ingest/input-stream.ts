// One input's bytes → records: UTF-8 decoding across chunk boundaries, then PytorchLogParser.
import { PytorchLogParser } from "./pytorch-log-parser.ts";
import type { PytorchLogParserOptions, PytorchLogRecord } from "./pytorch-log-record.ts";

/** Text decoding and record reassembly of one input (a file, stdin, or a followed file until it resets). */
export class InputStream {
  readonly parser: PytorchLogParser;
  // Not fatal: invalid UTF-8 becomes U+FFFD instead of an error, so no line is lost to an encoding slip.
  readonly #decoder = new TextDecoder("utf-8");

  constructor(options: PytorchLogParserOptions) {
    this.parser = new PytorchLogParser(options);
  }

  push(bytes: Uint8Array): PytorchLogRecord[] {
    return this.parser.push(this.#decoder.decode(bytes, { stream: true }));
  }

  end(): PytorchLogRecord[] {
    const rest = this.#decoder.decode();
    return [...this.parser.push(rest), ...this.parser.end()];
  }
}
