// What the CLI reads and writes, passed in so tests and embedders can run every command in-process.
import type { TextWritableStream } from "../console/torch-console-log-record-exporter.ts";

export interface CliIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Where the demo's console-format records go. Default: process.stderr. */
  readonly stream?: TextWritableStream;
  /** Input of `ingest` when no FILE (or `-`) is given. Default: `process.stdin`. */
  readonly stdin?: AsyncIterable<Uint8Array | string>;
  /**
   * Raw output of `ingest --tee`, byte for byte; a returned promise pauses reading.
   * Default: `process.stdout`.
   */
  readonly stdoutBytes?: (bytes: Uint8Array) => void | Promise<void>;
}
