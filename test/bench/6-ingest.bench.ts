// Scenario 6: ingest. (a) Lines/s from bytes to records through InputStream (src/ingest/input-stream.ts: UTF-8
// decoding, then PytorchLogParser) over the real samples in test/fixtures/pytorch-logs/*.log, repeated to ≥ 1M lines
// and pushed in 64 KiB chunks (end() included), as `ingest` reads a file; baseline in the same run: decoding the
// same chunks with a streaming TextDecoder and counting their lines with a plain `split("\n")`, the floor of any
// line-oriented reader. Target: ≥ 500k lines/s. (b) `torch-logs-otel ingest --format jsonl FILE > /dev/null` end to
// end, in a child process (`node dist/cli.js`, the built bin, as a user runs it) over the same lines
// written to a temporary file: decoding, parsing, mapping, the TORCH_LOGS decision and JSON lines
// (JsonLinesIngestSink: no SDK log records) and stdout. Reported with the child's peak RSS, and against the same command on an empty file
// (Node's start-up and module loading), so the lines/s after start-up are shown too. Target: ≥ 500k lines/s after
// start-up.
//
// Bounded counts, not timed assertions: every measured call parses (or ingests) all the lines and checks the line
// and record counts. mitata's `measure` makes one warm-up call and then SAMPLES_PER_BLOCK measured calls per block;
// (a) runs BLOCKS blocks alternating parser and baseline, so drifting machine load hits both alike, and takes the
// ratio block by block (median over blocks).
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { measure } from "mitata";
import { InputStream } from "../../src/ingest/input-stream.ts";
import { atLeast, type CustomScenario, formatBytes, formatNs, type Row, spreadOf } from "./harness.ts";
import { buildCli } from "./support/built-cli.ts";

const TARGET_LINES_PER_SECOND = 500_000;
const MIN_LINES = 1_000_000;
const CHUNK_BYTES = 64 * 1024;
const BLOCKS = 3;
const SAMPLES_PER_BLOCK = 2;
/** Measured `ingest` runs (after mitata's warm-up run); each takes a few seconds. */
const CLI_SAMPLES = 3;

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const SAMPLES_DIR = join(root, "test", "fixtures", "pytorch-logs");
const RSS_MARK = "torch-logs-otel-bench max-rss-kib ";
// Loaded into the `ingest` child with --import: prints its peak RSS in KiB to stderr as it exits. VmHWM, not
// resourceUsage().maxRSS: a child forked from this process inherits its RSS at the fork (the ≥ 300 MiB input
// string) into maxRSS, while VmHWM counts the child's own memory since exec. maxRSS where there is no /proc.
const PRELOAD = `import { readFileSync, writeSync } from "node:fs";
process.on("exit", () => {
  let kib;
  try {
    kib = /^VmHWM:\\s*(\\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  } catch {}
  writeSync(2, ${JSON.stringify(RSS_MARK)} + (kib ?? process.resourceUsage().maxRSS) + "\\n");
});
`;

interface Input {
  /** The samples, each ending in a newline, repeated to ≥ MIN_LINES lines. */
  readonly text: string;
  /** The text's UTF-8 bytes in CHUNK_BYTES chunks, as `ingest` reads a file. */
  readonly chunks: readonly Uint8Array[];
  readonly lines: number;
  readonly files: number;
  readonly repeats: number;
}

async function buildInput(): Promise<Input> {
  const names = (await readdir(SAMPLES_DIR)).filter((f) => f.endsWith(".log")).sort();
  const samples = await Promise.all(names.map((name) => readFile(join(SAMPLES_DIR, name), "utf8")));
  // A sample without a final newline would glue its last line to the next sample's first.
  const once = samples.map((text) => (text.endsWith("\n") ? text : `${text}\n`)).join("");
  const linesOnce = once.split("\n").length - 1;
  const repeats = Math.ceil(MIN_LINES / linesOnce);
  const text = once.repeat(repeats);
  const bytes = Buffer.from(text, "utf8");
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) chunks.push(bytes.subarray(at, at + CHUNK_BYTES));
  return { text, chunks, lines: linesOnce * repeats, files: names.length, repeats };
}

interface ParseCounts {
  readonly lines: number;
  readonly records: number;
}

/** One measured parser call: every chunk pushed, then end(); checks that every line was accounted for. */
function parseAll(input: Input): ParseCounts {
  const stream = new InputStream({});
  let records = 0;
  for (const chunk of input.chunks) records += stream.push(chunk).length;
  records += stream.end().length;
  const stats = stream.parser.stats;
  if (stats.linesIn !== input.lines || stats.recordsOut !== records || stats.skippedLines !== 0) {
    throw new Error(
      `scenario 6: parser read ${stats.linesIn} lines (expected ${input.lines}), returned ${records} records ` +
        `(stats say ${stats.recordsOut}), skipped ${stats.skippedLines}`,
    );
  }
  return { lines: stats.linesIn, records };
}

/** The baseline: the same chunks decoded by a streaming TextDecoder, their lines counted with `split("\n")`. */
function countLines(input: Input): number {
  const decoder = new TextDecoder("utf-8");
  let lines = 0;
  for (const chunk of input.chunks) lines += decoder.decode(chunk, { stream: true }).split("\n").length - 1;
  if (!input.text.endsWith("\n")) lines++;
  if (lines !== input.lines)
    throw new Error(`scenario 6: split counted ${lines} lines, expected ${input.lines}`);
  return lines;
}

interface Side {
  readonly call: () => unknown;
  /** ns per line, one entry per measured call. */
  readonly perLine: number[];
  /** The median ns per line of each block, in block order. */
  readonly blocks: number[];
}

async function measureBlock(side: Side, samples: number, lines: number): Promise<void> {
  const stats = await measure(side.call, {
    min_samples: samples,
    max_samples: samples,
    min_cpu_time: 0,
  });
  // samples_threshold (12) > samples: mitata keeps every sample.
  for (const ns of stats.samples) side.perLine.push(ns / lines);
  side.blocks.push(stats.p50 / lines);
}

function rate(nsPerLine: number): string {
  return `${Math.round(1e9 / nsPerLine).toLocaleString("en-US")} lines/s`;
}

interface CliRun {
  readonly summary: string;
  readonly maxRssBytes: number;
}

/**
 * `node dist/cli.js ingest --format jsonl FILE`, stdout to /dev/null. A preloaded module
 * prints the process's peak RSS to stderr as it exits. TORCH_LOGS is removed from the environment: with it set,
 * ingest would filter.
 */
function runIngest(cli: string, file: string, preload: string): Promise<CliRun> {
  const env = { ...process.env };
  delete env.TORCH_LOGS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", preload, cli, "ingest", "--format", "jsonl", file], {
      stdio: ["ignore", "ignore", "pipe"],
      env,
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      stderr += text;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const rss = stderr.split("\n").find((line) => line.startsWith(RSS_MARK));
      const summary = stderr.split("\n").find((line) => line.startsWith("ingest: ")) ?? "";
      if (code !== 0 || rss === undefined) {
        reject(new Error(`scenario 6: ingest exited with ${signal ?? `code ${code}`}: ${stderr.trim()}`));
        return;
      }
      resolve({ summary, maxRssBytes: Number(rss.slice(RSS_MARK.length)) * 1024 });
    });
  });
}

/** Checks the summary line `ingest: N lines, M records (…), 0 filtered, M printed, 0 dropped`. */
function checkSummary(summary: string, lines: number, records: number): void {
  const expected = `ingest: ${lines} lines, ${records} records`;
  if (!summary.startsWith(expected) || !summary.endsWith(`, 0 filtered, ${records} printed, 0 dropped`)) {
    throw new Error(
      `scenario 6: ingest reported "${summary}", expected "${expected} …, ${records} exported"`,
    );
  }
}

interface CliSide {
  /** Wall ns per call (spawn to exit), one entry per measured call. */
  readonly wall: number[];
  peakRss: number;
}

async function measureCli(call: () => Promise<CliRun>, check: (run: CliRun) => void): Promise<CliSide> {
  const side: CliSide = { wall: [], peakRss: 0 };
  const stats = await measure(
    async () => {
      const run = await call();
      check(run);
      side.peakRss = Math.max(side.peakRss, run.maxRssBytes);
    },
    { min_samples: CLI_SAMPLES, max_samples: CLI_SAMPLES, min_cpu_time: 0 },
  );
  side.wall.push(...stats.samples);
  return side;
}

export const scenario: CustomScenario = {
  kind: "custom",
  id: "6",
  title: "Ingest: PyTorch log lines/s (target ≥ 500k lines/s) and `ingest --format jsonl` end to end",
  async run(_options) {
    const input = await buildInput();
    const lines = input.lines;
    const linesText = lines.toLocaleString("en-US");

    // (a) The parser alone, against split("\n"), blocks alternating.
    let counts: ParseCounts | undefined;
    const parser: Side = {
      call: () => {
        counts = parseAll(input);
      },
      perLine: [],
      blocks: [],
    };
    const split: Side = { call: () => countLines(input), perLine: [], blocks: [] };
    for (let block = 0; block < BLOCKS; block++) {
      for (const side of block % 2 === 0 ? [split, parser] : [parser, split]) {
        await measureBlock(side, SAMPLES_PER_BLOCK, lines);
      }
    }
    if (counts === undefined) throw new Error("scenario 6: the parser never ran");
    const { records } = counts;
    const splitNs = spreadOf(split.perLine);
    const parserNs = spreadOf(parser.perLine);
    const parserRatio = spreadOf(parser.blocks.map((ns, i) => ns / (split.blocks[i] ?? Number.NaN))).p50;
    const parserRate = 1e9 / parserNs.p50;

    // (b) The CLI end to end, on a temporary copy of the same lines, and on an empty file for its start-up.
    const cli = await buildCli();
    const dir = await mkdtemp(join(os.tmpdir(), "torch-logs-otel-bench-"));
    let empty: CliSide;
    let full: CliSide;
    try {
      const file = join(dir, "pytorch.log");
      const emptyFile = join(dir, "empty.log");
      const preload = join(dir, "max-rss.mjs");
      await writeFile(file, input.text);
      await writeFile(emptyFile, "");
      await writeFile(preload, PRELOAD);
      const preloadUrl = pathToFileURL(preload).href;
      empty = await measureCli(
        () => runIngest(cli, emptyFile, preloadUrl),
        (run) => checkSummary(run.summary, 0, 0),
      );
      full = await measureCli(
        () => runIngest(cli, file, preloadUrl),
        (run) => checkSummary(run.summary, lines, records),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const emptyWall = spreadOf(empty.wall);
    const fullWall = spreadOf(full.wall);
    const cliNs = spreadOf(full.wall.map((ns) => ns / lines));
    const afterStartup = (fullWall.p50 - emptyWall.p50) / lines;

    const rows: Row[] = [
      {
        label: "6a",
        case: `baseline: TextDecoder + split("\\n") line count of the same ${CHUNK_BYTES / 1024} KiB chunks`,
        ns: splitNs,
        verdict: "baseline",
        detail: rate(splitNs.p50),
      },
      {
        label: "6b",
        case: `InputStream (decoding + PytorchLogParser): ${linesText} lines of the ${input.files} samples (×${input.repeats}), ${CHUNK_BYTES / 1024} KiB chunks`,
        ns: parserNs,
        baseline: "6a",
        ratio: parserRatio,
        target: `≥ ${TARGET_LINES_PER_SECOND.toLocaleString("en-US")} lines/s`,
        verdict: atLeast(parserRate, TARGET_LINES_PER_SECOND),
        detail: `${rate(parserNs.p50)}; ${records.toLocaleString("en-US")} records`,
      },
      {
        label: "6c",
        case: "baseline: `ingest --format jsonl` of an empty file (start-up), ns per run",
        ns: emptyWall,
        verdict: "baseline",
        detail: `${formatNs(emptyWall.p50 / 1e6)} ms; peak RSS ${formatBytes(empty.peakRss)}`,
      },
      {
        label: "6d",
        case: `\`ingest --format jsonl FILE > /dev/null\` (child process), the same ${linesText} lines`,
        ns: cliNs,
        baseline: "6b",
        ratio: cliNs.p50 / parserNs.p50,
        target: `≥ ${TARGET_LINES_PER_SECOND.toLocaleString("en-US")} lines/s after start-up`,
        verdict: atLeast(1e9 / afterStartup, TARGET_LINES_PER_SECOND),
        detail: `${rate(cliNs.p50)} (${rate(afterStartup)} after start-up); peak RSS ${formatBytes(full.peakRss)}`,
      },
    ];
    return {
      id: this.id,
      title: this.title,
      rows,
      notes: [
        `Scenario 6: ns/op = ns per input line. 6b's ratio = ns/line ÷ 6a's, compared block by block (${BLOCKS} blocks of ${SAMPLES_PER_BLOCK} calls per side, alternating) and the median taken; each call parses all ${linesText} lines (end() included) and checks the line and record counts.`,
        `Scenario 6: 6d is the wall time of \`node dist/cli.js ingest --format jsonl FILE\` (spawn to exit, start-up included; median of ${CLI_SAMPLES} runs after a warm-up run), ratio vs 6b = how many times the parser's time per line the whole command takes; "after start-up" subtracts 6c. Peak RSS is the child's own (VmHWM at exit).`,
      ],
    };
  },
};
