// `npm run bench:filelog`: PyTorch's console logs read by `ingest` and by the collector itself
// (collector/pytorch-filelog.yaml, run as it is by the collector `npm run backends` builds, its records written
// by a `file` exporter), same files, same machine, same run:
//   1. accuracy on the 28 corpus runs with ground truth, scored by the harness `npm test` scores `ingest` with
//      (test/ingest/corpus: content, component, multi-line whole, records exact, and the round trip back to
//      PyTorch's console format), and on the published samples against their hand-written expectations
//      (test/ingest/samples); also the collector without the config's one corpus-derived rule (the list of
//      messages that start a record under an identical prefix), to show what that rule is worth;
//   2. throughput: the corpus repeated to --lines N lines (default 1,000,000) in one file, lines per second and
//      CPU seconds per million lines of each (startup CPU taken off: `ingest` of an empty file, the collector's
//      CPU when it is ready).
//
//   node e2e/bench/filelog-vs-ingest.ts [--corpus DIR] [--lines N] [--write]
//
// --write writes the tables to e2e/bench/filelog-results.md and into collector/README.md, between its markers.
import { spawn } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus, tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { parse, stringify } from "yaml";
import { listCorpusRuns, loadCorpusRun } from "../../test/ingest/corpus/load-corpus-run.ts";
import { type RoundTripCounts, scoreRoundTrip } from "../../test/ingest/corpus/round-trip.ts";
import { FIXTURE_CORPUS, scoreCorpusRun } from "../../test/ingest/corpus/score-corpus.ts";
import {
  addCounts,
  type Counts,
  emptyCounts,
  scoreRun,
  scoresOf,
} from "../../test/ingest/corpus/score-ingest.ts";
import { stopAllBackends } from "../support/backend-process.ts";
import { COLLECTOR_DIR } from "../support/backends.ts";
import {
  awaitReceiverQuiet,
  collectFilelogRecords,
  FILELOG_CONFIG,
  startFilelogCollector,
} from "../support/filelog-collector.ts";
import { type CollectorRecord, RECORD_NUMBER_ATTRIBUTE } from "../support/otlp-file-records.ts";
import { cpuSecondsOf } from "../support/process-cpu.ts";
import { runCliProcess } from "../support/run-cli-process.ts";
import { canonicalOfJsonl, difference, parseJsonl } from "../support/stored-records.ts";
import { formatWrittenPages } from "./format-written-pages.ts";
import { replaceBetweenMarkers } from "./replace-between-markers.ts";

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const CORPUS = option("--corpus") ?? FIXTURE_CORPUS;
const LINES = Number(option("--lines") ?? 1_000_000);
const WRITE = args.includes("--write");
const RESULTS = new URL("filelog-results.md", import.meta.url).pathname;
const COLLECTOR_README = new URL("../../collector/README.md", import.meta.url).pathname;
// Before minutes of measuring: the README must have the markers the tables go between.
if (WRITE) replaceBetweenMarkers(readFileSync(COLLECTOR_README, "utf8"), "bench:filelog", "");
const CLI = new URL("../../src/cli.ts", import.meta.url).pathname;
const SAMPLES = new URL("../../test/fixtures/pytorch-logs/", import.meta.url).pathname;

interface Side {
  readonly counts: Counts;
  readonly roundTrip: { lines: number; reproduced: number; exactRuns: number; runs: number };
  /** Of `ingest`'s records for the same files, the share this side gives exactly (1 for `ingest`). */
  agreement: number;
}

/**
 * Of the records `ingest --format jsonl` prints for `files` (as a user runs it: no TORCH_LOGS* in the
 * environment), the share the collector gave exactly: scope, severity, time (but its year), body, attributes.
 */
async function agreement(files: readonly string[], records: readonly CollectorRecord[]): Promise<number> {
  const printed = await runCliProcess(["ingest", "--format", "jsonl", "--utc-offset", "Z", ...files]);
  if (printed.code !== 0) throw new Error(`ingest: ${printed.stderr}`);
  const options = { without: [RECORD_NUMBER_ATTRIBUTE], yearless: true };
  const want = parseJsonl(printed.stdout).map((r) => canonicalOfJsonl(r, options));
  const got = records.map((r) => canonicalOfJsonl(r, options));
  return want.length === 0 ? 1 : (want.length - difference(want, got).length) / want.length;
}

function addRoundTrip(into: Side["roundTrip"], add: RoundTripCounts): void {
  into.lines += add.lines;
  into.reproduced += add.reproduced;
  into.exactRuns += add.exact ? 1 : 0;
  into.runs += 1;
}

/** The shipped config with `is_first_entry` of its recombine operator replaced: a measured variant. */
function variantWithoutStartList(workDir: string): string {
  const config = parse(readFileSync(join(COLLECTOR_DIR, FILELOG_CONFIG), "utf8")) as {
    receivers: Record<string, { operators: Record<string, unknown>[] }>;
  };
  for (const receiver of Object.values(config.receivers)) {
    for (const operator of receiver.operators) {
      if (operator.type === "recombine") operator.is_first_entry = "false";
    }
  }
  const path = join(workDir, "pytorch-filelog-no-start-list.yaml");
  writeFileSync(path, stringify(config, { lineWidth: 0 }));
  return path;
}

/** Runs the collector over `dir/*.log` from the beginning and returns what it exported, in file order. */
function collectorRecords(
  workDir: string,
  name: string,
  dir: string,
  config?: string,
): Promise<CollectorRecord[]> {
  return collectFilelogRecords({
    name,
    workDir,
    logPath: join(dir, "*.log"),
    ...(config !== undefined && { config }),
  });
}

async function accuracy(workDir: string): Promise<{ ingest: Side; collector: Side; variant: Side }> {
  const runs = listCorpusRuns(CORPUS).map((name) => loadCorpusRun(CORPUS, name));
  const dir = join(workDir, "corpus");
  mkdirSync(dir);
  // The receiver reads `*.log`; each run keeps its name.
  for (const run of runs) copyFileSync(run.stderrPath, join(dir, basename(run.stderrPath)));
  const empty = (): Side => ({
    counts: emptyCounts(),
    roundTrip: { lines: 0, reproduced: 0, exactRuns: 0, runs: 0 },
    agreement: 1,
  });
  const sides = { ingest: empty(), collector: empty(), variant: empty() };
  const byFile = (records: readonly CollectorRecord[]) => {
    const map = new Map<string, CollectorRecord[]>();
    for (const r of records) map.set(r.fileName, [...(map.get(r.fileName) ?? []), r]);
    return map;
  };
  const shippedRecords = await collectorRecords(workDir, "collector", dir);
  const variantRecords = await collectorRecords(workDir, "variant", dir, variantWithoutStartList(workDir));
  const copies = runs.map((run) => join(dir, basename(run.stderrPath)));
  sides.collector.agreement = await agreement(copies, shippedRecords);
  sides.variant.agreement = await agreement(copies, variantRecords);
  const shipped = byFile(shippedRecords);
  const variant = byFile(variantRecords);
  for (const run of runs) {
    const ingested = await scoreCorpusRun(run);
    if (ingested.exitCode !== 0) throw new Error(`ingest ${run.name}: ${ingested.stderr}`);
    addCounts(sides.ingest.counts, ingested.counts);
    addRoundTrip(sides.ingest.roundTrip, scoreRoundTrip(run, ingested.records));
    for (const [side, records] of [
      [sides.collector, shipped],
      [sides.variant, variant],
    ] as const) {
      const own = records.get(basename(run.stderrPath)) ?? [];
      addCounts(side.counts, scoreRun(run, own));
      addRoundTrip(side.roundTrip, scoreRoundTrip(run, own));
    }
  }
  return sides;
}

const percent = (x: number) => `${(x * 100).toFixed(2)} %`;

function accuracyTable(sides: { ingest: Side; collector: Side; variant: Side }): string {
  const columns = [sides.ingest, sides.collector, sides.variant];
  const row = (name: string, cell: (side: Side) => string) =>
    `| ${name} | ${columns.map(cell).join(" | ")} |`;
  const s = (side: Side) => scoresOf(side.counts);
  const c = sides.ingest.counts;
  return [
    `Accuracy on ${c.truthRecords.toLocaleString("en-US")} records (${c.truthLines.toLocaleString("en-US")} lines) ` +
      `of ${sides.ingest.roundTrip.runs} PyTorch runs with ground truth (${relative(process.cwd(), CORPUS) || CORPUS})`,
    "",
    "| metric | `ingest` | collector (`pytorch-filelog.yaml`) | collector without the message-start list |",
    "| --- | --- | --- | --- |",
    row("content (lines, in order, with level and artifact)", (x) => percent(s(x).content)),
    row("component (scope → the truth's component)", (x) => percent(s(x).component)),
    row("multi-line records whole", (x) => percent(s(x).multiLineWhole)),
    row("records exact (one record, only its lines)", (x) => percent(s(x).recordsExact)),
    row("round trip: torch lines printed again", (x) =>
      percent(x.roundTrip.lines === 0 ? 1 : x.roundTrip.reproduced / x.roundTrip.lines),
    ),
    row("round trip: runs byte-identical", (x) => `${x.roundTrip.exactRuns} / ${x.roundTrip.runs}`),
    row("`ingest`'s records given exactly (the same files, no TORCH_LOGS* context)", (x) =>
      percent(x.agreement),
    ),
    "",
  ].join("\n");
}

/**
 * The published samples: `ingest` meets every hand-written expectation of test/ingest/pytorch-log-samples.test.ts,
 * so the share of its records the collector gives exactly is the collector's score there.
 */
async function samples(workDir: string): Promise<{ files: number; agreement: number; variant: number }> {
  const dir = join(workDir, "samples");
  mkdirSync(dir);
  const names = readdirSync(SAMPLES).filter((name) => name.endsWith(".log"));
  for (const name of names) copyFileSync(join(SAMPLES, name), join(dir, name));
  const files = names.map((name) => join(dir, name));
  const shipped = await collectorRecords(workDir, "collector-samples", dir);
  const variant = await collectorRecords(workDir, "variant-samples", dir, variantWithoutStartList(workDir));
  return {
    files: names.length,
    agreement: await agreement(files, shipped),
    variant: await agreement(files, variant),
  };
}

function samplesTable(s: { files: number; agreement: number; variant: number }): string {
  return [
    `The ${s.files} published samples (test/fixtures/pytorch-logs: PyTorch 2.0 – 2.5 logs from issues and blogs, ` +
      "`ingest` meets every hand-written expectation of test/ingest/pytorch-log-samples.test.ts)",
    "",
    "| metric | `ingest` | collector (`pytorch-filelog.yaml`) | collector without the message-start list |",
    "| --- | --- | --- | --- |",
    `| \`ingest\`'s records given exactly | 100.00 % | ${percent(s.agreement)} | ${percent(s.variant)} |`,
    "",
  ].join("\n");
}

// ------------------------------------------------------------------------------------------------------------
// Throughput

/** The corpus runs repeated to `lines` lines, each copy with its own pids (so no two copies share a prefix). */
function bigInput(path: string, lines: number): number {
  const runs = listCorpusRuns(CORPUS).map((name) => loadCorpusRun(CORPUS, name).stderr);
  const chunks: string[] = [];
  let written = 0;
  for (let copy = 0; written < lines; copy++) {
    for (const text of runs) {
      const body = text.endsWith("\n") ? text : `${text}\n`;
      chunks.push(
        copy === 0
          ? body
          : body.replace(
              /(\d{2}:\d{2}:\d{2}\.\d{6}) (\d+) /g,
              (_m, clock: string, id: string) => `${clock} ${Number(id) + copy * 100_000} `,
            ),
      );
      written += body.split("\n").length - 1;
      if (written >= lines) break;
    }
  }
  writeFileSync(path, chunks.join(""));
  return written;
}

/** Runs `node src/cli.ts ARGS` under bash and returns its CPU seconds (bash's `times`) and wall seconds. */
function timedIngest(cliArgs: readonly string[], out: string): Promise<{ cpu: number; wall: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      "bash",
      [
        "-c",
        '"$@" > "$OUT"; status=$?; times >&2; exit $status',
        "bash",
        process.execPath,
        "--disable-warning=ExperimentalWarning",
        CLI,
        ...cliArgs,
      ],
      { env: { ...process.env, OUT: out }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("close", (code) => {
      const wall = (performance.now() - started) / 1000;
      // `times`: the shell's user and system time, then its children's: "0m1.234s 0m0.056s".
      const children = stderr.trim().split("\n").at(-1) ?? "";
      const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      if (code !== 0 || seconds.length !== 2)
        reject(new Error(`ingest exited ${code}: ${stderr.slice(-500)}`));
      else resolve({ cpu: (seconds[0] ?? 0) + (seconds[1] ?? 0), wall });
    });
  });
}

interface Speed {
  readonly records: number;
  readonly wall: number;
  readonly cpu: number;
}

async function throughput(workDir: string): Promise<{ lines: number; ingest: Speed; collector: Speed }> {
  const dir = join(workDir, "big");
  mkdirSync(dir);
  const input = join(dir, "pytorch.log");
  const lines = bigInput(input, LINES);
  const emptyFile = join(workDir, "empty.log");
  writeFileSync(emptyFile, "");
  const ingestArgs = ["ingest", "--format", "jsonl", "--utc-offset", "Z"];
  const idle = await timedIngest([...ingestArgs, emptyFile], "/dev/null");
  const out = join(workDir, "ingest-big.jsonl");
  const ran = await timedIngest([...ingestArgs, input], out);
  const ingestRecords = readFileSync(out, "utf8").split("\n").length - 1;
  rmSync(out);

  const file = join(workDir, "collector-big.jsonl");
  const collector = await startFilelogCollector({
    name: "collector-big",
    workDir,
    logPath: join(dir, "*.log"),
    to: { file },
  });
  const ready = performance.now();
  const cpuReady = cpuSecondsOf(collector.process.pid);
  const quiet = await awaitReceiverQuiet(collector, { quietMs: 5_000 });
  const cpuDone = cpuSecondsOf(collector.process.pid);
  await collector.process.stop(30_000);
  rmSync(file, { force: true });
  return {
    lines,
    ingest: { records: ingestRecords, wall: ran.wall - idle.wall, cpu: ran.cpu - idle.cpu },
    // The CPU the collector spent while idle for quietMs is a few polls: not taken off.
    collector: { records: quiet.records, wall: (quiet.lastGrowthAt - ready) / 1000, cpu: cpuDone - cpuReady },
  };
}

function throughputTable(t: { lines: number; ingest: Speed; collector: Speed }): string {
  const row = (name: string, s: Speed) =>
    `| ${name} | ${s.records.toLocaleString("en-US")} | ${s.wall.toFixed(1)} s | ` +
    `${Math.round(t.lines / s.wall).toLocaleString("en-US")} | ${((s.cpu * 1e6) / t.lines).toFixed(2)} |`;
  return [
    `Throughput: ${t.lines.toLocaleString("en-US")} lines (the corpus repeated) in one file; ` +
      `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}, collector v0.161.0`,
    "",
    "| reader | records | wall time | lines per second | CPU seconds per 1M lines |",
    "| --- | --- | --- | --- | --- |",
    row("`ingest --format jsonl` (to a file)", t.ingest),
    row("collector, `file` exporter", t.collector),
    "",
    "Startup is taken off (`ingest` of an empty file; the collector's CPU once it is ready). The collector's wall",
    "time runs to its last emitted record, which includes the recombine operator's 1 s flush of the last batch.",
    "",
  ].join("\n");
}

const workDir = mkdtempSync(join(tmpdir(), "bench-filelog-"));
try {
  const acc = accuracyTable(await accuracy(workDir));
  process.stdout.write(`${acc}\n`);
  const samplesText = samplesTable(await samples(workDir));
  process.stdout.write(`${samplesText}\n`);
  const speed = throughputTable(await throughput(workDir));
  process.stdout.write(`${speed}\n`);
  if (WRITE) {
    const tables = `${acc}\n${samplesText}\n${speed}`;
    writeFileSync(
      RESULTS,
      `# filelog receiver vs ingest\n\nWritten by \`npm run bench:filelog -- --write\`.\n\n${tables}`,
    );
    writeFileSync(
      COLLECTOR_README,
      replaceBetweenMarkers(readFileSync(COLLECTOR_README, "utf8"), "bench:filelog", tables),
    );
    formatWrittenPages([RESULTS, COLLECTOR_README]);
  }
} finally {
  await stopAllBackends();
  rmSync(workDir, { recursive: true, force: true });
}
