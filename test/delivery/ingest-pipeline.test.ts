// IngestPipeline with many distinct scopes: every record still goes out on its own scope, and the SDK Loggers
// kept alive stay bounded whatever the input (a log naming 400,000 source paths made 400,000 Loggers).

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ExportResultCode } from "@opentelemetry/core";
import { LoggerProvider, type LogRecordExporter, type ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { afterEach, describe, expect, it } from "vitest";
import { IngestPipeline, MAX_CACHED_SCOPES } from "../../src/delivery/ingest-pipeline.ts";

/**
 * A full collection with Node's `gc()`, which vitest's workers do not expose (the flag set at run time, the
 * function from a new context), after a turn of the event loop: a WeakRef keeps its target alive until the
 * job that made it ends.
 */
async function collectGarbage(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

let restore = () => {};

afterEach(() => {
  restore();
});

describe("IngestPipeline with more distinct scopes than it caches", () => {
  it("exports every record on its scope and keeps at most the cache's worth of Loggers alive", async () => {
    // Every Logger the SDK hands out, weakly: what stays reachable after a collection is what is kept.
    const made: WeakRef<object>[] = [];
    // Patched by hand: a vitest spy would itself keep every result it returned.
    const getLogger = LoggerProvider.prototype.getLogger;
    LoggerProvider.prototype.getLogger = function (
      this: LoggerProvider,
      ...args: Parameters<typeof getLogger>
    ) {
      const logger = getLogger.apply(this, args);
      made.push(new WeakRef(logger));
      return logger;
    };
    restore = () => {
      LoggerProvider.prototype.getLogger = getLogger;
    };
    const received: string[] = [];
    const exporter: LogRecordExporter = {
      export: (records: ReadableLogRecord[], done) => {
        for (const r of records) received.push(`${r.instrumentationScope.name} ${String(r.body)}`);
        done({ code: ExportResultCode.SUCCESS });
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const pipeline = new IngestPipeline({
      exporter,
      serviceName: "test",
      batch: { scheduledDelayMillis: 1 },
      onFirstLoss: () => {},
    });
    const scopes = 5 * MAX_CACHED_SCOPES;
    for (let i = 0; i < scopes; i++) {
      const record = { scope: `proj.mod${i}`, severityNumber: 9, body: `r${i}`, attributes: {} };
      if (!pipeline.emit(record, 1_700_000_000_000)) await pipeline.whenReady();
    }
    await pipeline.forceFlush();
    expect(received).toHaveLength(scopes);
    expect(received.slice(0, 2)).toEqual(["proj.mod0 r0", "proj.mod1 r1"]);
    expect(received.at(-1)).toBe(`proj.mod${scopes - 1} r${scopes - 1}`);
    expect(made).toHaveLength(scopes);
    await collectGarbage();
    const alive = made.filter((ref) => ref.deref() !== undefined).length;
    expect(alive).toBeLessThanOrEqual(MAX_CACHED_SCOPES);
    await pipeline.shutdown();
  });
});
