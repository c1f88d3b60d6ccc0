// The I/O half of the console output: formats with formatTorchLogLines and writes to stderr (or a given
// stream) and, like TORCH_LOGS_OUT, appends the same lines to a file.

import { closeSync, openSync, writeSync } from "node:fs";
import { threadId } from "node:worker_threads";
import { diag } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { TorchLogsError } from "../language/torch-logs-error.ts";
import { warnOnce } from "../otel/warn-once.ts";
import { type FormatTorchLogLinesOptions, formatTorchLogLines } from "./format-torch-line.ts";
import { parseTorchLogsFormat } from "./parse-torch-logs-format.ts";
import { parseTraceIdFilter } from "./parse-trace-id-filter.ts";

/**
 * What the exporter needs of its stream: `process.stderr`, a file or socket stream, a `PassThrough` all fit.
 * Structural, so a consumer's type-check needs no `@types/node`.
 */
export interface TextWritableStream {
  write(text: string, callback: (error?: Error | null) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  removeListener(event: "error", listener: (error: Error) => void): unknown;
}

export interface TorchConsoleLogRecordExporterOptions {
  /** Where lines go. Default `process.stderr` (PyTorch's handler writes to `sys.stderr`). */
  readonly stream?: TextWritableStream;
  /**
   * A TORCH_LOGS_FORMAT value: `short`/`basic`, or a Python %-style format such as
   * `%(levelname)s: %(message)s`. Default: PyTorch's own line format. Checked at construction (throws a
   * TorchLogsError with kind `invalid-settings` for a format Python would reject).
   */
  readonly format?: string;
  /**
   * A TORCH_LOGS_OUT path: every line is also appended to this file, as PyTorch's extra FileHandler does.
   * Opened once at construction with flags `a` and mode `0o600` (a new file is readable by its owner only,
   * since log lines can carry data; an existing file keeps its mode). The path is used as given, never
   * through a shell. Default: no file.
   */
  readonly outFile?: string;
  /** The rank printed as `[rankN]:` for records without a `torch.rank` attribute. Default: no rank prefix. */
  readonly rank?: number;
  /** The process id printed for records without a `process.pid` attribute. Default `process.pid`. */
  readonly pid?: number;
  /**
   * TORCH_LOGS_TRACE_ID_FILTER: the variable's value or its items (`["[0/0]", "[1/0]"]`). Default: no filter.
   * Applies to PyTorch's line format only, as in PyTorch.
   */
  readonly traceIdFilter?: string | readonly string[];
  /** The attribute naming a record's artifact. Default `torch.artifact`. */
  readonly artifactAttribute?: string;
  /** Print times in UTC instead of local time. Default `false` (PyTorch prints local time). */
  readonly utc?: boolean;
  /**
   * The `sys.path` source paths print relative to (see FormatTorchLogLinesOptions.sysPath). Default: none;
   * absolute paths below `site-packages/` or `dist-packages/` still print relative to it.
   */
  readonly sysPath?: readonly string[];
}

/**
 * A LogRecordExporter that prints records the way PyTorch's TORCH_LOGS handlers do. Use it behind a
 * SimpleLogRecordProcessor for console output in emission order, or a BatchLogRecordProcessor to write
 * in batches.
 *
 * Each export formats all its records, appends them to the file (synchronously, so the file is complete
 * when export returns) and writes them to the stream in one write, then reports: SUCCESS once the stream
 * has taken the text, FAILED with the error if formatting or the stream write failed. A failing file write
 * does not stop the stream (nor the other way round); it is reported once as a warning (`diag.warn`, else a
 * process warning). It never throws.
 */
export class TorchConsoleLogRecordExporter implements LogRecordExporter {
  readonly #stream: TextWritableStream;
  readonly #formatOptions: FormatTorchLogLinesOptions;
  #fd: number | undefined;
  readonly #pending = new Set<Promise<void>>();
  #shutdown = false;
  #reportedStreamError = false;
  #reportedFileError = false;
  readonly #onStreamError = (error: unknown): void => this.#reportStreamError(error);

  constructor(options: TorchConsoleLogRecordExporterOptions = {}) {
    this.#stream = options.stream ?? process.stderr;
    this.#formatOptions = {
      pid: options.pid ?? process.pid,
      threadId,
      ...(options.rank !== undefined && { rank: options.rank }),
      ...(options.format !== undefined && { format: parseTorchLogsFormat(options.format) }),
      ...(options.traceIdFilter !== undefined && {
        traceIdFilter: parseTraceIdFilter(options.traceIdFilter),
      }),
      ...(options.artifactAttribute !== undefined && { artifactAttribute: options.artifactAttribute }),
      ...(options.utc !== undefined && { utc: options.utc }),
      ...(options.sysPath !== undefined && { sysPath: options.sysPath }),
    };
    if (options.outFile !== undefined) {
      try {
        this.#fd = openSync(options.outFile, "a", 0o600);
      } catch (error) {
        throw new TorchLogsError(
          "invalid-output",
          `TORCH_LOGS_OUT: cannot open ${JSON.stringify(options.outFile)} for appending: ${messageOf(error)}`,
          { item: options.outFile },
        );
      }
    }
    // An 'error' event nobody listens to crashes the process (EPIPE when the reader of stderr goes away);
    // a logging exporter must not take the application down with it.
    this.#stream.on("error", this.#onStreamError);
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    if (this.#shutdown) {
      resultCallback({
        code: ExportResultCode.FAILED,
        error: new Error("TorchConsoleLogRecordExporter: export after shutdown"),
      });
      return;
    }
    let text = "";
    try {
      for (const record of logs) {
        const lines = formatTorchLogLines(record, this.#formatOptions);
        if (lines !== undefined) text += `${lines}\n`;
      }
      if (text === "") {
        resultCallback({ code: ExportResultCode.SUCCESS });
        return;
      }
      if (this.#fd !== undefined) this.#appendToFile(this.#fd, text);
      this.#write(text, resultCallback);
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: toError(error) });
    }
  }

  /** Resolves once every line written so far has been handed on by the stream (the file is written synchronously). */
  async forceFlush(): Promise<void> {
    await Promise.all(this.#pending);
  }

  /** Flushes, closes the TORCH_LOGS_OUT file and stops listening to the stream. The stream itself stays open. */
  async shutdown(): Promise<void> {
    if (this.#shutdown) return;
    this.#shutdown = true;
    await this.forceFlush();
    this.#stream.removeListener("error", this.#onStreamError);
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch (error) {
        diag.error(
          `TorchConsoleLogRecordExporter: closing the TORCH_LOGS_OUT file failed: ${messageOf(error)}`,
        );
      }
    }
  }

  #write(text: string, resultCallback: (result: ExportResult) => void): void {
    let settle: () => void = () => {};
    const written = new Promise<void>((resolve) => {
      settle = resolve;
    });
    this.#pending.add(written);
    let called = false;
    const done = (error?: Error | null): void => {
      // A stream that throws after taking the callback could otherwise report twice.
      if (called) return;
      called = true;
      this.#pending.delete(written);
      settle();
      resultCallback(error ? { code: ExportResultCode.FAILED, error } : { code: ExportResultCode.SUCCESS });
    };
    try {
      this.#stream.write(text, done);
    } catch (error) {
      done(toError(error));
    }
  }

  /**
   * The file and the stream are independent, as PyTorch's two handlers are: a failing TORCH_LOGS_OUT write
   * (a full disk, a revoked mount) is reported once as a warning and the console output goes on; the export
   * result is the stream's.
   */
  #appendToFile(fd: number, text: string): void {
    try {
      writeAll(fd, text);
    } catch (error) {
      if (this.#reportedFileError) return;
      this.#reportedFileError = true;
      // A warning the user sees with no set-up: the export succeeds, so nothing else reports it.
      warnOnce(
        `TorchConsoleLogRecordExporter: appending to the TORCH_LOGS_OUT file failed: ${messageOf(error)} ` +
          "(the console output goes on; later failures are not reported)",
      );
    }
  }

  #reportStreamError(error: unknown): void {
    // Once: a broken pipe fails every following write the same way.
    if (this.#reportedStreamError) return;
    this.#reportedStreamError = true;
    diag.error(`TorchConsoleLogRecordExporter: writing to the stream failed: ${messageOf(error)}`);
  }
}

/** writeSync may write less than asked (a full disk, a signal); loop until all bytes are out. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
