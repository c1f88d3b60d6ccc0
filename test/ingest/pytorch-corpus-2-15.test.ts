// Real PyTorch 2.15.0 console output with ground truth (test/fixtures/corpus-2.15, recorded by
// tools/pytorch/corpus/run_corpus.py with the method of ../shared/corpus/pytorch-2.13-runs): the recording is
// whole (every truth record sits in stderr where the truth says, line by line), covers what issue 22 asked
// for, and `ingest` is scored on it with the 2.13 corpus' harness. The floors are the scores measured: a
// change that loses ground fails.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCliCaptured } from "../support/run-cli.ts";
import { listCorpusRuns, loadCorpusRun } from "./corpus/load-corpus-run.ts";
import { ingestArgs, type ScoredRun, scoreCorpusRun } from "./corpus/score-corpus.ts";
import {
  addCounts,
  emptyCounts,
  formatScoreTable,
  parseJsonLines,
  scoreRun,
  scoresOf,
} from "./corpus/score-ingest.ts";

const DIR = fileURLToPath(new URL("../fixtures/corpus-2.15/", import.meta.url));
const names = listCorpusRuns(DIR);
const runs = names.map((name) => loadCorpusRun(DIR, name));
const metas = new Map(names.map((n) => [n, JSON.parse(readFileSync(`${DIR}${n}.meta.json`, "utf8"))]));

/**
 * Measured when the runs were recorded: content 3250/3252 lines, component 3245/3250, multi-line whole 140/140,
 * records exact 994/997 — records PyTorch logs through the `torch.fx.experimental.symbolic_shapes` logger from
 * torch/_dynamo/pgo.py and variables/builder.py ("marking L['x'] as dynamic") were put on the path's module
 * (dropped by the run's own TORCH_LOGS=+dynamic in dyn_dynamic_recompiles), and in gb_format_short
 * (TORCH_LOGS_FORMAT=short) the program's last print joined the last record. Both fixed: every figure is 1.
 */
const FLOORS = { content: 1, component: 1, multiLineWhole: 1, recordsExact: 1 };

describe("the PyTorch 2.15 corpus", () => {
  it("has at least 10 verified runs of torch 2.15.0", () => {
    expect(runs.length).toBeGreaterThanOrEqual(10);
    for (const [name, meta] of metas) {
      expect([name, meta.torch_version.startsWith("2.15.0"), meta.counts.ok]).toEqual([name, true, true]);
    }
  });

  it("covers graph breaks, recompiles, dynamic shapes, inductor, a compile error, user loggers, set_logs, ranks", () => {
    const all = [...metas.values()];
    const artifacts = new Set(all.flatMap((m) => m.counts.artifacts));
    for (const a of ["graph_breaks", "recompiles", "guards", "output_code", "aot_graphs"]) {
      expect([a, artifacts.has(a)]).toEqual([a, true]);
    }
    const workloads = new Set(all.map((m) => m.workload));
    for (const w of [
      "w_dynamic.py",
      "w_inductor.py",
      "w_compile_error.py",
      "w_user_module.py",
      "w_set_logs.py",
    ]) {
      expect([w, workloads.has(w)]).toEqual([w, true]);
    }
    const ranked = all.find((m) => m.counts.ranks.length === 2);
    expect(ranked?.counts.processes).toBe(2);
    expect(all.some((m) => m.exit_code !== 0)).toBe(true); // the uncaught compile error
  });

  it.each(runs.map((r) => [r.name, r] as const))(
    "%s: each truth record's lines carry its prefix",
    (_n, run) => {
      const lines = run.stderr.split("\n");
      for (const record of run.truth) {
        if (record.firstLine === undefined || record.lastLine === undefined || record.prefix === null)
          continue;
        for (let n = record.firstLine; n <= record.lastLine; n++) {
          expect([record.seq, n, lines[n - 1]?.startsWith(`${record.prefix} `)]).toEqual([
            record.seq,
            n,
            true,
          ]);
        }
      }
    },
  );

  // Issue 22 item 5: a rank-prefixed multi-rank log reduced to rank 0 keeps exactly rank 0's records. Records
  // a rank's process printed before init_process_group carry no rank (their truth has none): left out.
  it.each([0, 1])("dist_gloo_ranks reduced to rank %i keeps exactly that rank's records", async (rank) => {
    const run = runs.find((r) => r.name === "dist_gloo_ranks");
    if (run === undefined) throw new Error("dist_gloo_ranks is missing from the 2.15 corpus");
    const { code, stdout, stderr } = await runCliCaptured([...ingestArgs(run), "--ranks", String(rank)], {
      ...run.env,
    });
    expect(code, stderr).toBe(0);
    const records = parseJsonLines(stdout);
    const truth = { ...run, truth: run.truth.filter((t) => t.rank === rank) };
    expect(truth.truth.length).toBeGreaterThan(40);
    expect(scoresOf(scoreRun(truth, records)).recordsExact).toBe(1);
    expect(records.length).toBe(truth.truth.length);
    expect(new Set(records.map((r) => r.attributes["torch.rank"]))).toEqual(new Set([rank]));
    expect(stderr).toMatch(
      new RegExp(
        `, ${run.truth.length + 1 - truth.truth.length} not of ranks ${rank} \\(9 without a rank\\), `,
      ),
    );
  });

  it("ingest scores at or above the floors measured on it", async () => {
    const scored: ScoredRun[] = [];
    for (const r of runs) scored.push(await scoreCorpusRun(r));
    console.log(`ingest vs. ground truth (PyTorch 2.15.0)\n${formatScoreTable(scored)}`);
    for (const s of scored) expect(s.exitCode, `${s.name}: ${s.stderr}`).toBe(0);
    const total = scoresOf(scored.reduce((sum, s) => addCounts(sum, s.counts), emptyCounts()));
    expect(total.content).toBeGreaterThanOrEqual(FLOORS.content);
    expect(total.component).toBeGreaterThanOrEqual(FLOORS.component);
    expect(total.multiLineWhole).toBeGreaterThanOrEqual(FLOORS.multiLineWhole);
    expect(total.recordsExact).toBeGreaterThanOrEqual(FLOORS.recordsExact);
  });
});
