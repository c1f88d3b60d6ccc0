// After `torch._dynamo.reset()` PyTorch numbers compiles from `0/0` again (issue 21, item 10): a compile id names
// a compile only between resets, and `trace` tells the compiles apart by the order of their `dynamo_start`s.
// The file is a real one: PyTorch 2.15.0 running tools/pytorch/corpus/workloads/w_compile_error.py, which compiles
// 0/0 and 1/0, calls torch._dynamo.reset() and compiles 0/0 again (test/fixtures/torch-trace-2.15/compile_error).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, readTrace } from "./read-trace-fixture.ts";
import { traceRecord } from "./trace-lines.ts";

const RESET_RUN = join(
  FIXTURES,
  "..",
  "torch-trace-2.15",
  "compile_error",
  "dedicated_log_torch_trace_x7tfxyfr.log",
);

describe("compiles after torch._dynamo.reset()", () => {
  it("are traces of their own, and their records link to them", () => {
    const { spans, logs, spanStats } = readTrace(RESET_RUN);
    // Each compile's spans, in file order: a trace per compile, the reset's 0/0 apart from the first.
    const traces = new Map<string, string[]>();
    for (const span of spans)
      traces.set(span.traceId, [
        ...(traces.get(span.traceId) ?? []),
        String(span.attributes["torch.compile_id"]),
      ]);
    expect([...traces.values()].map((ids) => [...new Set(ids)])).toEqual([["0/0"], ["1/0"], ["0/0"]]);
    expect([...traces.values()].map((ids) => ids.length)).toEqual([5, 7, 7]);
    const [first, second, third] = [...traces.keys()];
    // Each compile's records carry its trace and, after the reset, how many resets came before.
    const linked = logs
      .filter((log) => log.attributes["torch.compile_id"] !== undefined)
      .map((log) => [
        log.attributes["torch.compile_id"],
        log.spanContext?.traceId,
        log.attributes["torch.trace.dynamo_resets"] ?? 0,
      ]);
    expect(new Set(linked.map((entry) => JSON.stringify(entry)))).toEqual(
      new Set([
        JSON.stringify(["0/0", first, 0]),
        JSON.stringify(["1/0", second, 0]),
        JSON.stringify(["0/0", third, 1]),
      ]),
    );
    expect(
      spans
        .filter((span) => span.traceId === third)
        .every((s) => s.attributes["torch.trace.dynamo_resets"] === 1),
    ).toBe(true);
    expect(spanStats.unclosed).toBe(0);
  });

  it("keep the trace ids of a file without a reset", () => {
    const once = readTrace(
      join(FIXTURES, "multi_rank_schedule", "dedicated_log_torch_trace_rank_0_6u3fubwl.log"),
    );
    expect(once.spans.every((span) => span.attributes["torch.trace.dynamo_resets"] === undefined)).toBe(true);
    expect(once.logs.every((log) => log.attributes["torch.trace.dynamo_resets"] === undefined)).toBe(true);
  });

  it("are told apart in a file without chromium events too", () => {
    const start = (frame: number) =>
      traceRecord(
        `{"dynamo_start": {"stack": []}, "frame_id": ${frame}, "frame_compile_id": 0, "attempt": 0}`,
      );
    const text = start(0) + start(1) + start(0) + start(1) + start(0);
    const { logs } = readTrace("dedicated_log_torch_trace_rank_0_resets.log", { text });
    expect(
      logs.map((log) => [
        log.attributes["torch.compile_id"],
        log.attributes["torch.trace.dynamo_resets"] ?? 0,
      ]),
    ).toEqual([
      ["0/0", 0],
      ["1/0", 0],
      ["0/0", 1],
      ["1/0", 1],
      ["0/0", 2],
    ]);
  });
});
