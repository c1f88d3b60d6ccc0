// What `trace` derives, end to end through the CLI: the PyTorch release as the resource's `torch.version`
// (over OTLP, and one `resource` line in JSON lines), the ranks compared at the end of a run, the unknown kinds
// in the summary.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type OtlpReceiver, startOtlpReceiver } from "../support/otlp-receiver.ts";
import { runTraceCaptured } from "../support/run-trace-captured.ts";
import { FIXTURES } from "../trace/read-trace-fixture.ts";

const RECORDED = join(FIXTURES, "..", "torch-trace-2.15");

const trace = runTraceCaptured;

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe("torch.version", () => {
  it("is the resource attribute of every record sent over OTLP (2.15 run)", async () => {
    receiver = await startOtlpReceiver({ tracesAndMetrics: true });
    const { code, stderr } = await trace([join(RECORDED, "inductor")], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    });
    expect(code, stderr).toBe(0);
    expect(receiver.records.length).toBeGreaterThan(0);
    expect(new Set(receiver.records.map((r) => r.resource["torch.version"]))).toEqual(
      new Set(["2.15.0+cu132"]),
    );
    const spanResources = receiver.signals.traces.flatMap(
      (request) =>
        request.resourceSpans as {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        }[],
    );
    expect(spanResources.length).toBeGreaterThan(0);
    for (const rs of spanResources)
      expect(rs.resource.attributes.find((a) => a.key === "torch.version")?.value.stringValue).toBe(
        "2.15.0+cu132",
      );
  });

  it.each([
    [
      "a 2.15 run: one resource line",
      join(RECORDED, "set_logs"),
      [{ "service.name": "pytorch", "torch.version": "2.15.0+cu132" }],
    ],
    ["a 2024 file without torch_version: none", join(FIXTURES, "simple.log"), []],
  ])("in JSON lines, %s", async (_, input, expected) => {
    const { code, lines } = await trace(["--format", "jsonl", input]);
    expect(code).toBe(0);
    expect(lines.filter((l) => l.signal === "resource").map((l) => l.attributes)).toEqual(expected);
  });
});

describe("the end of a run", () => {
  it("compares the ranks: records and the gauge (multi_rank_schedule: rank 1's collectives apart)", async () => {
    const { lines } = await trace(["--format", "jsonl", join(FIXTURES, "multi_rank_schedule")]);
    const divergence = lines.filter((l) => l.eventName === "torch.compile.rank_divergence");
    expect(
      divergence.map((l) => [l.attributes["torch.rank"], l.attributes["torch.compile.divergence.kind"]]),
    ).toEqual([
      [0, "collectives"],
      [1, "collectives"],
      [2, "collectives"],
    ]);
    const gauge = lines.filter((l) => l.name === "torch.compile.rank_divergence");
    expect(gauge.filter((l) => l.value === 1).map((l) => l.attributes)).toEqual([
      { "torch.rank": 1, "torch.compile.divergence.kind": "collectives" },
    ]);
    expect(gauge).toHaveLength(12);
    expect(lines.filter((l) => l.eventName === "torch.compile.collectives_parity")).toHaveLength(1);
  });

  it("says how many envelopes were of unknown kinds (none in a 2.15 run)", async () => {
    const { stderr } = await trace(["--format", "jsonl", join(RECORDED, "compile_worker")]);
    expect(stderr).toMatch(/, 0 envelopes of unknown kinds[,\n]/);
  });
});
