// Runs `ingest --format jsonl` in process over corpus runs (with each run's own TORCH_LOGS and
// TORCH_LOGS_FORMAT in the environment) and scores the output against the ground truth.
//
// Script mode, over the whole shared corpus or any folder of runs in its layout:
//   npx node --conditions=development test/ingest/corpus/score-corpus.ts [DIR]
// (default DIR: ../shared/corpus/pytorch-2.13-runs/runs, else test/fixtures/corpus).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runCliCaptured } from "../../support/run-cli.ts";
import { type CorpusRun, listCorpusRuns, loadCorpusRun } from "./load-corpus-run.ts";
import {
  type Counts,
  formatScoreTable,
  type IngestedRecord,
  parseJsonLines,
  scoreRun,
} from "./score-ingest.ts";

export const FIXTURE_CORPUS = fileURLToPath(new URL("../../fixtures/corpus/", import.meta.url));
export const SHARED_CORPUS = fileURLToPath(
  new URL("../../../../shared/corpus/pytorch-2.13-runs/runs/", import.meta.url),
);

export interface ScoredRun {
  readonly name: string;
  readonly run: CorpusRun;
  readonly counts: Counts;
  /** What ingest printed, parsed. */
  readonly records: readonly IngestedRecord[];
  readonly exitCode: number;
  readonly stderr: string;
}

/** The ingest command line the harness runs; the run's env goes in the environment. */
export function ingestArgs(run: CorpusRun): string[] {
  return ["ingest", run.stderrPath, "--format", "jsonl", "--utc-offset", "Z"];
}

export async function scoreCorpusRun(run: CorpusRun): Promise<ScoredRun> {
  const { code, stdout, stderr } = await runCliCaptured(ingestArgs(run), { ...run.env });
  const records = parseJsonLines(stdout);
  return { name: run.name, run, counts: scoreRun(run, records), records, exitCode: code, stderr };
}

export async function scoreCorpus(dir: string): Promise<ScoredRun[]> {
  const scored: ScoredRun[] = [];
  for (const name of listCorpusRuns(dir)) scored.push(await scoreCorpusRun(loadCorpusRun(dir, name)));
  return scored;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? (existsSync(SHARED_CORPUS) ? SHARED_CORPUS : FIXTURE_CORPUS);
  const scored = await scoreCorpus(dir);
  process.stdout.write(`${dir}\n${formatScoreTable(scored)}\n`);
  for (const s of scored)
    if (s.exitCode !== 0) process.stdout.write(`${s.name}: exit ${s.exitCode}: ${s.stderr}`);
}
