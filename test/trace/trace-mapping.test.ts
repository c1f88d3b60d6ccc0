// Envelopes → log records, spans and metric points, on the real files.
import { describe, expect, it } from "vitest";
import { COMPILE_METRICS } from "../../src/trace/compile-metric-names.ts";
import { toCompileMetricPoints } from "../../src/trace/to-compile-metric-points.ts";
import type { TraceEnvelope } from "../../src/trace/trace-envelope.ts";
import { readTrace } from "./read-trace-fixture.ts";

const nanos = ([s, n]: readonly [number, number]) => BigInt(s) * 1_000_000_000n + BigInt(n);

describe("time", () => {
  it("infers year and UTC offset from the chromium events (simple.log: UTC−8, December 2024)", () => {
    const { logs, mapper } = readTrace("simple.log");
    expect(mapper.clock.utcOffsetMinutes).toBe(-480);
    // Prefix `V1206 15:18:20.254000` of dynamo_start = 2024-12-06T23:18:20.254Z.
    const start = logs.find((r) => r.eventName === "dynamo_start");
    expect(start?.timestamp).toEqual([Date.UTC(2024, 11, 6, 23, 18, 20) / 1000, 254_000_000]);
  });

  it("uses the fallback for a file without chromium events (comp_metrics.log)", () => {
    const { logs, mapper } = readTrace("comp_metrics.log");
    expect(mapper.clock.inferred).toBe(false);
    // Fallback of readTrace: year 2024, UTC. Prefix V0403 07:28:48.
    expect(new Date((logs[0]?.timestamp?.[0] ?? 0) * 1000).toISOString()).toMatch(/^2024-04-03T07:28:4/);
  });
});

describe("log records", () => {
  it("have the event name, the compile id in PyTorch's form, the rank and the payload as body", () => {
    const { logs } = readTrace("comp_metrics.log");
    const metrics = logs.filter((r) => r.eventName === "compilation_metrics");
    expect(metrics.map((r) => r.attributes["torch.compile_id"])).toEqual(["0/0_1", "1/0_1", "2/0"]);
    const start = logs.find((r) => r.eventName === "dynamo_start");
    expect(start?.attributes["code.stacktrace"]).toMatch(/^ {2}File "\/.*", line \d+, in /);
    expect(start?.scope).toBe("torch._dynamo.convert_frame");
    expect(start?.severityText).toBe("DEBUG");
    // No `compiled_autograd_id` key, no `rank` key in this file: no such attributes.
    expect(start?.attributes).not.toHaveProperty("torch.compile.compiled_autograd_id");
    expect(start?.attributes).not.toHaveProperty("torch.rank");
    const graph = logs.find((r) => r.eventName === "dynamo_output_graph");
    expect(graph?.body.startsWith("class GraphModule(torch.nn.Module):")).toBe(true);
    expect(graph?.attributes["torch.artifact"]).toBe("graph_code");
  });

  it("without a whole compile id (frame_id but no frame_compile_id) are counted as without one", () => {
    const text =
      'V1206 15:18:20.252000 1500233 torch/_dynamo/convert_frame.py:1288] {"dynamo_start": {}, "frame_id": 0}\n' +
      'V1206 15:18:20.253000 1500233 torch/_dynamo/convert_frame.py:1288] {"dynamo_start": {}, "frame_id": 0, "frame_compile_id": 0}\n';
    const { logs, mapper } = readTrace("partial_compile_id.log", { text });
    expect(logs.map((r) => r.attributes["torch.compile_id"])).toEqual([undefined, "0/0"]);
    expect(mapper.withoutCompileId).toBe(1);
  });

  it("treat compiled_autograd_id null as absent (simple.log)", () => {
    for (const r of readTrace("simple.log").logs) {
      expect(r.attributes).not.toHaveProperty("torch.compile.compiled_autograd_id");
    }
  });
});

describe("spans", () => {
  const { spans, spanStats } = readTrace("multi_rank_schedule/dedicated_log_torch_trace_rank_0_6u3fubwl.log");

  it("pair every B with its E, helper threads' interleaved compile_file spans included", () => {
    expect(spanStats).toMatchObject({ unmatchedEnds: 0, unclosed: 0, badEvents: 0 });
    expect(spans.filter((s) => s.name === "compile_file")).toHaveLength(6);
    for (const s of spans) expect(nanos(s.endTime) >= nanos(s.startTime)).toBe(true);
  });

  it("make one trace per compile, with the dynamo span as root and parents by time containment", () => {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const roots = spans.filter((s) => s.parentSpanId === undefined);
    expect(roots.map((s) => [s.name, s.attributes["torch.compile_id"]])).toEqual([
      ["dynamo", "0/0"],
      ["dynamo", "1/0"],
    ]);
    for (const s of spans) {
      const parent = s.parentSpanId === undefined ? undefined : byId.get(s.parentSpanId);
      if (s.parentSpanId !== undefined) expect(parent?.traceId).toBe(s.traceId);
      if (parent !== undefined && s.name !== "compile_file") {
        expect(nanos(parent.startTime) <= nanos(s.startTime)).toBe(true);
        expect(nanos(s.endTime) <= nanos(parent.endTime)).toBe(true);
      }
    }
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(2);
    expect(byId.get(spans.find((s) => s.name === "entire_frame_compile")?.parentSpanId ?? "")?.name).toBe(
      "dynamo",
    );
  });

  it("put instant events on the innermost enclosing span", () => {
    const withEvents = spans.filter((s) => s.events.length > 0);
    expect(withEvents.map((s) => [s.name, s.events.map((e) => e.name)])).toEqual(
      expect.arrayContaining([["fx_codegen_and_compile", ["fx_graph_cache_disabled"]]]),
    );
  });
});

describe("compile metrics", () => {
  const names = new Set<string>(Object.values(COMPILE_METRICS).map((m) => m.name));

  it("emit only the contract's names, with torch.rank on every point", () => {
    const { metrics } = readTrace("multi_rank_schedule/dedicated_log_torch_trace_rank_2.log");
    expect(metrics.length).toBeGreaterThan(0);
    for (const p of metrics) {
      expect(names.has(p.name)).toBe(true);
      expect(p.attributes["torch.rank"]).toBe(2);
    }
  });

  it("read µs fields in seconds and never add the legacy _s field beside them (simple.log)", () => {
    const { metrics } = readTrace("simple.log");
    const durations = metrics.filter((p) => p.name === "torch.compile.duration");
    const phases = durations.map((p) => p.attributes["torch.compile.phase"]);
    expect(new Set(phases).size).toBe(phases.length);
    expect(durations.find((p) => p.attributes["torch.compile.phase"] === "dynamo")?.value).toBe(1.659332);
    expect(metrics.filter((p) => p.name === "torch.compile.frames").map((p) => p.value)).toEqual([1]);
    expect(
      metrics
        .filter((p) => p.name === "torch.compile.cache.requests")
        .map((p) => [p.attributes["torch.compile.cache.name"], p.attributes["torch.compile.cache.result"]]),
    ).toEqual([["fx_graph", "miss"]]);
  });

  it("fall back to the legacy seconds fields and count graph breaks from restart reasons (2024-04 log)", () => {
    const { metrics } = readTrace("comp_metrics.log");
    const dynamo = metrics.filter(
      (p) => p.name === "torch.compile.duration" && p.attributes["torch.compile.phase"] === "dynamo",
    );
    expect(dynamo).toHaveLength(3);
    expect(dynamo[0]?.value).toBeCloseTo(0.012439489364624023, 12);
    const breaks = metrics.filter((p) => p.name === "torch.compile.graph_breaks").map((p) => p.value);
    expect(breaks).toEqual([1, 1, 0]);
  });

  it("count failures by fail_type and recompiles by frame_compile_id", () => {
    const envelope = {
      key: "compilation_metrics",
      metadata: { fail_type: "BackendCompilerFailed", fail_reason: "boom", num_graph_breaks: 2 },
      fields: { frame_id: 3, frame_compile_id: 1 },
    } as unknown as TraceEnvelope;
    const points = toCompileMetricPoints(envelope, 5).map((p) => [p.name, p.value, p.attributes]);
    expect(points).toEqual([
      ["torch.compile.frames", 1, { "torch.rank": 5 }],
      ["torch.compile.graph_breaks", 2, { "torch.rank": 5 }],
      ["torch.compile.recompiles", 1, { "torch.rank": 5 }],
      ["torch.compile.failures", 1, { "torch.rank": 5, "torch.compile.fail_type": "BackendCompilerFailed" }],
    ]);
  });
});
