// Every event kind PyTorch 2.15 writes is known to `trace` (none counted as unknown), and what it does not
// know is counted by name, so the next release shows what it adds.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isKnownEventKind, torchLogsArtifactOf } from "../../src/trace/trace-event-kinds.ts";
import { readTrace } from "./read-trace-fixture.ts";
import { traceRecord } from "./trace-lines.ts";

const RECORDED = join(import.meta.dirname, "..", "fixtures", "torch-trace-2.15");
const SHARED = join(import.meta.dirname, "..", "fixtures", "torch-trace");

const files = [
  ...readdirSync(RECORDED).flatMap((run) =>
    readdirSync(join(RECORDED, run))
      .filter((f) => f.startsWith("dedicated_log_torch_trace_"))
      .map((f) => join(RECORDED, run, f)),
  ),
];

describe("event kinds", () => {
  it.each(files.map((f) => [f.slice(RECORDED.length + 1), f]))(
    "%s: no envelope of an unknown kind",
    (_, path) => {
      expect(Object.fromEntries(readTrace(path).mapper.unknownKinds)).toEqual({});
    },
  );

  it("knows every kind of the shared tlparse inputs too", () => {
    for (const name of readdirSync(SHARED).filter((n) => /\.(log|txt)$/.test(n)))
      expect([name, Object.fromEntries(readTrace(name).mapper.unknownKinds)]).toEqual([name, {}]);
  });

  it("counts an unknown kind by its event name (an artifact's name, else the key), once per envelope", () => {
    const text =
      traceRecord('{"brand_new_event": {}}') +
      traceRecord('{"brand_new_event": {}}') +
      traceRecord('{"artifact": {"name": "brand_new_artifact", "encoding": "string"}}', "payload") +
      traceRecord(
        '{"artifact": {"name": "torch_version", "encoding": "json"}}',
        '{"pytorch_version": "2.16.0"}',
      );
    const { mapper, logs } = readTrace("new.log", { text });
    expect(Object.fromEntries(mapper.unknownKinds)).toEqual({ brand_new_event: 2, brand_new_artifact: 1 });
    // Read like any other all the same.
    expect(logs.map((r) => r.eventName)).toEqual([
      "brand_new_event",
      "brand_new_event",
      "brand_new_artifact",
      "torch_version",
    ]);
    expect(mapper.torchVersion).toBe("2.16.0");
  });

  it.each([
    ["torch_dynamo_resume_in_forward_at_18_ORIGINAL_BYTECODE", true, "bytecode"],
    ["forward_MODIFIED_BYTECODE", true, "bytecode"],
    ["compile_worker_status", true, undefined],
    ["compile_worker_sidecar_death", true, undefined],
    ["aot_autograd_runtime_wrappers", true, undefined],
    ["dynamo_graph_break_reason", true, "graph_breaks"],
    ["before_pre_grad_graph", true, "pre_grad_graphs"],
    ["constructor", false, undefined],
    ["__proto__", false, undefined],
  ])("%s: known %s, TORCH_LOGS artifact %s", (name, known, artifact) => {
    expect([isKnownEventKind(name), torchLogsArtifactOf(name)]).toEqual([known, artifact]);
  });
});
