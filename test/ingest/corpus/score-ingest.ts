// Scores what `ingest --format jsonl` made of one corpus run against the run's ground truth:
// - content: truth lines reproduced in order with the right severity, artifact and text;
// - component: of those, the share whose scope maps to the same registered component as the truth logger;
// - multi-line whole: multi-line truth records whose lines all come out inside one record;
// - records exact: truth records that come out as exactly one record holding only their lines.
import { selfAndAncestors } from "../../../src/language/names.ts";
import { torchRegistry } from "../../../src/language/torch-registry.ts";
import { type CorpusRun, truthMessageLines } from "./load-corpus-run.ts";

/** One line of `ingest --format jsonl` output, the fields scored. */
export interface IngestedRecord {
  readonly timeUnixNano: string;
  readonly severityNumber: number;
  readonly severityText: string | null;
  readonly scope: string;
  readonly body: string | null;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface Counts {
  truthLines: number;
  contentLines: number;
  componentLines: number;
  multiLineRecords: number;
  multiLineWhole: number;
  truthRecords: number;
  exactRecords: number;
}

export interface Scores {
  readonly content: number;
  readonly component: number;
  readonly multiLineWhole: number;
  readonly recordsExact: number;
}

/** How far ahead of the last match a truth line is looked for in the output. */
const WINDOW = 400;

interface OutLine {
  readonly text: string;
  readonly severity: string;
  readonly artifact: unknown;
  readonly record: number;
}

export function emptyCounts(): Counts {
  return {
    truthLines: 0,
    contentLines: 0,
    componentLines: 0,
    multiLineRecords: 0,
    multiLineWhole: 0,
    truthRecords: 0,
    exactRecords: 0,
  };
}

export function addCounts(into: Counts, add: Counts): Counts {
  for (const key of Object.keys(into) as (keyof Counts)[]) into[key] += add[key];
  return into;
}

export function scoresOf(c: Counts): Scores {
  const share = (n: number, of: number) => (of === 0 ? 1 : n / of);
  return {
    content: share(c.contentLines, c.truthLines),
    component: share(c.componentLines, c.contentLines),
    multiLineWhole: share(c.multiLineWhole, c.multiLineRecords),
    recordsExact: share(c.exactRecords, c.truthRecords),
  };
}

/** The severityText ingest should give a Python level name (the OTel Python handler writes WARN). */
function expectedSeverity(levelname: string): string {
  return levelname === "WARNING" ? "WARN" : levelname;
}

/**
 * The registered component a logger or scope name falls under: the nearest registered qualified name at or
 * above it, where PyTorch registers the run's TORCH_LOGS module names too.
 */
export function componentResolver(torchLogs: string | undefined): (name: string) => string {
  const registry = torchRegistry();
  const registered = new Set(registry.qualifiedNames.keys());
  for (const raw of (torchLogs ?? "").split(",")) {
    const item = raw.trim().replace(/^[+-]/, "");
    if (item === "" || item === "all" || registry.aliases.has(item) || registry.artifacts.has(item)) continue;
    registered.add(item);
  }
  return (name) => {
    const logger = name.replace(/\.__\w+$/, "");
    for (const candidate of selfAndAncestors(logger)) if (registered.has(candidate)) return candidate;
    return "(unregistered)";
  };
}

export function scoreRun(run: CorpusRun, output: readonly IngestedRecord[]): Counts {
  const componentOf = componentResolver(run.env.TORCH_LOGS);
  const out: OutLine[] = [];
  const outLineCounts: number[] = [];
  output.forEach((record, index) => {
    const lines = record.severityText === null ? [] : String(record.body ?? "").split("\n");
    outLineCounts.push(lines.length);
    for (const text of lines) {
      out.push({
        text,
        severity: record.severityText ?? "",
        artifact: record.attributes["torch.artifact"] ?? null,
        record: index,
      });
    }
  });
  const counts = emptyCounts();
  let next = 0;
  for (const [index, lines] of truthMessageLines(run).entries()) {
    const truth = run.truth[index];
    if (truth === undefined || lines.length === 0) continue;
    const severity = expectedSeverity(truth.levelname);
    const matchedRecords: number[] = [];
    for (const line of lines) {
      counts.truthLines++;
      const end = Math.min(out.length, next + WINDOW);
      for (let j = next; j < end; j++) {
        const o = out[j];
        if (
          o === undefined ||
          o.text !== line.text ||
          o.severity !== severity ||
          o.artifact !== truth.artifact
        )
          continue;
        counts.contentLines++;
        const scope = output[o.record]?.scope ?? "";
        if (componentOf(scope) === componentOf(truth.logger)) counts.componentLines++;
        matchedRecords.push(o.record);
        next = j + 1;
        break;
      }
    }
    const whole =
      matchedRecords.length === lines.length && matchedRecords.every((r) => r === matchedRecords[0]);
    counts.truthRecords++;
    if (lines.length > 1) {
      counts.multiLineRecords++;
      if (whole) counts.multiLineWhole++;
    }
    if (whole && outLineCounts[matchedRecords[0] ?? -1] === lines.length) counts.exactRecords++;
  }
  return counts;
}

export function parseJsonLines(text: string): IngestedRecord[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as IngestedRecord);
}

const percent = (x: number) => `${(x * 100).toFixed(2).padStart(6)} %`;

/** A table of the scores, one row per run and a total. */
export function formatScoreTable(rows: readonly { name: string; counts: Counts }[]): string {
  const total = emptyCounts();
  const lines = [`${"run".padEnd(28)} lines records   content component  ml-whole     exact`];
  for (const { name, counts } of rows) {
    addCounts(total, counts);
    lines.push(formatRow(name, counts));
  }
  lines.push(formatRow("TOTAL", total));
  return lines.join("\n");
}

function formatRow(name: string, c: Counts): string {
  const s = scoresOf(c);
  return (
    `${name.padEnd(28)} ${String(c.truthLines).padStart(5)} ${String(c.truthRecords).padStart(7)}  ` +
    `${percent(s.content)}   ${percent(s.component)}   ${percent(s.multiLineWhole)}   ${percent(s.recordsExact)}`
  );
}
