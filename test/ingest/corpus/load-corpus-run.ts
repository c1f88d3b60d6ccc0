// Loads runs of the PyTorch console-output corpus with ground truth (../shared/corpus/pytorch-2.13-runs, see its
// README): the raw stderr and, for every record PyTorch printed, its logger, level, artifact, trace id and the
// lines it took in stderr. Reads the shared layout (`truth.jsonl` + `spans.jsonl`, any `.truth.jsonl.pid<N>`)
// and the slim copy in test/fixtures/corpus written by copy-corpus-fixtures.ts (`truth.jsonl` with the spans
// folded in and only the fields the harness scores).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface TruthRecord {
  readonly seq: number;
  readonly logger: string;
  readonly levelname: string;
  readonly levelno: number;
  readonly artifact: string | null;
  readonly traceId: string | null;
  readonly rank: number | null;
  /** 1-based stderr line range; absent for records the trace-id filter printed as "". */
  readonly firstLine?: number;
  readonly lastLine?: number;
  /** The prefix every line repeats (default format); null for a custom TORCH_LOGS_FORMAT. */
  readonly prefix: string | null;
  /** Only when `prefix` is null: the text after the format's header. */
  readonly body?: string;
}

export interface CorpusRun {
  readonly name: string;
  readonly workload: string;
  /** The environment of the PyTorch run that matters to ingest (TORCH_LOGS, TORCH_LOGS_FORMAT). */
  readonly env: Readonly<Record<string, string>>;
  readonly stderrPath: string;
  readonly stderr: string;
  /** In stderr order (several processes may share one stderr). */
  readonly truth: readonly TruthRecord[];
}

interface TruthMessageLine {
  readonly text: string;
  readonly record: number;
}

const INGEST_ENV = ["TORCH_LOGS", "TORCH_LOGS_FORMAT"] as const;

export function listCorpusRuns(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".meta.json"))
    .map((f) => f.slice(0, -".meta.json".length))
    .sort();
}

export function loadCorpusRun(dir: string, name: string): CorpusRun {
  const meta = JSON.parse(readFileSync(join(dir, `${name}.meta.json`), "utf8"));
  const env: Record<string, string> = {};
  for (const key of INGEST_ENV) {
    const value = meta.env?.[key];
    if (typeof value === "string") env[key] = value;
  }
  const stderrPath = join(dir, `${name}.stderr.log`);
  const stderr = readFileSync(stderrPath, "utf8");
  const spansPath = join(dir, `${name}.spans.jsonl`);
  const truth = existsSync(spansPath) ? readSharedTruth(dir, name, spansPath) : readSlimTruth(dir, name);
  truth.sort((a, b) => (a.firstLine ?? 0) - (b.firstLine ?? 0));
  return { name, workload: meta.workload, env, stderrPath, stderr, truth };
}

function readJsonLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

function readSlimTruth(dir: string, name: string): TruthRecord[] {
  return readJsonLines(join(dir, `${name}.truth.jsonl`)) as unknown as TruthRecord[];
}

/** Truth rows of every process joined with their spans (`truth_file` + `seq`). */
function readSharedTruth(dir: string, name: string, spansPath: string): TruthRecord[] {
  const spans = new Map<string, Record<string, unknown>>();
  for (const span of readJsonLines(spansPath)) spans.set(`${span.truth_file}\u0000${span.seq}`, span);
  const files = readdirSync(dir).filter((f) => f.startsWith(`${name}.truth.jsonl`));
  const records: TruthRecord[] = [];
  for (const file of files) {
    for (const row of readJsonLines(join(dir, file))) {
      const span = spans.get(`${file}\u0000${row.seq}`);
      const printed = row.formatted !== "";
      records.push({
        seq: row.seq as number,
        logger: row.logger as string,
        levelname: row.levelname as string,
        levelno: row.levelno as number,
        artifact: (row.artifact as string | null) ?? null,
        traceId: (row.trace_id as string | null) ?? null,
        rank: (row.rank as number | null) ?? null,
        ...(printed &&
          span !== undefined && { firstLine: span.first_line as number, lastLine: span.last_line as number }),
        prefix: (row.prefix as string | null) ?? null,
        ...(row.prefix == null && { body: row.body as string }),
      });
    }
  }
  return records;
}

/** The message lines of each printed truth record, as ingest should give them back, in stderr order. */
export function truthMessageLines(run: CorpusRun): TruthMessageLine[][] {
  const stderrLines = run.stderr.split("\n");
  return run.truth.map((record, index) => {
    if (record.firstLine === undefined || record.lastLine === undefined) return [];
    if (record.prefix === null) {
      return (record.body ?? "").split("\n").map((text) => ({ text, record: index }));
    }
    const cut = record.prefix.length + 1;
    const lines: TruthMessageLine[] = [];
    for (let n = record.firstLine; n <= record.lastLine; n++) {
      lines.push({ text: (stderrLines[n - 1] ?? "").slice(cut), record: index });
    }
    return lines;
  });
}
