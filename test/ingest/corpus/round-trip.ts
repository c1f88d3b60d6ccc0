// The way out: what `ingest --format jsonl` made of a corpus run, formatted back with PyTorch's console
// format (formatTorchLogLines, as TorchConsoleLogRecordExporter does), next to the torch lines of stderr.
import { formatTorchLogLines } from "../../../src/console/format-torch-line.ts";
import { parseTorchLogsFormat } from "../../../src/console/parse-torch-logs-format.ts";
import type { CorpusRun } from "./load-corpus-run.ts";
import type { IngestedRecord } from "./score-ingest.ts";

/** The stderr lines PyTorch's handlers wrote (every truth record's lines), in order. */
export function torchLinesOf(run: CorpusRun): string[] {
  const stderr = run.stderr.split("\n");
  const lines: string[] = [];
  for (const record of run.truth) {
    if (record.firstLine === undefined || record.lastLine === undefined) continue;
    lines.push(...stderr.slice(record.firstLine - 1, record.lastLine));
  }
  return lines;
}

/** The ingested torch records printed again, one entry per line. */
export function reprint(run: CorpusRun, records: readonly IngestedRecord[]): string[] {
  const custom = run.env.TORCH_LOGS_FORMAT;
  const format = custom === undefined || custom === "" ? undefined : parseTorchLogsFormat(custom);
  const lines: string[] = [];
  for (const record of records) {
    if (record.severityText === null) continue;
    const nanos = BigInt(record.timeUnixNano);
    const text = formatTorchLogLines(
      {
        hrTime: [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)],
        severityText: record.severityText,
        severityNumber: record.severityNumber,
        body: record.body,
        attributes: record.attributes,
        instrumentationScope: { name: record.scope },
      },
      { pid: 0, utc: true, ...(format !== undefined && { format }) },
    );
    if (text !== undefined) lines.push(...text.split("\n"));
  }
  return lines;
}

/** How much of stderr's torch lines the records give back when printed again. */
export interface RoundTripCounts {
  /** stderr's torch lines. */
  readonly lines: number;
  /** Of those, the ones printed again (as a multiset: each printed line counts once). */
  readonly reproduced: number;
  /** Whether the printed lines are stderr's torch lines, in order, byte for byte. */
  readonly exact: boolean;
}

/** The round trip of one run's records: what {@link reprint} gives back of {@link torchLinesOf}. */
export function scoreRoundTrip(run: CorpusRun, records: readonly IngestedRecord[]): RoundTripCounts {
  const expected = torchLinesOf(run);
  const printed = reprint(run, records);
  const left = new Map<string, number>();
  for (const line of printed) left.set(line, (left.get(line) ?? 0) + 1);
  let reproduced = 0;
  for (const line of expected) {
    const n = left.get(line) ?? 0;
    if (n > 0) {
      reproduced++;
      left.set(line, n - 1);
    }
  }
  const exact = printed.length === expected.length && printed.every((line, i) => line === expected[i]);
  return { lines: expected.length, reproduced, exact };
}
