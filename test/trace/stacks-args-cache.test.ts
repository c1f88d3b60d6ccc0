// What the differential test against tlparse found `trace` leaving out, each kept now: the user stacks of the
// metadata resolved as tlparse shows them, the envelope's stack beside the metadata's, chromium args whole up
// to 64 KiB (PyTorch puts a cache key's components there), and cache bypasses counted as hits and misses are.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_ARG_CHARS } from "../../src/trace/trace-attributes.ts";
import { readTrace } from "./read-trace-fixture.ts";
import { chromiumRecord, traceRecord } from "./trace-lines.ts";

const RECORDED = join(import.meta.dirname, "..", "fixtures", "torch-trace-2.15");

describe("stacks", () => {
  it("resolves the metadata's user_stack into torch.trace.user_stacktrace (2.15 guard_added_fast)", () => {
    const { logs } = readTrace(join(RECORDED, "dynamic", "dedicated_log_torch_trace_9yl5lc4q.log"));
    const guard = logs.find((r) => r.eventName === "guard_added_fast");
    expect(guard?.attributes["torch.trace.user_stacktrace"]).toMatch(
      /^ {2}File ".*\/w_dynamic\.py", line 13, in f\n {4}if x\.shape\[0\] > 6:$/,
    );
    expect(guard?.attributes["code.stacktrace"]).toMatch(
      /^ {2}File ".*\/w_dynamic\.py", line 19, in <module>/,
    );
  });

  it.each([
    [
      "the metadata's and the envelope's",
      '{"expression_created": {"stack": [{"filename": 0, "line": 1, "name": "inner"}]}, "stack": [{"filename": 0, "line": 2, "name": "outer"}]}',
      "inner",
      "outer",
    ],
    [
      "the envelope's only",
      '{"exported_program": {}, "stack": [{"filename": 0, "line": 2, "name": "outer"}]}',
      "outer",
      undefined,
    ],
    [
      "the metadata's only",
      '{"dynamo_start": {"stack": [{"filename": 0, "line": 1, "name": "inner"}]}}',
      "inner",
      undefined,
    ],
  ])("keeps both stacks when an envelope has %s", (_, fields, code, envelope) => {
    const text = traceRecord('{"str": ["/x.py", 0]}') + traceRecord(fields);
    const [record] = readTrace("stacks.log", { text }).logs;
    expect(record?.attributes["code.stacktrace"]).toContain(`in ${code}`);
    expect(record?.attributes["torch.trace.envelope_stacktrace"]).toBe(
      envelope === undefined ? undefined : `  File "/x.py", line 2, in ${envelope}`,
    );
  });
});

describe("chromium args", () => {
  it.each([
    [1000, 1000],
    [MAX_ARG_CHARS, MAX_ARG_CHARS],
    [MAX_ARG_CHARS + 10, MAX_ARG_CHARS + 1],
  ])("an arg of %i characters is carried as %i (cut ones end in …)", (length, carried) => {
    const components = "c".repeat(length);
    const text =
      chromiumRecord(
        `{"name": "inductor_compile", "ph": "B", "ts": 1733527101000000, "args": {"compile_id": "0/0"}}`,
      ) +
      chromiumRecord(
        `{"name": "inductor_compile", "ph": "E", "ts": 1733527102000000, "args": {"compile_id": "0/0", "components": "${components}"}}`,
      );
    const [span] = readTrace("args.log", { text }).spans;
    const value = String(span?.attributes["torch.trace.args.components"]);
    expect(value.length).toBe(carried);
    expect(value.endsWith("…")).toBe(carried !== length);
  });

  it("carries the 37 KB cache-key components of simple.log's fx_graph_cache_miss whole", () => {
    const { spans } = readTrace("simple.log");
    const event = spans.flatMap((s) => s.events).find((e) => e.name === "fx_graph_cache_miss");
    expect(String(event?.attributes["torch.trace.args.components"]).endsWith("…")).toBe(false);
    expect(JSON.parse(String(event?.attributes["torch.trace.args.components"]))).toBeInstanceOf(Array);
  });
});

describe("cache results", () => {
  it("counts aotautograd_cache_bypass as a bypass (2.15 inductor run)", () => {
    const { metrics } = readTrace(join(RECORDED, "inductor", "dedicated_log_torch_trace_5_gldw8n.log"));
    const results = metrics
      .filter((m) => m.name === "torch.compile.cache.requests")
      .map(
        (m) => `${m.attributes["torch.compile.cache.name"]}/${m.attributes["torch.compile.cache.result"]}`,
      );
    expect(results).toContain("aotautograd/bypass");
  });
});
