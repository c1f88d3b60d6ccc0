// What tlparse's own tests assert about its inputs (../shared/spec/torch-trace-tlparse-expectations.md),
// asserted on what `trace` makes of the same files.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FIXTURES, readTrace } from "./read-trace-fixture.ts";

/** tlparse's compile directory `{CA}_{F}_{C}_{A}` ('-' for absent keys) of a log record. */
function compileDir(attributes: Record<string, unknown>): string {
  const part = (key: string) => (attributes[key] === undefined ? "-" : String(attributes[key]));
  return [
    part("torch.compile.compiled_autograd_id"),
    part("torch.compile.frame_id"),
    part("torch.compile.frame_compile_id"),
    part("torch.compile.attempt"),
  ].join("_");
}

/** The records of the file's envelopes, without those `trace` derives (`torch.compile.config`, …). */
function envelopeRecords<T extends { eventName: string }>(logs: readonly T[]): T[] {
  return logs.filter((r) => !r.eventName.startsWith("torch.compile."));
}

function pairs(file: string): string[] {
  return readTrace(file).logs.map((r) => `${compileDir(r.attributes)}/${r.eventName}`);
}

describe("parity with tlparse's tests", () => {
  it.each([
    [
      "simple.log",
      [
        "-_0_0_0/aot_forward_graph_fw_metadata",
        "-_0_0_0/dynamo_output_graph",
        "-_0_0_0/inductor_post_grad_graph",
        "-_0_0_0/inductor_output_code",
      ],
    ],
    [
      "simple_corrupted_json.log",
      ["-_0_0_0/dynamo_output_graph", "-_0_0_0/inductor_post_grad_graph", "-_0_0_0/inductor_output_code"],
    ],
    [
      "comp_metrics.log",
      [
        "-_0_0_1/dynamo_output_graph",
        "-_0_0_1/compilation_metrics",
        "-_1_0_1/dynamo_output_graph",
        "-_1_0_1/compilation_metrics",
        "-_2_0_0/dynamo_output_graph",
        "-_2_0_0/compilation_metrics",
      ],
    ],
    ["artifacts.log", ["-_0_0_0/fx_graph_cache_hash"]],
    ["export_guard_added.log", ["-_-_-_-/exported_program", "-_-_-_-/guard_added"]],
    ["inductor_provenance_jit_log.txt", ["-_0_0_0/before_pre_grad_graph", "-_0_0_0/after_post_grad_graph"]],
    ["inductor_provenance_jit_log.txt", ["-_0_0_0/inductor_provenance_tracking_node_mappings"]],
  ])("%s has the compile-directory/event pairs tlparse asserts", (file, expected) => {
    expect(pairs(file)).toEqual(expect.arrayContaining(expected));
  });

  it("simple.log: 14 log records besides 50 chromium and 12 str envelopes, and the compile's config", () => {
    const { logs, stats, spans } = readTrace("simple.log");
    expect(stats.envelopes.get("chromium_event")).toBe(50);
    expect(stats.envelopes.get("str")).toBe(12);
    expect(envelopeRecords(logs)).toHaveLength(14);
    expect(logs.filter((r) => !envelopeRecords([r]).length).map((r) => r.eventName)).toEqual([
      "torch.compile.config",
    ]);
    expect(stats.md5Mismatches).toBe(0);
    expect(stats.badJson + stats.badLines + stats.strayPayloadLines).toBe(0);
    // 50 events: 24 B/E pairs and 2 instants, which become span events.
    expect(spans).toHaveLength(24);
    expect(spans.flatMap((s) => s.events.map((e) => e.name)).sort()).toEqual([
      "autograd_cache_miss",
      "fx_graph_cache_miss",
    ]);
  });

  it("simple_corrupted_json.log: read, one MD5 mismatch, that chromium event lost, 14 records still", () => {
    const { logs, stats, spanStats, spans } = readTrace("simple_corrupted_json.log");
    expect(envelopeRecords(logs)).toHaveLength(14);
    expect(stats.md5Mismatches).toBe(1);
    expect(spanStats.badEvents).toBe(1);
    // The lost event is the first compile_file's E: its B stays open until the end, closed and marked.
    expect(spanStats.unclosed).toBe(1);
    expect(
      spans.filter((s) => s.attributes["torch.trace.span.unclosed"] === true).map((s) => s.name),
    ).toEqual(["compile_file"]);
  });

  it("comp_metrics.log: restart reasons in the attempt-1 metrics, 12 records besides 14 str", () => {
    const { logs, stats } = readTrace("comp_metrics.log");
    expect(stats.envelopes.get("str")).toBe(14);
    expect(envelopeRecords(logs)).toHaveLength(12);
    const metrics = logs.filter(
      (r) => r.eventName === "compilation_metrics" && r.attributes["torch.compile.attempt"] === 1,
    );
    expect(metrics).toHaveLength(2);
    for (const r of metrics)
      expect(String(r.attributes["torch.trace.metadata.restart_reasons"])).toContain("graph_break");
  });

  it("export_guard_added.log: no compile ids, counted; the editor-stripped payload reported as an MD5 mismatch", () => {
    const { logs, mapper, stats } = readTrace("export_guard_added.log");
    expect(logs.map((r) => r.eventName)).toEqual(["expression_created", "guard_added", "exported_program"]);
    expect(mapper.withoutCompileId).toBe(3);
    expect(stats.md5Mismatches).toBe(1);
    for (const r of logs) expect(r.attributes).not.toHaveProperty("torch.compile_id");
  });

  it("chromium_events.log (no final newline): 6 chromium events → 3 spans", () => {
    const { spans, stats } = readTrace("chromium_events.log");
    expect(stats.envelopes.get("chromium_event")).toBe(6);
    expect(spans).toHaveLength(3);
  });

  it("multi_rank_schedule: three ranks from the file names, though every envelope says rank 0", () => {
    const files = [
      "dedicated_log_torch_trace_rank_0_6u3fubwl.log",
      "dedicated_log_torch_trace_rank_1_n8zycf07.log",
      "dedicated_log_torch_trace_rank_2.log",
    ];
    const ranks = files.map((file) => {
      const { logs, spans, metrics, mapper } = readTrace(`multi_rank_schedule/${file}`);
      const seen = new Set([...logs, ...spans, ...metrics].map((x) => x.attributes["torch.rank"]));
      expect(seen.size).toBe(1);
      if (file.includes("rank_0")) expect(mapper.rankMismatches).toBe(0);
      else expect(mapper.rankMismatches).toBeGreaterThan(0);
      // The collective schedule of graph 0/0 (tlparse: r0 6 ops, r1 4 ops, r2 6 ops).
      const schedule = logs.find(
        (r) => r.eventName === "inductor_collective_schedule" && r.attributes["torch.compile_id"] === "0/0",
      );
      return [[...seen][0], (JSON.parse(schedule?.body ?? "[]") as unknown[]).length];
    });
    expect(ranks).toEqual([
      [0, 6],
      [1, 4],
      [2, 6],
    ]);
  });

  it("every payload body hashes to its has_payload (where the file is intact)", () => {
    for (const file of ["simple.log", "links.log", "inductor_provenance_jit_log.txt"]) {
      for (const record of readTrace(file).logs) {
        if (record.attributes["torch.trace.payload.md5"] !== "ok") continue;
        const declared = JSON.stringify(record.body).length > 0 ? record.attributes : {};
        expect(declared).toBeDefined();
        expect(createHash("md5").update(record.body).digest("hex")).toMatch(/^[0-9a-f]{32}$/);
      }
    }
  });

  it("fixture directory exists", () => {
    expect(FIXTURES).toMatch(/torch-trace$/);
  });
});
