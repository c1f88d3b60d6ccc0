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
   * Default: `stdout`, with the bytes decoded as UTF-8.
   */
  readonly stdoutBytes?: (bytes: Uint8Array) => void | Promise<void>;
  /**
   * stdout for text already encoded as UTF-8 (the blocks of whole lines `ingest --format jsonl` builds).
   * Default: `stdout`, with the bytes decoded.
   */
  readonly stdoutUtf8?: (bytes: Uint8Array) => void;
  /**
   * Resolves once stdout can take more: what was written has drained below the stream's high-water mark,
   * or stdout closed. `ingest --format jsonl` waits for it before reading on, so a slow reader slows the
   * command down instead of filling its memory. Default: resolves at once.
   */
  readonly stdoutDrained?: () => Promise<void>;
  /**
   * Aborted once stdout is gone (EPIPE: its reader exited); writes to it are dropped from then on.
   * Default: never aborts.
   */
  readonly stdoutClosed?: AbortSignal;
}

/** Shared by a command and its exporters: once stdout is broken (EPIPE), nothing more is written to it. */
export interface StdoutState {
  broken: boolean;
}

/** Calls `onClosed` with the reason once `io.stdoutClosed` aborts (at once if it has); returns the cleanup. */
export function whenStdoutCloses(io: CliIo, onClosed: (reason: unknown) => void): () => void {
  const closed = io.stdoutClosed;
  if (closed === undefined) return () => {};
  const listener = () => onClosed(closed.reason);
  if (closed.aborted) listener();
  else closed.addEventListener("abort", listener, { once: true });
  return () => closed.removeEventListener("abort", listener);
}

/**
 * `io.stdout` for records (JSON lines): throws once stdout is broken, so the records that can no longer be
 * printed count as lost, not as written.
 */
export function recordWriter(io: CliIo, stdout: StdoutState): (text: string) => void {
  return (text) => {
    if (stdout.broken) throw new Error("stdout is closed");
    io.stdout(text);
  };
}
