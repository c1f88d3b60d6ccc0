// Reads a fixture through TraceFileMapper in small chunks (so line and payload boundaries fall anywhere).
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { RankSummary } from "../../src/trace/rank-summary.ts";
import { rankFromFileName } from "../../src/trace/to-trace-log-record.ts";
import { TraceFileMapper, type TraceOutput } from "../../src/trace/trace-file-mapper.ts";

export const FIXTURES = join(import.meta.dirname, "..", "fixtures", "torch-trace");

/** The real trace files that have chromium events: what the benchmark and the memory test repeat. */
export const TRACE_FILES_WITH_SPANS = [
  "simple.log",
  "inductor_provenance_jit_log.txt",
  "multi_rank_schedule/dedicated_log_torch_trace_rank_0_6u3fubwl.log",
  "multi_rank_schedule/dedicated_log_torch_trace_rank_1_n8zycf07.log",
  "multi_rank_schedule/dedicated_log_torch_trace_rank_2.log",
] as const;

export function readTrace(
  path: string,
  options: { chunk?: number; text?: string; rankSummary?: (rank: number) => RankSummary } = {},
) {
  const fileName = basename(path);
  const rank = rankFromFileName(fileName);
  const mapper = new TraceFileMapper({
    file: { fileName, ...(rank !== undefined && { rank }) },
    fallback: () => ({ utcOffsetMinutes: 0, year: 2024, reference: Date.UTC(2025, 0, 1) }),
    ...(options.rankSummary !== undefined && { rankSummary: options.rankSummary }),
  });
  const text = options.text ?? readFileSync(path.startsWith("/") ? path : join(FIXTURES, path), "utf8");
  const chunk = options.chunk ?? 997;
  const out: TraceOutput = { logs: [], spans: [], metrics: [] };
  const add = (o: TraceOutput) => {
    out.logs.push(...o.logs);
    out.spans.push(...o.spans);
    out.metrics.push(...o.metrics);
  };
  for (let at = 0; at < text.length; at += chunk) add(mapper.push(text.slice(at, at + chunk)));
  add(mapper.end());
  return { ...out, mapper, stats: mapper.reader.stats, spanStats: mapper.spans.stats };
}
