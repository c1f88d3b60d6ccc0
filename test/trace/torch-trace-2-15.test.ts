// TORCH_TRACE directories recorded from real PyTorch 2.15.0 (tools/pytorch/corpus/run_corpus.py: graph breaks,
// recompiles, dynamic shapes, inductor on CPU, a compile error, set_logs, two gloo ranks, the compile-worker
// sidecar), read whole by the trace reader: every line is read, every payload checks against its MD5, chromium
// events balance, ranks come from the file names, and the kinds 2.15 writes are there to be read (that none is of
// a kind `trace` does not know: trace-event-kinds.test.ts).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTrace } from "./read-trace-fixture.ts";

const DIR = join(import.meta.dirname, "..", "fixtures", "torch-trace-2.15");
const runs = readdirSync(DIR).sort();

function traceFiles(run: string): string[] {
  return readdirSync(join(DIR, run)).filter((f) => f.startsWith("dedicated_log_torch_trace_"));
}

describe("TORCH_TRACE from PyTorch 2.15.0", () => {
  it("has the recorded runs, each from torch 2.15.0 with a clean exit", () => {
    expect(runs.length).toBeGreaterThanOrEqual(8);
    for (const run of runs) {
      const meta = JSON.parse(readFileSync(join(DIR, run, "meta.json"), "utf8"));
      expect([run, meta.torch_version.startsWith("2.15.0"), meta.exit_code]).toEqual([run, true, 0]);
      expect(Object.keys(meta.files).sort()).toEqual(traceFiles(run).sort());
    }
  });

  it.each(runs.flatMap((run) => traceFiles(run).map((f) => [`${run}/${f}`, join(DIR, run, f)] as const)))(
    "%s: every line read, every payload intact, chromium events balanced",
    (_name, path) => {
      const { logs, stats, spanStats } = readTrace(path);
      const envelopes = [...stats.envelopes.values()].reduce((a, b) => a + b, 0);
      expect(envelopes).toBeGreaterThan(0);
      expect({
        badJson: stats.badJson,
        badLines: stats.badLines,
        strayPayloadLines: stats.strayPayloadLines,
        md5Mismatches: stats.md5Mismatches,
        badEvents: spanStats.badEvents,
        unmatchedEnds: spanStats.unmatchedEnds,
        unclosed: spanStats.unclosed,
      }).toEqual({
        badJson: 0,
        badLines: 0,
        strayPayloadLines: 0,
        md5Mismatches: 0,
        badEvents: 0,
        unmatchedEnds: 0,
        unclosed: 0,
      });
      expect(logs.length).toBeGreaterThan(0);
    },
  );

  it("gives each rank's records the rank of its file", () => {
    const files = traceFiles("dist_gloo").sort();
    expect(files.map((f) => /_rank_(\d+)_/.exec(f)?.[1])).toEqual(["0", "1"]);
    files.forEach((file, rank) => {
      const { logs } = readTrace(join(DIR, "dist_gloo", file));
      expect(new Set(logs.map((r) => r.attributes["torch.rank"]))).toEqual(new Set([rank]));
    });
  });

  it("holds the kinds 2.15 writes: torch_version, compile_worker_status, compile_worker_sidecar_death", () => {
    const names = new Set<string>();
    for (const run of runs) {
      for (const file of traceFiles(run)) {
        for (const record of readTrace(join(DIR, run, file)).logs) names.add(record.eventName);
      }
    }
    for (const name of [
      "torch_version",
      "compile_worker_status",
      "compile_worker_sidecar_death",
      "dynamo_start",
      "dynamo_output_graph",
      "dynamo_cpp_guards_str",
      "recompile_reasons",
      "dynamo_graph_break_reason",
      "dynamo_error",
      "create_symbol",
      "inductor_output_code",
      "compilation_metrics",
    ]) {
      expect([name, names.has(name)]).toEqual([name, true]);
    }
  });
});
