// Scenario 9: `trace --format jsonl` side by side with the real tlparse (0.4.3, the tool PyTorch users run on a
// TORCH_TRACE) on the same large traces, in the same run: wall time and peak RSS of each, as ratios. Inputs:
// real trace files (the shared tlparse inputs with chromium events and three PyTorch 2.15 runs) copied into one
// rank's file with distinct compile ids per copy (support/distinct-trace-copies.ts), 25 MB and 200 MB; and a
// directory of 8 such rank files of 25 MB (200 MB), which tlparse reads with --all-ranks-html. tlparse writes its
// report to a temporary directory (what it does for a user), `trace` its JSON lines to /dev/null. Peak RSS is
// the child's (getrusage RUSAGE_CHILDREN, through python3, the same for both). Targets: `trace` at least as fast
// (wall ratio ≤ 1 at 200 MB), and its memory not growing with the input (peak RSS 200 MB ÷ 25 MB ≤ 1.25).
// Without tlparse 0.4.3 (installed from PyPI when missing, as the differential test does) the scenario says
// so and its rows are MISS.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { findTlparse } from "../support/find-tlparse.ts";
import { TRACE_FILES_WITH_SPANS } from "../trace/read-trace-fixture.ts";
import { atMost, type CustomScenario, type Row, spreadOf } from "./harness.ts";
import { buildCli } from "./support/built-cli.ts";
import { writeDistinctCopies } from "./support/distinct-trace-copies.ts";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "..", "fixtures");
const SOURCES = [
  ...TRACE_FILES_WITH_SPANS.map((f) => join("torch-trace", f)),
  "torch-trace-2.15/inductor/dedicated_log_torch_trace_5_gldw8n.log",
  "torch-trace-2.15/graph_break/dedicated_log_torch_trace_takmlc6x.log",
  "torch-trace-2.15/dynamic/dedicated_log_torch_trace_9yl5lc4q.log",
];
const SMALL = 25e6;
const LARGE = 200e6;
const RANKS = 8;
const SAMPLES = { small: 3, large: 2, ranks: 2 };
const WALL_RATIO_TARGET = 1;
const RSS_GROWTH_TARGET = 1.25;
/** Runs a command with stdout to /dev/null; prints its exit code, wall seconds and the children's peak RSS (KiB). */
const MEASURE = `import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
sys.stderr.write(done.stderr.decode(errors="replace"))
print(done.returncode, wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)`;

interface Measured {
  readonly wallNs: number[];
  readonly rssKib: number[];
}

async function measureOnce(command: readonly string[], into: Measured): Promise<void> {
  const { stdout, stderr } = await run("python3", ["-c", MEASURE, ...command], {
    maxBuffer: 256 * 1024 * 1024,
    timeout: 15 * 60_000,
  });
  const [code, wall, rss] = stdout.trim().split(" ").map(Number);
  if (code !== 0)
    throw new Error(`scenario 9: ${command.join(" ")} exited with ${code}: ${stderr.slice(-2000)}`);
  into.wallNs.push((wall ?? 0) * 1e9);
  into.rssKib.push(rss ?? 0);
}

const p50 = (values: readonly number[]) => spreadOf(values).p50;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const seconds = (ns: number) => `${(ns / 1e9).toFixed(2)} s`;

export const scenario: CustomScenario = {
  kind: "custom",
  id: "9",
  title:
    "`trace --format jsonl` vs tlparse 0.4.3 on 25 MB, 200 MB and 8 ranks × 25 MB of real traces (target: as fast, flat memory)",
  async run(_options) {
    let tlparse: string;
    try {
      tlparse = findTlparse().path;
    } catch (error) {
      const message = `tlparse 0.4.3 is not available, so scenario 9 cannot compare: ${(error as Error).message}`;
      process.stderr.write(`\n${"!".repeat(100)}\nbench: ${message}\n${"!".repeat(100)}\n\n`);
      return {
        id: this.id,
        title: this.title,
        rows: [{ label: "9", case: message, verdict: "MISS" }],
        notes: [],
      };
    }
    const dir = await mkdtemp(join(os.tmpdir(), "torch-logs-otel-bench-tlparse-"));
    try {
      const sources = await Promise.all(SOURCES.map((f) => readFile(join(fixtures, f), "utf8")));
      const small = join(dir, "dedicated_log_torch_trace_rank_0_small.log");
      const large = join(dir, "dedicated_log_torch_trace_rank_0_large.log");
      const ranks = join(dir, "ranks");
      const smallInput = await writeDistinctCopies(small, sources, SMALL, 0);
      const largeInput = await writeDistinctCopies(large, sources, LARGE, 0);
      await mkdir(ranks);
      let ranksBytes = 0;
      for (let rank = 0; rank < RANKS; rank++)
        ranksBytes += (
          await writeDistinctCopies(
            join(ranks, `dedicated_log_torch_trace_rank_${rank}_bench.log`),
            sources,
            SMALL,
            rank,
          )
        ).bytes;
      const cli = await buildCli();
      const out = join(dir, "tl_out");
      const commands = {
        tlparse: (input: string, multi: boolean) => [
          tlparse,
          input,
          "-o",
          out,
          "--overwrite",
          "--no-browser",
          ...(multi ? ["--all-ranks-html"] : []),
        ],
        trace: (input: string) => [process.execPath, cli, "trace", "--format", "jsonl", input],
      };
      const results = new Map<string, Measured>();
      for (const [key, input, multi, samples] of [
        ["small", small, false, SAMPLES.small],
        ["large", large, false, SAMPLES.large],
        ["ranks", ranks, true, SAMPLES.ranks],
      ] as const) {
        const tl: Measured = { wallNs: [], rssKib: [] };
        const tr: Measured = { wallNs: [], rssKib: [] };
        // Alternating order, so drift in the machine's load hits both alike.
        for (let i = 0; i < samples; i++) {
          const pair = i % 2 === 0 ? ([tl, tr] as const) : ([tr, tl] as const);
          for (const side of pair)
            await measureOnce(side === tl ? commands.tlparse(input, multi) : commands.trace(input), side);
        }
        results.set(`tlparse ${key}`, tl);
        results.set(`trace ${key}`, tr);
      }
      const get = (name: string) => results.get(name) as Measured;
      const row = (label: string, name: string, what: string, baseline?: string): Row => {
        const m = get(name);
        const wall = spreadOf(m.wallNs);
        if (baseline === undefined)
          return {
            label,
            case: what,
            ns: wall,
            verdict: "baseline",
            detail: `${seconds(wall.p50)}; peak RSS ${mib(p50(m.rssKib))}`,
          };
        const base = get(baseline.split("|")[0] as string);
        const ratio = wall.p50 / p50(base.wallNs);
        const rss = p50(m.rssKib) / p50(base.rssKib);
        return {
          label,
          case: what,
          ns: wall,
          baseline: baseline.split("|")[1] as string,
          ratio,
          target: `wall ≤ ${WALL_RATIO_TARGET}×`,
          verdict: atMost(ratio, WALL_RATIO_TARGET),
          detail: `${seconds(wall.p50)}; peak RSS ${mib(p50(m.rssKib))} (${rss.toFixed(2)}× tlparse's)`,
        };
      };
      const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
      const growth = p50(get("trace large").rssKib) / p50(get("trace small").rssKib);
      const tlGrowth = p50(get("tlparse large").rssKib) / p50(get("tlparse small").rssKib);
      const rows: Row[] = [
        row(
          "9a",
          "tlparse small",
          `tlparse FILE (${mb(smallInput.bytes)}: ${SOURCES.length} real files ×${smallInput.copies}, distinct compile ids)`,
        ),
        row("9b", "trace small", "`trace --format jsonl FILE`, the same file", "tlparse small|9a"),
        row("9c", "tlparse large", `tlparse FILE (${mb(largeInput.bytes)}: ×${largeInput.copies})`),
        row("9d", "trace large", "`trace --format jsonl FILE`, the same file", "tlparse large|9c"),
        row("9e", "tlparse ranks", `tlparse --all-ranks-html DIR (${RANKS} rank files, ${mb(ranksBytes)})`),
        row("9f", "trace ranks", "`trace --format jsonl DIR`, the same directory", "tlparse ranks|9e"),
        {
          label: "9g",
          case: `peak RSS of \`trace\`, ${mb(largeInput.bytes)} ÷ ${mb(smallInput.bytes)} (tlparse: ${tlGrowth.toFixed(2)})`,
          baseline: "9b",
          ratio: growth,
          target: `≤ ${RSS_GROWTH_TARGET}`,
          verdict: atMost(growth, RSS_GROWTH_TARGET),
          detail: `${mib(p50(get("trace small").rssKib))} → ${mib(p50(get("trace large").rssKib))}; tlparse ${mib(p50(get("tlparse small").rssKib))} → ${mib(p50(get("tlparse large").rssKib))}`,
        },
      ];
      return {
        id: this.id,
        title: this.title,
        rows,
        notes: [
          `Scenario 9: ns/op = wall ns of one whole run (median of ${SAMPLES.small} runs at ${mb(smallInput.bytes)}, ${SAMPLES.large} at ${mb(largeInput.bytes)} and for the ${RANKS} ranks; tlparse and trace alternate). Ratios: trace ÷ tlparse (wall), peak RSS in the detail; 9g: trace's peak RSS at ${mb(largeInput.bytes)} ÷ at ${mb(smallInput.bytes)}. tlparse writes its HTML report (with raw.log, a copy of the input) to a temporary directory; trace writes its JSON lines to /dev/null.`,
        ],
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
