// Real PyTorch 2.13 output with recorded ground truth (test/fixtures/corpus, a slim copy of
// ../shared/corpus/pytorch-2.13-runs): `ingest --format jsonl`, run with each run's own TORCH_LOGS, must give
// back every record PyTorch printed, whole and alone, with its level, artifact and component. Scores per run
// and in total are printed; the floors below are the figures measured when they were set, so a change that
// loses ground fails. Whole shared corpus (or held-back runs): test/ingest/corpus/score-corpus.ts DIR.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { listCorpusRuns, loadCorpusRun } from "./corpus/load-corpus-run.ts";
import { reprint, torchLinesOf } from "./corpus/round-trip.ts";
import { FIXTURE_CORPUS, ingestArgs, type ScoredRun, scoreCorpusRun } from "./corpus/score-corpus.ts";
import {
  addCounts,
  emptyCounts,
  formatScoreTable,
  parseJsonLines,
  scoreRun,
  scoresOf,
} from "./corpus/score-ingest.ts";

const run = promisify(execFile);
const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

/**
 * Totals over the fixture runs; targets: content ≥ 99.9 %, component ≥ 98 %, multi-line ≥ 99 %, exact ≥ 95 %.
 * Measured: all of them (before issue 22: component 99.98 %, exact 99.86 %: pgo.py's records of the
 * symbolic_shapes logger, gb_format_short's last print, gb_plus_all's FakeTensor cache-stats rows).
 */
const FLOORS = { content: 1, component: 1, multiLineWhole: 1, recordsExact: 1 };

const runs = listCorpusRuns(FIXTURE_CORPUS).map((name) => loadCorpusRun(FIXTURE_CORPUS, name));

describe("ingest over real PyTorch runs with ground truth", () => {
  it("scores at or above the floors, per run and in total", async () => {
    const scored: ScoredRun[] = [];
    for (const r of runs) scored.push(await scoreCorpusRun(r));
    console.log(`ingest vs. ground truth (${FIXTURE_CORPUS})\n${formatScoreTable(scored)}`);
    for (const s of scored) expect(s.exitCode, `${s.name}: ${s.stderr}`).toBe(0);
    const total = scoresOf(scored.reduce((sum, s) => addCounts(sum, s.counts), emptyCounts()));
    expect(total.content).toBeGreaterThanOrEqual(FLOORS.content);
    expect(total.component).toBeGreaterThanOrEqual(FLOORS.component);
    expect(total.multiLineWhole).toBeGreaterThanOrEqual(FLOORS.multiLineWhole);
    expect(total.recordsExact).toBeGreaterThanOrEqual(FLOORS.recordsExact);
  });

  // The way out: ingest, then PyTorch's console format again (the console exporter's formatter), gives
  // back stderr's torch lines byte for byte. A custom TORCH_LOGS_FORMAT prefixes only a record's first line,
  // so there other output after a record stays in it: the torch lines are then in order, and every extra
  // line is a line of stderr.
  it("ingest then the console format reproduces stderr's torch lines", async () => {
    for (const r of runs) {
      const { records } = await scoreCorpusRun(r);
      const expected = torchLinesOf(r);
      const printed = reprint(r, records);
      if (r.env.TORCH_LOGS_FORMAT === undefined) {
        expect(printed, r.name).toStrictEqual(expected);
      } else {
        const stderrLines = new Set(r.stderr.split("\n"));
        expect(
          printed.filter((line) => !expected.includes(line) && !stderrLines.has(line)),
          r.name,
        ).toEqual([]);
        expect(
          printed.filter((line) => expected.includes(line)),
          r.name,
        ).toStrictEqual(expected);
      }
    }
  });

  // One real child process per workload: the installed command line, environment and stdout.
  const byWorkload = new Map(runs.map((r) => [r.workload, r]));
  it.each([...byWorkload.values()].map((r) => [r.workload, r] as const))(
    "%s: the ingest command in a child process gives what the in-process run gives",
    async (_workload, corpusRun) => {
      const { stdout } = await run(
        process.execPath,
        ["--conditions=development", "--no-warnings", CLI, ...ingestArgs(corpusRun)],
        {
          env: { PATH: process.env.PATH, ...corpusRun.env },
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const child = scoreRun(corpusRun, parseJsonLines(stdout));
      const inProcess = await scoreCorpusRun(corpusRun);
      expect(child).toEqual(inProcess.counts);
      expect(child.truthLines).toBeGreaterThan(0);
    },
  );
});
