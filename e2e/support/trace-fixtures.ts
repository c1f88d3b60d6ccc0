// The TORCH_TRACE inputs the suite sends: every shared tlparse input copied into test/fixtures/torch-trace (files
// and the multi-rank directory) and a PyTorch 2.15 run with graph breaks, and an independent reading of their compilation metrics, straight from the
// JSON envelopes, to check what the stores hold against the files themselves rather than against `trace`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export const TRACE_FIXTURES = new URL("../../test/fixtures/torch-trace/", import.meta.url).pathname;

/** A PyTorch 2.15 run whose graph breaks name their user frames (torch.compile.graph_break.occurrences). */
export const GRAPH_BREAK_RUN = new URL("../../test/fixtures/torch-trace-2.15/graph_break", import.meta.url)
  .pathname;

/** Paths (files and directories) under test/fixtures/torch-trace that are TORCH_TRACE inputs, and GRAPH_BREAK_RUN. */
export function traceInputs(): string[] {
  return [
    ...readdirSync(TRACE_FIXTURES)
      .filter((name) => name !== "README.md")
      .map((name) => join(TRACE_FIXTURES, name)),
    GRAPH_BREAK_RUN,
  ].sort();
}

function traceFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.startsWith("dedicated_log_torch_trace"))
    .map((name) => join(path, name));
}

/** Every `compilation_metrics` object of the input's files, read from the envelope lines. */
export function compilationMetricsOf(path: string): Record<string, unknown>[] {
  const metrics: Record<string, unknown>[] = [];
  for (const file of traceFiles(path)) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      // An envelope line: the glog header, "] ", then one JSON object. Payload lines start with a tab.
      const start = line.indexOf("] {");
      if (line.startsWith("\t") || start === -1) continue;
      let envelope: Record<string, unknown>;
      try {
        envelope = JSON.parse(line.slice(start + 2)) as Record<string, unknown>;
      } catch {
        continue; // the corrupted-JSON fixture has such lines on purpose
      }
      const value = envelope.compilation_metrics;
      if (typeof value === "object" && value !== null) metrics.push(value as Record<string, unknown>);
    }
  }
  return metrics;
}

/** Seconds of a phase in one metrics object: the µs field when PyTorch wrote it, else the legacy seconds field. */
export function phaseSeconds(metrics: Record<string, unknown>, micros: string, seconds: string): number {
  const us = metrics[micros];
  if (typeof us === "number") return us / 1e6;
  const s = metrics[seconds];
  return typeof s === "number" ? s : 0;
}
