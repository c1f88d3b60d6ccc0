// The processor's `ranks` option (issue 22 item 5), through a real LoggerProvider: what the exporter received.
import { SeverityNumber } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemoryLogRecordExporter, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { describe, expect, it } from "vitest";
import { startTorchLogs, TorchLogsError, TorchLogsLogRecordProcessor } from "../../src/index.ts";
import { setup } from "../support/pipeline.ts";

const WARN = SeverityNumber.WARN;

/** Emits one WARN record per rank attribute (`undefined`: none) on torch._dynamo; returns the bodies received. */
function emitRanks(
  options: Parameters<typeof setup>[0],
  ranks: readonly unknown[],
  resource?: Record<string, string | number>,
) {
  const { provider, processor, received } = setup(
    { settings: "", ...options },
    resource === undefined ? {} : { resource: resourceFromAttributes(resource) },
  );
  const logger = provider.getLogger("torch._dynamo");
  ranks.forEach((rank, i) => {
    const attributes = rank === undefined ? {} : { "torch.rank": rank as number };
    logger.emit({ severityNumber: WARN, body: `r${i}`, attributes });
  });
  return { bodies: received().map((r) => r.body), stats: processor.stats };
}

describe("TorchLogsLogRecordProcessor ranks", () => {
  it.each([
    ["0", {}, [0, 1, undefined, 0], ["r0", "r3"]],
    ["0,2-3", {}, [0, 1, 2, 3, 4], ["r0", "r2", "r3"]],
    // The resource's rank (a string, as set from RANK) for records without their own.
    ["1", { resource: { "torch.rank": "1" } }, [undefined, 0, 1], ["r0", "r2"]],
    // The process rank for records without one, when the resource has none.
    ["2-3", { rank: 2 }, [undefined, 3, 5], ["r0", "r1"]],
    // Not a rank: a negative number, a fraction, text — as no rank.
    ["0", {}, [-1, 0.5, "zero", "0"], ["r3"]],
  ] as const)("ranks %j %j: %j → %j", (ranks, extra, recordRanks, expected) => {
    const { resource, rank } = extra as { resource?: Record<string, string>; rank?: number };
    const { bodies, stats } = emitRanks(
      { ranks, ...(rank !== undefined && { rank }) },
      recordRanks,
      resource,
    );
    expect(bodies).toEqual(expected);
    expect(stats).toEqual({ passed: expected.length, filtered: recordRanks.length - expected.length });
  });

  it("and TORCH_LOGS: both must let a record through", () => {
    const { provider, received } = setup({ settings: "-dynamo", ranks: "0" });
    const logger = provider.getLogger("torch._dynamo");
    logger.emit({ severityNumber: WARN, body: "warn", attributes: { "torch.rank": 0 } });
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: "error", attributes: { "torch.rank": 0 } });
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: "rank 1", attributes: { "torch.rank": 1 } });
    expect(received().map((r) => r.body)).toEqual(["error"]);
  });

  it("a list that does not parse throws TorchLogsError invalid-ranks", () => {
    const construct = () =>
      new TorchLogsLogRecordProcessor(
        new SimpleLogRecordProcessor({ exporter: new InMemoryLogRecordExporter() }),
        { ranks: "1-x" },
      );
    expect(construct).toThrow(TorchLogsError);
    expect(construct).toThrow(expect.objectContaining({ kind: "invalid-ranks", item: "1-x" }));
  });
});

describe("startTorchLogs({ ranks })", () => {
  /** Emits `records` through a pipeline with `ranks` under `env`; the bodies exported, and the warnings. */
  async function exported(
    env: Record<string, string>,
    ranks: string,
    records: readonly { body: string; attributes?: Record<string, number> }[],
  ) {
    const warnings: string[] = [];
    const exporter = new InMemoryLogRecordExporter();
    const pipeline = startTorchLogs({
      ...{ register: false, flushOnExit: false, exporter, settings: "", ranks, env },
      onWarning: (message) => warnings.push(message),
    });
    const logger = pipeline.provider.getLogger("torch._dynamo");
    for (const record of records) logger.emit({ severityNumber: WARN, ...record });
    await pipeline.forceFlush();
    const bodies = exporter.getFinishedLogRecords().map((r) => r.body);
    await pipeline.shutdown();
    return { bodies, warnings };
  }

  it.each([
    [{ RANK: "1" }, "0", []],
    [{ RANK: "1" }, "1", ["mine"]],
    [{}, "0", ["mine"]], // no launcher: a job of one, rank 0
    [{ RANK: "" }, "1", []],
  ])("env %j, ranks %j: %j", async (env, ranks, expected) => {
    expect((await exported(env, ranks, [{ body: "mine" }])).bodies).toEqual(expected);
  });

  it("a RANK that is no rank is reported, and records without a rank are dropped", async () => {
    const { bodies, warnings } = await exported({ RANK: "first" }, "0", [
      { body: "no rank" },
      { body: "rank 0", attributes: { "torch.rank": 0 } },
    ]);
    expect(bodies).toEqual(["rank 0"]);
    expect(warnings).toEqual([expect.stringMatching(/^RANK="first" is no rank/)]);
  });
});
