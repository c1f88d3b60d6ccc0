// Event keys and artifact names are whatever the file says: `__proto__`, `constructor` and `toString` are
// names like any other (issue 21, item 11: a plain-object table made them `torch.artifact = {}` or a function).
import { describe, expect, it } from "vitest";
import { readTrace } from "./read-trace-fixture.ts";
import { traceRecord } from "./trace-lines.ts";

const NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty"];

describe("event keys and artifact names that are Object.prototype members", () => {
  it.each(NAMES)("%s is an event name with no artifact, as an event key and as an artifact name", (name) => {
    const text =
      traceRecord(`{"${name}": {"${name}": 1}, "frame_id": 0, "frame_compile_id": 0}`) +
      traceRecord(`{"artifact": {"name": "${name}", "encoding": "string"}}`, "body");
    const { logs, stats } = readTrace("dedicated_log_torch_trace_rank_0_proto.log", { text });
    expect(logs.map((log) => log.eventName)).toEqual([name, name]);
    for (const log of logs) {
      expect(Object.keys(log.attributes)).not.toContain("torch.artifact");
      expect(
        Object.values(log.attributes).every((v) => typeof v !== "object" && typeof v !== "function"),
      ).toBe(true);
    }
    expect(logs[0]?.attributes[`torch.trace.metadata.${name}`]).toBe(1);
    expect([...stats.envelopes]).toEqual([
      [name, 1],
      ["artifact", 1],
    ]);
  });
});
