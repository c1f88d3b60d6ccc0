// Scenario 8: `trace`. MB/s of TORCH_TRACE input to JSON lines. Input: the real trace files in
// test/fixtures/torch-trace/ that have chromium events (simple.log, inductor_provenance_jit_log.txt and the three
// multi_rank_schedule ranks), concatenated and repeated to ≥ 50 MB. (a) Baseline in the same run: the floor of any
// reader of this format — split the same 256 KiB chunks into lines and JSON.parse every envelope line. (b) In process:
// TraceFileMapper (reader, MD5 of every payload, string table, clock, span pairing, metric points) with the log
// records through the SDK's LoggerProvider and BatchLogRecordProcessor into the JSON-lines exporter, and the spans
// and points formatted as JSON lines, all into a counting sink. (c) `torch-logs-otel trace --format jsonl FILE >
// /dev/null` end to end in a child process (the built bin, dist/cli.js, as a user runs it), with start-up measured on a one-line file (d) and subtracted. Target:
// ≥ 50 MB/s of input for the command after start-up. Blocks alternate (a) and (b) so machine load hits both alike.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { fileURLToPath, pathToFileURL } from "node:url";
import { measure } from "mitata";
import { IngestPipeline } from "../../src/delivery/ingest-pipeline.ts";
import { JsonLinesLogRecordExporter } from "../../src/delivery/json-lines-log-record-exporter.ts";
import { TraceFileMapper, type TraceOutput } from "../../src/trace/trace-file-mapper.ts";
import {
  formatLogJsonLine,
  formatMetricJsonLine,
  formatSpanJsonLine,
} from "../../src/trace/trace-json-lines.ts";
import { TRACE_FILES_WITH_SPANS } from "../trace/read-trace-fixture.ts";
import { atLeast, type CustomScenario, type Row, spreadOf } from "./harness.ts";
import { buildCli } from "./support/built-cli.ts";

const TARGET_MB_PER_SECOND = 50;
const MIN_BYTES = 50e6;
const CHUNK_BYTES = 256 * 1024;
const BLOCKS = 3;
const SAMPLES_PER_BLOCK = 2;
const CLI_SAMPLES = 3;
const FILES = TRACE_FILES_WITH_SPANS;

const MARK = "torch-logs-otel-bench-trace ";
// Loaded into the child with --import: prints its CPU time (µs) and peak RSS (KiB, VmHWM) as it exits, so the
// rate per CPU second shows what a shared machine's wall clock hides.
const PRELOAD = `import { readFileSync, writeSync } from "node:fs";
process.on("exit", () => {
  let kib = "0";
  try { kib = /^VmHWM:\\s*(\\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? "0"; } catch {}
  const cpu = process.cpuUsage();
  writeSync(2, ${JSON.stringify("torch-logs-otel-bench-trace ")} + (cpu.user + cpu.system) + " " + kib + "\\n");
});
`;

interface ChildRun {
  readonly stderr: string;
  readonly cpuUs: number;
  readonly rssKib: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

interface Input {
  readonly bytes: Buffer;
  readonly chunks: readonly Buffer[];
  readonly repeats: number;
}

async function buildInput(): Promise<Input> {
  const texts = await Promise.all(
    FILES.map((f) => readFile(join(root, "test", "fixtures", "torch-trace", f), "utf8")),
  );
  const once = texts.map((t) => (t.endsWith("\n") ? t : `${t}\n`)).join("");
  const repeats = Math.ceil(MIN_BYTES / Buffer.byteLength(once));
  const bytes = Buffer.from(once.repeat(repeats), "utf8");
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) chunks.push(bytes.subarray(at, at + CHUNK_BYTES));
  return { bytes, chunks, repeats };
}

/** The floor: decode, split into lines, JSON.parse each envelope line (after its `] `). */
function floor(input: Input): number {
  const decoder = new StringDecoder("utf8");
  let carry = "";
  let envelopes = 0;
  for (const chunk of input.chunks) {
    const lines = (carry + decoder.write(chunk)).split("\n");
    carry = lines.pop() ?? "";
    for (const line of lines) {
      if (line.charCodeAt(0) === 9 || line === "") continue;
      JSON.parse(line.slice(line.indexOf("] ") + 2));
      envelopes++;
    }
  }
  return envelopes;
}

/** The mapping to JSON lines, in process; resolves with the characters written. */
async function mapToJsonLines(input: Input): Promise<number> {
  let written = 0;
  const write = (text: string) => {
    written += text.length;
  };
  const logs = new IngestPipeline({
    exporter: new JsonLinesLogRecordExporter(write, formatLogJsonLine),
    serviceName: "bench",
    onFirstLoss: (message) => {
      throw new Error(message);
    },
  });
  const mapper = new TraceFileMapper({
    file: { fileName: "dedicated_log_torch_trace_rank_0_bench.log", rank: 0 },
    fallback: () => ({ utcOffsetMinutes: 0, reference: Date.now() }),
  });
  const decoder = new StringDecoder("utf8");
  const deliver = async (out: TraceOutput) => {
    for (const record of out.logs) if (!logs.emit(record, 0)) await logs.whenReady();
    let text = "";
    for (const span of out.spans) text += formatSpanJsonLine(span);
    for (const point of out.metrics) text += formatMetricJsonLine(point);
    write(text);
  };
  for (const chunk of input.chunks) await deliver(mapper.push(decoder.write(chunk)));
  await deliver(mapper.end(decoder.end()));
  await logs.shutdown();
  if (logs.stats.dropped !== 0) throw new Error(`scenario 8: ${logs.stats.dropped} records dropped`);
  return written;
}

function runTrace(cli: string, file: string, preload: string): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const args = ["--import", preload, cli, "trace", "--format", "jsonl", file];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      stderr += text;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const mark = stderr.split("\n").find((line) => line.startsWith(MARK));
      if (code !== 0 || mark === undefined) {
        reject(new Error(`scenario 8: trace exited with ${code}: ${stderr}`));
        return;
      }
      const [cpu, rss] = mark.slice(MARK.length).split(" ").map(Number);
      resolve({ stderr, cpuUs: cpu ?? 0, rssKib: rss ?? 0 });
    });
  });
}

async function wallOf(call: () => Promise<unknown>, samples: number): Promise<number[]> {
  const stats = await measure(call, { min_samples: samples, max_samples: samples, min_cpu_time: 0 });
  return stats.samples;
}

const mbps = (bytes: number, ns: number) => (bytes / 1e6 / (ns / 1e9)).toFixed(1);

export const scenario: CustomScenario = {
  kind: "custom",
  id: "8",
  title: "Trace: TORCH_TRACE MB/s to JSON lines (target ≥ 50 MB/s after start-up)",
  async run(_options) {
    const input = await buildInput();
    const size = input.bytes.length;
    const floorNs: number[] = [];
    const mapNs: number[] = [];
    const ratios: number[] = [];
    let envelopes = 0;
    let written = 0;
    for (let block = 0; block < BLOCKS; block++) {
      const order = block % 2 === 0 ? ["floor", "map"] : ["map", "floor"];
      const medians: Record<string, number> = {};
      for (const side of order) {
        const samples =
          side === "floor"
            ? await wallOf(async () => {
                envelopes = floor(input);
              }, SAMPLES_PER_BLOCK)
            : await wallOf(async () => {
                written = await mapToJsonLines(input);
              }, SAMPLES_PER_BLOCK);
        (side === "floor" ? floorNs : mapNs).push(...samples);
        medians[side] = spreadOf(samples).p50;
      }
      ratios.push((medians.map ?? Number.NaN) / (medians.floor ?? Number.NaN));
    }
    if (envelopes === 0 || written === 0) throw new Error("scenario 8: nothing was read");

    const dir = await mkdtemp(join(os.tmpdir(), "torch-logs-otel-bench-trace-"));
    let startup: number[];
    let full: number[];
    let summary = "";
    const cpu = { startup: [] as number[], full: [] as number[] };
    let peakRssKib = 0;
    try {
      const file = join(dir, "dedicated_log_torch_trace_rank_0_bench.log");
      const one = join(dir, "dedicated_log_torch_trace_rank_0_one.log");
      await writeFile(file, input.bytes);
      await writeFile(
        one,
        (await readFile(join(root, "test", "fixtures", "torch-trace", "simple.log"), "utf8"))
          .split("\n")
          .slice(0, 12)
          .join("\n"),
      );
      const preload = join(dir, "usage.mjs");
      await writeFile(preload, PRELOAD);
      const preloadUrl = pathToFileURL(preload).href;
      const cli = await buildCli();
      startup = await wallOf(async () => {
        cpu.startup.push((await runTrace(cli, one, preloadUrl)).cpuUs);
      }, CLI_SAMPLES);
      full = await wallOf(async () => {
        const run = await runTrace(cli, file, preloadUrl);
        summary = run.stderr;
        cpu.full.push(run.cpuUs);
        peakRssKib = Math.max(peakRssKib, run.rssKib);
      }, CLI_SAMPLES);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    if (!summary.includes(`${envelopes} envelopes`))
      throw new Error(`scenario 8: unexpected summary ${summary}`);
    const floorSpread = spreadOf(floorNs);
    const mapSpread = spreadOf(mapNs);
    const startupNs = spreadOf(startup).p50;
    const fullSpread = spreadOf(full);
    const afterStartup = mbps(size, fullSpread.p50 - startupNs);
    const mb = (size / 1e6).toFixed(1);
    const rows: Row[] = [
      {
        label: "8a",
        case: `baseline: split lines + JSON.parse of every envelope, ${mb} MB (${FILES.length} real files ×${input.repeats})`,
        ns: floorSpread,
        verdict: "baseline",
        detail: `${mbps(size, floorSpread.p50)} MB/s; ${envelopes.toLocaleString("en-US")} envelopes`,
      },
      {
        label: "8b",
        case: "TraceFileMapper + SDK logs pipeline + JSON lines (in process), the same input",
        ns: mapSpread,
        baseline: "8a",
        ratio: spreadOf(ratios).p50,
        verdict: "report",
        detail: `${mbps(size, mapSpread.p50)} MB/s; ${(written / 1e6).toFixed(0)} M chars out`,
      },
      {
        label: "8c",
        case: "`trace --format jsonl FILE > /dev/null` (child process), start-up included",
        ns: fullSpread,
        baseline: "8b",
        ratio: fullSpread.p50 / mapSpread.p50,
        target: `≥ ${TARGET_MB_PER_SECOND} MB/s after start-up`,
        verdict: atLeast(Number(afterStartup), TARGET_MB_PER_SECOND),
        detail:
          `${mbps(size, fullSpread.p50)} MB/s; ${afterStartup} MB/s after start-up (${(startupNs / 1e6).toFixed(0)} ms); ` +
          `per CPU second after start-up ${mbps(size, (spreadOf(cpu.full).p50 - spreadOf(cpu.startup).p50) * 1000)} MB/s; ` +
          `peak RSS ${(peakRssKib / 1024).toFixed(0)} MiB`,
      },
    ];
    return {
      id: this.id,
      title: this.title,
      rows,
      notes: [
        `Scenario 8: ns/op = ns per call over the whole ${mb} MB input. 8b's ratio = 8b ÷ 8a compared block by block (${BLOCKS} blocks of ${SAMPLES_PER_BLOCK} calls per side, alternating), median taken. 8c: median of ${CLI_SAMPLES} runs after a warm-up; start-up = the same command on a 12-line trace file, subtracted for "after start-up".`,
      ],
    };
  },
};
