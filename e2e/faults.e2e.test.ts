// Faults from the application's side: the agent collector goes away for 10 s in the middle of a run and comes
// back on the same address. Every record is accounted for: what the pipeline says it exported is exactly what
// the logs store holds, records sent after the agent came back arrive, and exported + failed + dropped = passed.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restartCollector } from "./support/backends.ts";
import { runJsonApp } from "./support/run-json-app.ts";
import { type Stack, startStack } from "./support/stack.ts";
import { awaitLogs, countLogs } from "./support/victoria-logs-client.ts";

const STEADY_APP = new URL("apps/steady-logger-app.ts", import.meta.url).pathname;

interface SteadyOutput {
  readonly stats: {
    passed: number;
    exported: number;
    failed: number;
    droppedQueueFull: number;
    pending: number;
  };
  readonly emitted: number;
  readonly tickTimes: readonly number[];
  readonly perTick: number;
}

describe("the agent collector away for 10 s", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack("faults", { jaeger: false, prometheus: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("startTorchLogs: delivered after it comes back, or counted; the store holds exactly what was exported", {
    timeout: 180_000,
  }, async () => {
    const run = "start-torch-logs";
    const app = runJsonApp<SteadyOutput>(STEADY_APP, {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: stack.agent.otlpHttpUrl,
        E2E_RUN: run,
        E2E_RECORDS: "5000",
        E2E_DURATION_MS: "25000",
      },
    });
    await sleep(6_000);
    const downAt = Date.now();
    await stack.agent.process.stop();
    await sleep(10_000);
    const agent = await restartCollector(stack.agent, {
      name: "agent",
      config: "otelcol-config.yaml",
      workDir: stack.workDir,
    });
    const upAt = Date.now();
    const output = await app;
    await agent.process.stop();
    const { stats } = output;
    console.log(
      `startTorchLogs with the agent away ${((upAt - downAt) / 1000).toFixed(1)} s: ${JSON.stringify(stats)}`,
    );
    expect(stats.passed).toBe(output.emitted);
    expect(stats.pending).toBe(0);
    expect(stats.exported + stats.failed + stats.droppedQueueFull).toBe(stats.passed);
    const filter = `e2e.run:=${run}`;
    const stored = await awaitLogs(stack.logs.url, filter, stats.exported, {
      timeoutMs: 60_000,
      settleMs: 3_000,
    });
    expect(stored).toHaveLength(stats.exported);
    // Records emitted after the agent came back arrived.
    const firstAfter = output.tickTimes.findIndex((t) => t > upAt + 2_000) * output.perTick;
    expect(firstAfter).toBeGreaterThan(0);
    expect(await countLogs(stack.logs.url, `${filter} e2e.seq:>=${firstAfter}`)).toBe(
      output.emitted - firstAfter,
    );
  });
});
