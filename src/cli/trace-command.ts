// `torch-logs-otel trace [PATH...]`: TORCH_TRACE files → OpenTelemetry log records, spans and metrics,
// exported over OTLP/HTTP or printed as JSON lines. The I/O edge of src/trace/: lists directories, reads and
// follows files, writes stdout/stderr, returns exit codes.
import { readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { setTimeout as sleep } from "node:timers/promises";
import type { OutageRetryPolicy } from "../delivery/outage-retry-policy.ts";
import { NotFollowableError, readFile } from "../input/read-input.ts";
import { escapeControlCharacters as shown } from "../language/escape-control-characters.ts";
import { isTorchLogsError } from "../language/torch-logs-error.ts";
import { OtlpConfigError } from "../otel/otlp-config-from-env.ts";
import { PythonProbeError } from "../python/python-probe-error.ts";
import { rankReport } from "../trace/compare-ranks.ts";
import { RankSummary } from "../trace/rank-summary.ts";
import { rankFromFileName } from "../trace/to-trace-log-record.ts";
import { TraceFileMapper, type TraceOutput } from "../trace/trace-file-mapper.ts";
import { type CliIo, type StdoutState, whenStdoutCloses } from "./cli-io.ts";
import { GracefulStop } from "./graceful-stop.ts";
import { OutageReport } from "./outage-report.ts";
import { UsageError } from "./parse-command-args.ts";
import { hostUtcOffsetMinutes } from "./parse-log-time-options.ts";
import { parseTraceArgs, TRACE_USAGE, type TraceOptions } from "./parse-trace-args.ts";
import { torchRegistryFromArgs } from "./torch-registry-from-args.ts";
import { createSinks, type Sinks } from "./trace-sinks.ts";
import { TraceTotals } from "./trace-totals.ts";

/** Hooks for tests and embedders; every field has a production default. */
export interface TraceDeps {
  /**
   * Stops reading at once, as SIGTERM does: what was read is exported and summarized.
   * Default: handlers for SIGINT and SIGTERM on `process` (see {@link GracefulStop}), removed at the end.
   */
  readonly signal?: AbortSignal;
  /** How long reading goes on after the first SIGINT (to the files' current end). Default 3000 ms. */
  readonly graceMs?: number;
  /** The clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** How often `--follow` checks files and directories. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** How often a line is printed while the backend fails. Default 5000 ms. */
  readonly reportIntervalMs?: number;
}

const PREFIX = "torch-logs-otel trace";
const TRACE_FILE = /^dedicated_log_torch_trace_.*\.log$/;
/** Envelopes of a file within which PyTorch writes its `torch_version` artifact, if it writes one. */
const VERSION_WITHIN = 100;
/** A file with this many lines and no envelope is not a trace file. */
const NOT_A_TRACE_LINES = 50;

/** Runs `torch-logs-otel trace`; resolves with the exit code. */
export async function runTrace(io: CliIo, args: readonly string[], deps: TraceDeps = {}): Promise<number> {
  let options: TraceOptions | "help";
  try {
    options = parseTraceArgs(args, io.env.TORCH_TRACE);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${PREFIX}: ${error.message}\n\n${TRACE_USAGE}`);
    return 2;
  }
  if (options === "help") {
    io.stdout(TRACE_USAGE);
    return 0;
  }
  // Once stdout is broken (EPIPE: `trace --format jsonl | head`), nothing more is written to it.
  const stdout: StdoutState = { broken: false };
  let sinks: Sinks | undefined;
  const report = new OutageReport({
    prefix: PREFIX,
    write: io.stderr,
    counts: () => sinks?.pendingCounts() ?? "",
    ...(deps.reportIntervalMs !== undefined && { intervalMs: deps.reportIntervalMs }),
    retryForMillis: options.retryForMillis,
    untilFinished: options.follow,
  });
  const retry = report.retry;
  try {
    const { registry, notes } = await torchRegistryFromArgs(options.registryArgs, io.env);
    for (const note of notes) io.stderr(`${PREFIX}: ${note}\n`);
    sinks = createSinks(options, io, stdout, retry, registry);
  } catch (error) {
    const known =
      isTorchLogsError(error) || error instanceof OtlpConfigError || error instanceof PythonProbeError;
    if (!known) throw error;
    io.stderr(`${error.message}\n`);
    return 1;
  }
  return new TraceRun(io, options, deps, sinks, stdout, { retry, report }).run();
}

class TraceRun {
  readonly #io: CliIo;
  readonly #options: TraceOptions;
  readonly #sinks: Sinks;
  readonly #now: () => number;
  readonly #pollMs: number;
  readonly #stop: GracefulStop;
  /** PATHs whose listing failed and was reported: `--follow` lists them again at every poll. */
  readonly #unlisted = new Set<string>();
  readonly #totals = new TraceTotals();

  /** What each rank's files say that the ranks must agree on; compared at the end of the run. */
  readonly #ranks = new Map<number, RankSummary>();
  readonly #stdout: StdoutState;
  readonly #retry: OutageRetryPolicy;
  readonly #report: OutageReport;

  constructor(
    io: CliIo,
    options: TraceOptions,
    deps: TraceDeps,
    sinks: Sinks,
    stdout: StdoutState,
    { retry, report }: { retry: OutageRetryPolicy; report: OutageReport },
  ) {
    this.#retry = retry;
    this.#report = report;
    this.#stdout = stdout;
    this.#io = io;
    this.#options = options;
    this.#sinks = sinks;
    this.#now = deps.now ?? Date.now;
    this.#pollMs = deps.pollIntervalMs ?? 250;
    this.#stop = new GracefulStop({
      graceMs: deps.graceMs ?? 3000,
      ...(deps.signal !== undefined && { signal: deps.signal }),
    });
  }

  async run(): Promise<number> {
    // `--format jsonl | head`: stdout is gone, so reading stops.
    const release =
      this.#options.format === "jsonl"
        ? whenStdoutCloses(this.#io, () => {
            this.#stdout.broken = true;
            this.#stop.stop();
          })
        : () => {};
    // Stopping (SIGINT, SIGTERM): a followed trace's retries become bounded at once, so reading paused by a
    // backend that is down resumes and ends.
    const finish = () => this.#retry.finish();
    this.#stop.finishing.addEventListener("abort", finish, { once: true });
    let ok = true;
    try {
      const started = new Set<string>();
      const followers: Promise<boolean>[] = [];
      for (;;) {
        const { files, failed } = await this.#listFiles();
        if (failed) ok = false;
        for (const file of files) {
          if (started.has(file)) continue;
          started.add(file);
          if (!this.#ofRanks(file)) continue;
          if (this.#options.follow) followers.push(this.#readOne(file));
          else if (!(await this.#readOne(file))) ok = false;
          // The first SIGINT: the files being read are read to their current end; no other is started.
          if (this.#stop.finishing.aborted) break;
        }
        if (!this.#options.follow || this.#stop.finishing.aborted) break;
        try {
          await sleep(this.#pollMs, undefined, { signal: this.#stop.finishing });
        } catch {
          break;
        }
      }
      for (const result of await Promise.all(followers)) if (!result) ok = false;
      await this.#compareRanks();
    } finally {
      this.#stop.finishing.removeEventListener("abort", finish);
      this.#stop.dispose();
      release();
      this.#retry.finish();
      this.#sinks.torchVersion(undefined);
      await this.#sinks.shutdown();
      this.#report.stop();
    }
    this.#io.stderr(this.#summary());
    if (!ok) return 1;
    return this.#sinks.undelivered() ? 3 : 0;
  }

  /**
   * `--ranks`: whether the file's rank is selected. PyTorch names a rank's file after it
   * (`dedicated_log_torch_trace_rank_N_*.log`) once the process group exists; a file without a rank in its name
   * is a process without one, and is left out as `ingest --ranks` leaves out lines without a rank.
   */
  #ofRanks(path: string): boolean {
    const ranks = this.#options.ranks;
    if (ranks === undefined) return true;
    const rank = rankFromFileName(basename(path));
    if (rank !== undefined && ranks.has(rank)) return true;
    this.#totals.filesOfOtherRanks++;
    if (rank === undefined) this.#totals.filesWithoutRank++;
    return false;
  }

  /** The ranks' collectives parity and their comparison, once every file is read (nothing for a single rank). */
  async #compareRanks(): Promise<void> {
    if (this.#stdout.broken) return;
    const report = rankReport([...this.#ranks.values()], this.#totals.lastTime);
    await this.#deliver({ logs: report.records, spans: [], metrics: report.points });
  }

  /** The trace files of the PATHs: a directory's `dedicated_log_torch_trace_*.log`, or the file itself. */
  async #listFiles(): Promise<{ files: string[]; failed: boolean }> {
    const files: string[] = [];
    let failed = false;
    for (const path of this.#options.paths) {
      try {
        if ((await stat(path)).isDirectory()) {
          const names = (await readdir(path)).filter((name) => TRACE_FILE.test(name)).sort();
          if (names.length === 0 && !this.#options.follow) {
            this.#io.stderr(`${PREFIX}: no dedicated_log_torch_trace_*.log files in ${shown(path)}\n`);
            failed = true;
          }
          files.push(...names.map((name) => join(path, name)));
        } else {
          files.push(path);
        }
        this.#unlisted.delete(path);
      } catch (error) {
        // A directory given to --follow may not exist yet (TORCH_TRACE is created by the first record).
        if (this.#options.follow && (error as NodeJS.ErrnoException).code === "ENOENT") continue;
        if (!this.#unlisted.has(path))
          this.#io.stderr(`${PREFIX}: ${shown(`cannot read ${path}: ${messageOf(error)}`)}\n`);
        this.#unlisted.add(path);
        failed = true;
      }
    }
    return { files, failed };
  }

  /** Reads one file to its end (or, with --follow, until stopped); false when unreadable or not a trace. */
  async #readOne(path: string): Promise<boolean> {
    const fileName = basename(path);
    const rank = rankFromFileName(fileName);
    const mapper = new TraceFileMapper({
      file: { fileName, ...(rank !== undefined && { rank }) },
      fallback: () => ({
        utcOffsetMinutes: this.#options.utcOffsetMinutes ?? hostUtcOffsetMinutes,
        ...(this.#options.year !== undefined && { year: this.#options.year }),
        reference: this.#now(),
      }),
      rankSummary: (rank) => {
        const summary = this.#ranks.get(rank) ?? new RankSummary(rank);
        this.#ranks.set(rank, summary);
        return summary;
      },
    });
    // Invalid UTF-8 becomes U+FFFD (and the payload's MD5 check says so) instead of failing the file.
    const decoder = new StringDecoder("utf8");
    this.#totals.files++;
    let ok = true;
    const events = readFile(path, {
      signal: this.#stop.stopped,
      finish: this.#stop.finishing,
      follow: this.#options.follow,
      pollIntervalMs: this.#pollMs,
      idleMs: this.#pollMs,
    });
    try {
      for await (const event of events) {
        if (event.kind === "data") {
          await this.#deliver(mapper.push(decoder.write(event.bytes as Buffer)));
          this.#learnVersion(mapper, false);
          if (isNotTrace(mapper)) break;
          // JSON lines go out as fast as stdout takes them: read no further ahead than that.
          if (this.#options.format === "jsonl") await this.#stop.unlessStopped(this.#io.stdoutDrained?.());
        } else if (event.kind === "idle") {
          await this.#deliver(mapper.flush());
          // A quiet file has written what it writes first: the release is named by now, or not at all.
          this.#learnVersion(mapper, true);
          await this.#sinks.flush();
        }
        // A truncated or rotated trace file is not something PyTorch does; reading goes on from the start.
      }
    } catch (error) {
      const message =
        error instanceof NotFollowableError ? error.message : `cannot read ${path}: ${messageOf(error)}`;
      this.#io.stderr(`${PREFIX}: ${shown(message)}\n`);
      ok = false;
    }
    // The end first: a file whose one envelope is its unterminated last line is a trace.
    const rest = isNotTrace(mapper) ? undefined : mapper.end(decoder.end());
    if (rest === undefined || (mapper.reader.stats.envelopes.size === 0 && mapper.reader.stats.lines > 0)) {
      this.#io.stderr(
        `${PREFIX}: ${shown(path)} is not a TORCH_TRACE file (no line like ` +
          `'V1206 15:18:20.252000 1500233 torch/_dynamo/utils.py:1288] {"dynamo_start": …}'); ` +
          "console output goes to `torch-logs-otel ingest`\n",
      );
      this.#totals.notTrace++;
      return false;
    }
    await this.#deliver(rest);
    this.#learnVersion(mapper, true);
    this.#totals.add(mapper);
    return ok;
  }

  /**
   * The resource's `torch.version`, from the first file that names its release (PyTorch writes `torch_version`
   * among a file's first envelopes) or does not: exports wait for it, so it is settled early.
   */
  #learnVersion(mapper: TraceFileMapper, final: boolean): void {
    if (mapper.torchVersion !== undefined || final || mapper.envelopesRead >= VERSION_WITHIN)
      this.#sinks.torchVersion(mapper.torchVersion);
  }

  async #deliver(output: TraceOutput): Promise<void> {
    const now = this.#now();
    for (const record of output.logs) {
      if (!this.#sinks.logs.emit(record, now)) await this.#sinks.logs.whenReady();
    }
    await this.#sinks.spans(output);
    this.#sinks.metrics(output);
  }

  #summary(): string {
    const s = this.#sinks.logs.stats;
    const delivered = this.#options.format === "jsonl" ? "printed" : "exported";
    return (
      this.#totals.format(this.#options.ranks?.text) +
      `trace: logs ${s.filtered} filtered, ${s.exported} ${delivered}, ${s.dropped} failed; ${this.#sinks.summary()}\n`
    );
  }
}

function isNotTrace(mapper: TraceFileMapper): boolean {
  const stats = mapper.reader.stats;
  return stats.envelopes.size === 0 && stats.lines >= NOT_A_TRACE_LINES;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
