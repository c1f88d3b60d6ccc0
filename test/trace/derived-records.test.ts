// The records `trace` derives from a file besides one per envelope: the distinct graph breaks (tlparse #118)
// and the configuration in effect for each compile (tlparse #73), on real files.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { graphBreakOfReason, graphBreakOfRestart } from "../../src/trace/graph-break-summary.ts";
import { readTrace } from "./read-trace-fixture.ts";
import { traceRecord } from "./trace-lines.ts";

const RECORDED = join(import.meta.dirname, "..", "fixtures", "torch-trace-2.15");
const DIST_RANK_0 = join(RECORDED, "dist_gloo", "dedicated_log_torch_trace_rank_0_c1bi0vq_.log");
const GRAPH_BREAK = join(RECORDED, "graph_break", "dedicated_log_torch_trace_takmlc6x.log");

function summaries(path: string) {
  const { logs, metrics } = readTrace(path);
  const records = logs.filter((r) => r.eventName === "torch.compile.graph_break_summary");
  const points = metrics.filter((m) => m.name === "torch.compile.graph_break.occurrences");
  return { records, points };
}

describe("graph-break summary", () => {
  it.each([
    [
      'Graph break in user code at /w.py:15\nGraph Break Reason: Encountered graph break when attempting to trace CALL: a function call, e.g. f(x, y):\n\nFailed to trace builtin operator\n  Explanation: …\n For more details about this graph break, please visit: https://meta-pytorch.github.io/compile-graph-break-site/gb/gb0059.html\n\nUser code traceback:\n  File "/w.py", line 15, in work',
      { title: "Failed to trace builtin operator", userFrame: "/w.py:15", id: "gb0059" },
    ],
    [
      "Graph break in user code at /m.py:19\nGraph Break Reason: Unsupported Tensor.item() call with capture_scalar_outputs=False",
      { title: "Unsupported Tensor.item() call with capture_scalar_outputs=False", userFrame: "/m.py:19" },
    ],
    ["Some other text", undefined],
  ])("reads a dynamo_graph_break_reason payload (%#)", (payload, expected) => {
    const graphBreak = graphBreakOfReason(payload);
    expect(graphBreak === undefined ? undefined : { ...graphBreak, reason: undefined }).toEqual(
      expected === undefined ? undefined : { ...expected, reason: undefined },
    );
  });

  it("takes a restart reason's first line, without a user frame", () => {
    expect(graphBreakOfRestart("'skip function graph_break in file /d.py'")).toEqual({
      title: "'skip function graph_break in file /d.py'",
      userFrame: "",
      reason: "'skip function graph_break in file /d.py'",
    });
  });

  it("gives one record per distinct graph break with its count and first and last compile (2.15, rank 0)", () => {
    const { records, points } = summaries(DIST_RANK_0);
    expect(records.map((r) => r.attributes)).toEqual([
      expect.objectContaining({
        "torch.rank": 0,
        "torch.artifact": "graph_breaks",
        "torch.compile.graph_break.reason": "Failed to trace builtin operator",
        "torch.compile.graph_break.user_frame": expect.stringMatching(/\/w_dist_gloo\.py:15$/),
        "torch.compile.graph_break.count": 2,
        "torch.compile.graph_break.first_compile_id": "0/0",
        "torch.compile.graph_break.last_compile_id": "0/1",
        "torch.compile.graph_break.id": "gb0059",
      }),
    ]);
    expect(records[0]?.severityText).toBe("WARN");
    expect(records[0]?.body).toMatch(/^Graph break ×2 at .*w_dist_gloo\.py:15 \(compiles 0\/0 … 0\/1\): /);
    expect(points.map((p) => [p.value, p.attributes["torch.rank"]])).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });

  it("lists the most frequent first and does not count a 2.15 file's restart reasons again", () => {
    const { records, points } = summaries(GRAPH_BREAK);
    expect(
      records.map((r) => [
        r.attributes["torch.compile.graph_break.reason"],
        r.attributes["torch.compile.graph_break.count"],
      ]),
    ).toEqual([
      ["Failed to trace builtin operator", 1],
      ["Unsupported Tensor.item() call with capture_scalar_outputs=False", 1],
    ]);
    // Two artifacts; the restart reasons of the same graph breaks (and TensorifyScalarRestartAnalysis) not added.
    expect(points).toHaveLength(2);
  });

  it("counts restart reasons in a file without graph-break artifacts (comp_metrics.log, 2024)", () => {
    const { records, points } = summaries("comp_metrics.log");
    expect(
      records.map((r) => [
        r.attributes["torch.compile.graph_break.reason"],
        r.attributes["torch.compile.graph_break.count"],
        r.attributes["torch.compile.graph_break.user_frame"],
      ]),
    ).toEqual([
      ["'skip function graph_break in file /data/users/jjwu/a/pytorch/torch/_dynamo/decorators.py'", 2, ""],
    ]);
    expect(points).toHaveLength(2);
  });

  it("gives none for a file without graph breaks (simple.log)", () => {
    expect(summaries("simple.log").records).toEqual([]);
  });
});

describe("configuration per compile", () => {
  it("gives each compile of a 2.15 run a config record linked to its compile, with every module's settings", () => {
    const { logs } = readTrace(join(RECORDED, "set_logs", "dedicated_log_torch_trace_me0luk18.log"));
    const metrics = logs.filter((r) => r.eventName === "compilation_metrics");
    const configs = logs.filter((r) => r.eventName === "torch.compile.config");
    expect(configs.map((r) => r.attributes["torch.compile_id"])).toEqual(
      metrics.map((r) => r.attributes["torch.compile_id"]),
    );
    for (const [i, config] of configs.entries()) {
      expect(config.spanContext).toEqual(metrics[i]?.spanContext);
      const body = JSON.parse(config.body) as Record<string, Record<string, unknown>>;
      expect(Object.keys(body).sort()).toEqual(["compiler", "dynamo", "functorch", "inductor"]);
      expect(body.dynamo?.recompile_limit).toBe(8);
      expect(Object.keys(body.inductor ?? {}).length).toBeGreaterThan(600);
      expect(config.attributes["torch.compile.config.hash"]).toMatch(/^[0-9a-f]{16}$/);
    }
    // One configuration for the whole run: the same hash, nothing changed after the first compile.
    expect(new Set(configs.map((r) => r.attributes["torch.compile.config.hash"])).size).toBe(1);
    expect(configs.map((r) => r.attributes["torch.compile.config.changed"])).toEqual([undefined, [], []]);
  });

  it("names the settings that changed since the previous compile, with their new values", () => {
    const metrics = (frame: number, config: Record<string, unknown>) =>
      traceRecord(
        JSON.stringify({
          compilation_metrics: {
            dynamo_config: JSON.stringify(config),
            inductor_config: '{"max_autotune": false}',
          },
          frame_id: frame,
          frame_compile_id: 0,
          attempt: 0,
        }),
      );
    const text =
      metrics(0, { recompile_limit: 8, verbose: false }) +
      metrics(1, { recompile_limit: 16, verbose: false, capture_scalar_outputs: true });
    const configs = readTrace("config.log", { text }).logs.filter(
      (r) => r.eventName === "torch.compile.config",
    );
    expect(configs[1]?.attributes).toMatchObject({
      "torch.compile_id": "1/0",
      "torch.compile.config.changed": ["dynamo.capture_scalar_outputs", "dynamo.recompile_limit"],
      "torch.compile.config.dynamo.recompile_limit": 16,
      "torch.compile.config.dynamo.capture_scalar_outputs": true,
    });
    expect(configs[1]?.attributes).not.toHaveProperty("torch.compile.config.dynamo.verbose");
    expect(configs[0]?.attributes["torch.compile.config.hash"]).not.toBe(
      configs[1]?.attributes["torch.compile.config.hash"],
    );
  });

  it("reads the few config flags releases without dynamo_config report, and gives none without any", () => {
    const text = traceRecord(
      '{"compilation_metrics": {"config_suppress_errors": true, "specialize_float": false}, "frame_id": 0, "frame_compile_id": 0}',
    );
    const [config] = readTrace("flags.log", { text }).logs.filter(
      (r) => r.eventName === "torch.compile.config",
    );
    expect(JSON.parse(config?.body ?? "{}")).toEqual({
      dynamo: { suppress_errors: true, specialize_float: false },
    });
    // comp_metrics.log (April 2024): metrics without any configuration.
    expect(readTrace("comp_metrics.log").logs.filter((r) => r.eventName === "torch.compile.config")).toEqual(
      [],
    );
  });
});
