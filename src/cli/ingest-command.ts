// `torch-logs-otel ingest [FILE...]`: PyTorch's console output (stdin or files) → OpenTelemetry log
// records, exported over OTLP/HTTP or printed as JSON lines. The I/O edge of the ingest modules: reads
// stdin and files, writes stdout/stderr, installs signal handlers, returns exit codes.

import { once } from "node:events";
import { basename, resolve } from "node:path";
import type { Attributes } from "@opentelemetry/api";
import { IngestPipeline } from "../ingest/ingest-pipeline.ts";
import { JsonLinesLogRecordExporter } from "../ingest/json-lines-log-record-exporter.ts";
import {
  PytorchLogParser,
  type PytorchLogParserOptions,
  type PytorchLogRecord,
} from "../ingest/pytorch-log-parser.ts";
import { type InputEvent, readFile, readStream } from "../ingest/read-input.ts";
import { INGEST_ATTRIBUTES, type ToLogRecordOptions, toLogRecord } from "../ingest/to-log-record.ts";
import { isTorchLogsError } from "../language/torch-logs-error.ts";
import { torchRegistry } from "../language/torch-registry.ts";
import { readEnvVar, readServiceName } from "../otel/env.ts";
import {
  batchOptionsFromEnv,
  OtlpConfigError,
  otlpLogExporterFromEnv,
} from "../otel/otlp-config-from-env.ts";
import { TorchLogs } from "../otel/torch-logs.ts";
import type { CliIo } from "./cli-io.ts";
import { INGEST_USAGE, type IngestOptions, IngestUsageError, parseIngestArgs } from "./parse-ingest-args.ts";
import { TorchTraceHint } from "./torch-trace-hint.ts";

/** Hooks for tests and embedders; every field has a production default. */
export interface IngestDeps {
  /**
   * Stops reading as SIGINT/SIGTERM do: what was read is parsed, exported and summarized, exit code 0.
   * Default: handlers for SIGINT and SIGTERM on `process`, removed at the end; after the first signal a
   * second one ends the process the default way.
   */
  readonly signal?: AbortSignal;
  /**
   * The clock, epoch ms: the time of lines that print none, and the reference for their year.
   * Default `Date.now`.
   */
  readonly now?: () => number;
  /** How often `--follow` checks the file. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Quiet time on stdin after which records held back by the parser are completed. Default 250 ms. */
  readonly idleMs?: number;
  /** Parser limits. Default: the parser's (1 MiB lines, 4 MiB held back). */
  readonly parser?: Pick<
    PytorchLogParserOptions,
    "maxLineChars" | "maxBufferedChars" | "maxInterleavedLines"
  >;
}

interface StdoutState {
  broken: boolean;
}

const PREFIX = "torch-logs-otel ingest";
const DEFAULT_SERVICE_NAME = "pytorch";
const DEFAULT_POLL_MS = 250;
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** Runs `torch-logs-otel ingest`; resolves with the exit code. */
export async function runIngest(io: CliIo, args: readonly string[], deps: IngestDeps = {}): Promise<number> {
  let options: IngestOptions | "help";
  try {
    options = parseIngestArgs(args);
  } catch (error) {
    if (!(error instanceof IngestUsageError)) throw error;
    io.stderr(`${PREFIX}: ${error.message}\n\n${INGEST_USAGE}`);
    return 2;
  }
  if (options === "help") {
    io.stdout(INGEST_USAGE);
    return 0;
  }
  // Shared with the run: once stdout is broken (EPIPE), nothing more is written to it.
  const stdout: StdoutState = { broken: false };
  let pipeline: IngestPipeline;
  try {
    pipeline = createPipeline(options, io, stdout);
  } catch (error) {
    if (!isTorchLogsError(error) && !(error instanceof OtlpConfigError)) throw error;
    io.stderr(`${error.message}\n`);
    return 1;
  }
  return new IngestRun(io, options, deps, pipeline, stdout).run();
}

/**
 * The TORCH_LOGS filter applies only when asked for (`--torch-logs`, or a non-empty TORCH_LOGS for this
 * command): the input already passed the producer's TORCH_LOGS, and in
 * `TORCH_LOGS=+dynamo python train.py | ingest` the variable reaches only Python, so PyTorch's defaults
 * here would drop every DEBUG and INFO record the user asked PyTorch to print. An empty TORCH_LOGS means
 * unset, as everywhere in this library.
 */
function createPipeline(options: IngestOptions, io: CliIo, stdout: StdoutState): IngestPipeline {
  const registry = torchRegistry();
  const fromEnv = readEnvVar(registry.envVar, io.env).value;
  const value = options.torchLogs ?? (fromEnv?.trim() ? fromEnv : undefined);
  const torchLogs =
    value === undefined
      ? undefined
      : new TorchLogs({
          registry,
          settings: value,
          mode: options.lossy ? "lossy" : "strict",
          onWarning: (message) => io.stderr(`${PREFIX}: ${message}\n`),
        });
  const exporter =
    options.format === "jsonl"
      ? new JsonLinesLogRecordExporter((text) => {
          // Records that can no longer be printed count as dropped, not as written.
          if (stdout.broken) throw new Error("stdout is closed");
          io.stdout(text);
        })
      : otlpLogExporterFromEnv(io.env);
  return new IngestPipeline({
    exporter,
    ...(torchLogs !== undefined && { torchLogs }),
    serviceName: options.serviceName ?? readServiceName(io.env) ?? DEFAULT_SERVICE_NAME,
    batch: batchOptionsFromEnv(io.env),
    onFirstLoss: (message) => io.stderr(`${PREFIX}: ${message}\n`),
  });
}

/** Text decoding and record reassembly of one input (a file, stdin, or a followed file until it resets). */
class InputStream {
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

interface LineTotals {
  lines: number;
  torch: number;
  other: number;
  skipped: number;
  truncated: number;
}

class IngestRun {
  readonly #io: CliIo;
  readonly #options: IngestOptions;
  readonly #pipeline: IngestPipeline;
  readonly #now: () => number;
  readonly #pollIntervalMs: number;
  readonly #idleMs: number;
  readonly #parserOptions: PytorchLogParserOptions;
  readonly #mapOptions: Omit<ToLogRecordOptions, "reference" | "attributes">;
  readonly #signal: AbortSignal | undefined;
  readonly #stop = new AbortController();
  readonly #totals: LineTotals = { lines: 0, torch: 0, other: 0, skipped: 0, truncated: 0 };
  readonly #stdout: StdoutState;
  readonly #traceHint = new TorchTraceHint();

  constructor(
    io: CliIo,
    options: IngestOptions,
    deps: IngestDeps,
    pipeline: IngestPipeline,
    stdout: StdoutState,
  ) {
    this.#io = io;
    this.#stdout = stdout;
    this.#options = options;
    this.#pipeline = pipeline;
    this.#now = deps.now ?? Date.now;
    this.#pollIntervalMs = deps.pollIntervalMs ?? DEFAULT_POLL_MS;
    this.#idleMs = deps.idleMs ?? DEFAULT_POLL_MS;
    this.#parserOptions = { ...deps.parser, keepOtherLines: !options.skipOther };
    this.#mapOptions = {
      utcOffsetMinutes: options.utcOffsetMinutes ?? hostUtcOffsetMinutes,
      ...(options.year !== undefined && { year: options.year }),
      otherScope: options.otherScope,
    };
    this.#signal = deps.signal;
  }

  async run(): Promise<number> {
    const release = this.#listenForStop();
    let exitCode = 0;
    try {
      for (const file of this.#options.files) {
        if (this.#stop.signal.aborted) break;
        if (!(await this.#ingest(file))) exitCode = 1;
      }
    } finally {
      release();
      await this.#pipeline.shutdown();
    }
    this.#io.stderr(this.#summary());
    return exitCode;
  }

  /** Reads one input to its end (or until stopped); false when it could not be read. */
  async #ingest(file: string): Promise<boolean> {
    const isStdin = file === "-";
    const attributes: Attributes | undefined = isStdin
      ? undefined
      : { [INGEST_ATTRIBUTES.logFilePath]: resolve(file), [INGEST_ATTRIBUTES.logFileName]: basename(file) };
    const signal = this.#stop.signal;
    const events: AsyncGenerator<InputEvent> = isStdin
      ? readStream(this.#io.stdin ?? process.stdin, { signal, idleMs: this.#idleMs })
      : readFile(file, { signal, follow: this.#options.follow, pollIntervalMs: this.#pollIntervalMs });
    let stream = new InputStream(this.#parserOptions);
    let readable = true;
    for (;;) {
      let next: IteratorResult<InputEvent>;
      try {
        next = await events.next();
      } catch (error) {
        this.#io.stderr(`${PREFIX}: cannot read ${isStdin ? "stdin" : file}: ${messageOf(error)}\n`);
        readable = false;
        break;
      }
      if (next.done) break;
      const event = next.value;
      if (event.kind === "data") {
        const hint = this.#traceHint.check(file, event.bytes);
        if (hint !== undefined) this.#io.stderr(`${PREFIX}: ${hint}`);
        await this.#tee(event.bytes);
        await this.#deliver(stream.push(event.bytes), attributes);
      } else if (event.kind === "idle") {
        await this.#deliver(stream.parser.flush(), attributes);
        // JSON lines are for watching: print now rather than at the batch processor's next tick.
        if (this.#options.format === "jsonl") await this.#pipeline.forceFlush();
      } else {
        // Truncated or rotated: a new stream starts; a partial last line of the old one is a line of its own.
        await this.#deliver(stream.end(), attributes);
        this.#count(stream.parser);
        stream = new InputStream(this.#parserOptions);
      }
    }
    await this.#deliver(stream.end(), attributes);
    this.#count(stream.parser);
    return readable;
  }

  async #deliver(records: readonly PytorchLogRecord[], attributes: Attributes | undefined): Promise<void> {
    if (records.length === 0) return;
    const now = this.#now();
    const options: ToLogRecordOptions = {
      ...this.#mapOptions,
      reference: now,
      ...(attributes !== undefined && { attributes }),
    };
    for (const record of records) {
      if (!this.#pipeline.emit(toLogRecord(record, options), now)) await this.#pipeline.whenReady();
    }
  }

  async #tee(bytes: Uint8Array): Promise<void> {
    if (!this.#options.tee || this.#stdout.broken) return;
    try {
      await (this.#io.stdoutBytes ?? writeProcessStdout)(bytes);
    } catch (error) {
      this.#stdoutFailed(error);
    }
  }

  #count(parser: PytorchLogParser): void {
    const stats = parser.stats;
    this.#totals.lines += stats.linesIn;
    this.#totals.torch += stats.torchRecords;
    this.#totals.other += stats.otherRecords;
    this.#totals.skipped += stats.skippedLines;
    this.#totals.truncated += stats.truncatedLines;
  }

  #summary(): string {
    const t = this.#totals;
    const s = this.#pipeline.stats;
    let text =
      `ingest: ${t.lines} lines, ${t.torch + t.other} records (${t.torch} torch, ${t.other} other), ` +
      `${s.filtered} filtered, ${s.exported} exported, ${s.dropped} dropped`;
    if (t.skipped > 0) text += `; ${t.skipped} other lines skipped`;
    if (t.truncated > 0) text += `; ${t.truncated} lines truncated`;
    return `${text}\n`;
  }

  /** stdout is gone: `--format jsonl` has nowhere to write, so reading stops; `--tee` goes on without it. */
  #stdoutFailed(error: unknown): void {
    if (this.#stdout.broken) return;
    this.#stdout.broken = true;
    if (this.#options.format === "jsonl") {
      this.#stop.abort();
    } else {
      this.#io.stderr(`${PREFIX}: --tee: stdout failed (${messageOf(error)}); ingesting without it\n`);
    }
  }

  /**
   * Wires the stop signal: the injected one, or SIGINT/SIGTERM. Also stops when stdout breaks while it is
   * the output (jsonl piped into `head`), instead of an EPIPE crash. Returns the cleanup.
   */
  #listenForStop(): () => void {
    const stop = () => this.#stop.abort();
    const cleanups: (() => void)[] = [];
    if (this.#signal !== undefined) {
      if (this.#signal.aborted) stop();
      this.#signal.addEventListener("abort", stop, { once: true });
      cleanups.push(() => this.#signal?.removeEventListener("abort", stop));
    } else {
      const onSignal = () => {
        removeSignals();
        stop();
      };
      const removeSignals = () => {
        for (const signal of SIGNALS) process.off(signal, onSignal);
      };
      for (const signal of SIGNALS) process.on(signal, onSignal);
      cleanups.push(removeSignals);
    }
    if (this.#options.format === "jsonl" || this.#options.tee) {
      const onStdoutError = (error: Error) => this.#stdoutFailed(error);
      process.stdout.on("error", onStdoutError);
      // A broken stdout may still report writes that were in flight: keep listening, or they would crash.
      cleanups.push(() => {
        if (!this.#stdout.broken) process.stdout.off("error", onStdoutError);
      });
    }
    return () => {
      for (const cleanup of cleanups) cleanup();
    };
  }
}

/** This machine's UTC offset at an instant, from its time zone rules. */
function hostUtcOffsetMinutes(epochMs: number): number {
  const minutes = -new Date(epochMs).getTimezoneOffset();
  return minutes === 0 ? 0 : minutes;
}

async function writeProcessStdout(bytes: Uint8Array): Promise<void> {
  if (!process.stdout.write(bytes)) await once(process.stdout, "drain");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
