// `torch-logs-otel ingest [FILE...]`: PyTorch's console output (stdin or files) → OpenTelemetry log
// records, exported over OTLP/HTTP or printed as JSON lines. The I/O edge of the ingest modules: reads
// stdin, files and pipes, writes stdout/stderr, installs signal handlers, returns exit codes.

import { basename, resolve } from "node:path";
import type { Attributes } from "@opentelemetry/api";
import type { IngestPipelineStats, IngestSink } from "../delivery/ingest-pipeline.ts";
import type { MappedLogRecord } from "../delivery/mapped-log-record.ts";
import type { OutageRetryPolicy } from "../delivery/outage-retry-policy.ts";
import { InputStream } from "../ingest/input-stream.ts";
import type { PytorchLogParser } from "../ingest/pytorch-log-parser.ts";
import type { PytorchLogParserOptions, PytorchLogRecord } from "../ingest/pytorch-log-record.ts";
import { INGEST_ATTRIBUTES, type ToLogRecordOptions, toLogRecord } from "../ingest/to-log-record.ts";
import { type InputEvent, NotFollowableError, readFile, readStream } from "../input/read-input.ts";
import { isTorchLogsError } from "../language/torch-logs-error.ts";
import { readEnvVar } from "../otel/env.ts";
import { OtlpConfigError } from "../otel/otlp-config-from-env.ts";
import { PythonProbeError } from "../python/python-probe-error.ts";
import {
  compileLogFormatMatcher,
  type LogFormatMatcher,
} from "../pytorch-line/compile-log-format-matcher.ts";
import { DEFAULT_CUSTOM_LEVELS } from "../pytorch-line/parse-log-level.ts";
import { type CliIo, type StdoutState, whenStdoutCloses } from "./cli-io.ts";
import { countNoun } from "./count-noun.ts";
import { GracefulStop } from "./graceful-stop.ts";
import { type IngestSinkForOptions, ingestSinkForOptions } from "./ingest-sink-for-options.ts";
import { OutageReport } from "./outage-report.ts";
import { UsageError } from "./parse-command-args.ts";
import { INGEST_USAGE, type IngestOptions, parseIngestArgs } from "./parse-ingest-args.ts";
import { hostUtcOffsetMinutes } from "./parse-log-time-options.ts";
import type { RankSelection } from "./parse-rank-selection.ts";
import { torchRegistryFromArgs } from "./torch-registry-from-args.ts";
import { TorchTraceHint } from "./torch-trace-hint.ts";

/** Hooks for tests and embedders; every field has a production default. */
export interface IngestDeps {
  /**
   * Stops reading at once, as SIGTERM does: what was read is parsed, exported and summarized, exit code 0.
   * Default: handlers for SIGINT and SIGTERM on `process` (see {@link GracefulStop}), removed at the end.
   */
  readonly signal?: AbortSignal;
  /** How long reading goes on after the first SIGINT, for what the producer prints last. Default 3000 ms. */
  readonly graceMs?: number;
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
  /**
   * How `--format jsonl` makes its lines: `"direct"` formats each record as it is mapped (the TORCH_LOGS
   * processor's decision, no SDK log record), `"sdk"` through the LoggerProvider, batch processor and
   * JSON-lines exporter, as OTLP goes. Same lines, same counts. Default `"direct"`.
   */
  readonly jsonlVia?: "direct" | "sdk";
  /** How often a line is printed while the backend fails. Default 5000 ms. */
  readonly reportIntervalMs?: number;
}

const PREFIX = "torch-logs-otel ingest";
const DEFAULT_POLL_MS = 250;
const DEFAULT_GRACE_MS = 3000;

/** Runs `torch-logs-otel ingest`; resolves with the exit code. */
export async function runIngest(io: CliIo, args: readonly string[], deps: IngestDeps = {}): Promise<number> {
  let options: IngestOptions | "help";
  try {
    options = parseIngestArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${PREFIX}: ${error.message}\n\n${INGEST_USAGE}`);
    return 2;
  }
  if (options === "help") {
    io.stdout(INGEST_USAGE);
    return 0;
  }
  // Shared with the run: once stdout is broken (EPIPE), nothing more is written to it.
  const stdout: StdoutState = { broken: false };
  let pipeline: IngestSinkForOptions | undefined;
  const report = new OutageReport({
    prefix: PREFIX,
    write: io.stderr,
    counts: () => (pipeline === undefined ? "" : pendingCounts(pipeline.sink.stats)),
    ...(deps.reportIntervalMs !== undefined && { intervalMs: deps.reportIntervalMs }),
    retryForMillis: options.retryForMillis,
    untilFinished: options.follow,
  });
  const retry = report.retry;
  let logFormat: LogFormatMatcher | undefined;
  try {
    const format = options.logFormat ?? readEnvVar("TORCH_LOGS_FORMAT", io.env).value;
    // PyTorch ignores an empty TORCH_LOGS_FORMAT, as this library does every empty variable.
    logFormat = format === undefined || format === "" ? undefined : compileLogFormatMatcher(format);
    const { registry, notes } = await torchRegistryFromArgs(options.registryArgs, io.env);
    for (const note of notes) io.stderr(`${PREFIX}: ${note}\n`);
    pipeline = ingestSinkForOptions(options, io, stdout, deps.jsonlVia ?? "direct", { registry, retry });
  } catch (error) {
    const known =
      isTorchLogsError(error) || error instanceof OtlpConfigError || error instanceof PythonProbeError;
    if (!known) throw error;
    io.stderr(`${error.message}\n`);
    return 1;
  }
  const parserOptions: PytorchLogParserOptions = {
    ...deps.parser,
    keepOtherLines: !options.skipOther,
    levels: new Map([...DEFAULT_CUSTOM_LEVELS, ...options.levels]),
    logFormat,
  };
  return new IngestRun(io, options, deps, pipeline.sink, stdout, {
    parserOptions,
    mapping: pipeline.mapping,
    retry,
    report,
  }).run();
}

/** The counts a line about a failing backend shows. */
function pendingCounts(s: IngestPipelineStats): string {
  return `${countNoun(s.pending, "log record")} waiting, ${s.exported} exported, ${s.dropped - s.pending} lost`;
}

interface LineTotals {
  lines: number;
  torch: number;
  other: number;
  skipped: number;
  truncated: number;
  /** Records left out by `--ranks`, and those of them without a rank. */
  otherRanks: number;
  unranked: number;
}

class IngestRun {
  readonly #io: CliIo;
  readonly #options: IngestOptions;
  readonly #pipeline: IngestSink;
  readonly #now: () => number;
  readonly #pollIntervalMs: number;
  readonly #idleMs: number;
  readonly #parserOptions: PytorchLogParserOptions;
  readonly #mapOptions: Omit<ToLogRecordOptions, "reference" | "attributes">;
  readonly #stop: GracefulStop;
  readonly #totals: LineTotals = {
    lines: 0,
    torch: 0,
    other: 0,
    skipped: 0,
    truncated: 0,
    otherRanks: 0,
    unranked: 0,
  };
  readonly #stdout: StdoutState;
  readonly #teeDecoder = new TextDecoder();
  readonly #traceHint = new TorchTraceHint();
  readonly #retry: OutageRetryPolicy;
  readonly #report: OutageReport;

  constructor(
    io: CliIo,
    options: IngestOptions,
    deps: IngestDeps,
    pipeline: IngestSink,
    stdout: StdoutState,
    {
      parserOptions,
      mapping,
      retry,
      report,
    }: {
      parserOptions: PytorchLogParserOptions;
      mapping: IngestSinkForOptions["mapping"];
      retry: OutageRetryPolicy;
      report: OutageReport;
    },
  ) {
    this.#retry = retry;
    this.#report = report;
    this.#io = io;
    this.#stdout = stdout;
    this.#options = options;
    this.#pipeline = pipeline;
    this.#now = deps.now ?? Date.now;
    this.#pollIntervalMs = deps.pollIntervalMs ?? DEFAULT_POLL_MS;
    this.#idleMs = deps.idleMs ?? DEFAULT_POLL_MS;
    this.#parserOptions = parserOptions;
    this.#mapOptions = {
      utcOffsetMinutes: options.utcOffsetMinutes ?? hostUtcOffsetMinutes,
      ...(options.year !== undefined && { year: options.year }),
      otherScope: options.otherScope,
      ...mapping,
    };
    this.#stop = new GracefulStop({
      graceMs: deps.graceMs ?? DEFAULT_GRACE_MS,
      ...(deps.signal !== undefined && { signal: deps.signal }),
    });
  }

  async run(): Promise<number> {
    const release = this.#watchStdout();
    // Stopping (SIGINT, SIGTERM, the end of the input): a followed file's retries become bounded at once, so
    // reading paused by a full queue during an outage resumes and ends.
    const finish = () => this.#retry.finish();
    this.#stop.finishing.addEventListener("abort", finish, { once: true });
    let exitCode = 0;
    try {
      for (const file of this.#options.files) {
        if (this.#stop.finishing.aborted) break;
        if (!(await this.#ingest(file))) exitCode = 1;
      }
    } finally {
      this.#stop.finishing.removeEventListener("abort", finish);
      this.#stop.dispose();
      release();
      this.#retry.finish();
      await this.#pipeline.shutdown();
      this.#report.stop();
    }
    this.#io.stderr(this.#summary());
    // Printed records that stdout's reader did not take (`| head`) are its choice, not a delivery failure.
    if (exitCode === 0 && this.#options.format === "otlp" && this.#pipeline.stats.dropped > 0) return 3;
    return exitCode;
  }

  /** Reads one input to its end (or until stopped); false when it could not be read. */
  async #ingest(file: string): Promise<boolean> {
    const isStdin = file === "-";
    const attributes: Attributes | undefined = isStdin
      ? undefined
      : { [INGEST_ATTRIBUTES.logFilePath]: resolve(file), [INGEST_ATTRIBUTES.logFileName]: basename(file) };
    const signal = this.#stop.stopped;
    const idleMs = this.#idleMs;
    const events: AsyncGenerator<InputEvent> = isStdin
      ? readStream(this.#io.stdin ?? process.stdin, { signal, idleMs })
      : readFile(file, {
          signal,
          idleMs,
          follow: this.#options.follow,
          pollIntervalMs: this.#pollIntervalMs,
          finish: this.#stop.finishing,
        });
    let stream = new InputStream(this.#parserOptions);
    let readable = true;
    for (;;) {
      // JSON lines go out as fast as stdout takes them: read no further ahead than that.
      if (this.#options.format === "jsonl") await this.#stop.unlessStopped(this.#io.stdoutDrained?.());
      let next: IteratorResult<InputEvent>;
      try {
        next = await events.next();
      } catch (error) {
        const message =
          error instanceof NotFollowableError
            ? error.message
            : `cannot read ${isStdin ? "stdin" : file}: ${messageOf(error)}`;
        this.#io.stderr(`${PREFIX}: ${message}\n`);
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
      const mapped = toLogRecord(record, options);
      if (this.#options.ranks !== undefined && !this.#ofRanks(this.#options.ranks, mapped)) continue;
      if (!this.#pipeline.emit(mapped, now)) await this.#pipeline.whenReady();
    }
  }

  /** `--ranks`: whether a record's rank is selected; the others are counted. */
  #ofRanks(ranks: RankSelection, record: MappedLogRecord): boolean {
    const rank = record.attributes[INGEST_ATTRIBUTES.rank];
    if (typeof rank === "number" && ranks.has(rank)) return true;
    this.#totals.otherRanks++;
    if (rank === undefined) this.#totals.unranked++;
    return false;
  }

  async #tee(bytes: Uint8Array): Promise<void> {
    if (!this.#options.tee || this.#stdout.broken) return;
    try {
      const write =
        this.#io.stdoutBytes ??
        ((chunk) => this.#io.stdout(this.#teeDecoder.decode(chunk, { stream: true })));
      await this.#stop.unlessStopped(write(bytes));
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
    // jsonl records are printed, not exported.
    const delivered = this.#options.format === "jsonl" ? "printed" : "exported";
    let text =
      `ingest: ${countNoun(t.lines, "line")}, ${countNoun(t.torch + t.other, "record")} (${t.torch} torch, ${t.other} other), ` +
      `${s.filtered} filtered, ${this.#ranksCount()}${s.exported} ${delivered}, ${s.dropped} dropped` +
      (s.rejected > 0 ? ` (${s.rejected} refused by the backend)` : "");
    if (t.skipped > 0) text += `; ${countNoun(t.skipped, "other line")} skipped`;
    if (t.truncated > 0) text += `; ${countNoun(t.truncated, "line")} truncated`;
    return `${text}\n`;
  }

  /** `60 not of ranks 0 (8 without a rank), ` under `--ranks`. */
  #ranksCount(): string {
    const ranks = this.#options.ranks;
    if (ranks === undefined) return "";
    const { otherRanks, unranked } = this.#totals;
    return `${otherRanks} not of ranks ${ranks.text}${unranked > 0 ? ` (${unranked} without a rank)` : ""}, `;
  }

  /** stdout is gone: `--format jsonl` has nowhere to write, so reading stops; `--tee` goes on without it. */
  #stdoutFailed(error: unknown): void {
    if (this.#stdout.broken) return;
    this.#stdout.broken = true;
    if (this.#options.format === "jsonl") {
      this.#stop.stop();
    } else {
      this.#io.stderr(`${PREFIX}: --tee: stdout failed (${messageOf(error)}); ingesting without it\n`);
    }
  }

  /**
   * Stops when stdout breaks while it is the output (jsonl piped into `head`); `--tee` goes on without it.
   * Returns the cleanup.
   */
  #watchStdout(): () => void {
    if (this.#options.format !== "jsonl" && !this.#options.tee) return () => {};
    return whenStdoutCloses(this.#io, (reason) => this.#stdoutFailed(reason));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
