// Faults from the application's side: the agent collector goes away for 10 s in the middle of a run and comes
// back on the same address — under an application's startTorchLogs, and under `ingest --follow` of a growing
// log. Every record is accounted for: what the pipeline says it exported is exactly what the logs store holds,
// records written after the agent came back arrive, and exported + failed + dropped = passed.
import { spawn } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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

  it("ingest --follow: rides the outage out on its queue, delivers everything, the store holds exactly that", {
    timeout: 180_000,
  }, async () => {
    const log = join(stack.workDir, "growing.log");
    writeFileSync(log, "");
    const service = "e2e-follow";
    const child = spawn(
      process.execPath,
      [
        "--disable-warning=ExperimentalWarning",
        new URL("../src/cli.ts", import.meta.url).pathname,
        "ingest",
        "--follow",
        log,
        "--service-name",
        service,
      ],
      {
        env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: stack.agent.otlpHttpUrl },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
    const killer = setTimeout(() => child.kill("SIGKILL"), 150_000);
    // A PyTorch-shaped log that grows by 50 records every 200 ms for 25 s; the agent is away from 6 s to 16 s.
    const records = 6_250;
    let written = 0;
    let agent = stack.agent;
    let writtenWhenBack = -1;
    const writer = (async () => {
      while (written < records) {
        const lines: string[] = [];
        for (let i = 0; i < 50; i++, written++) {
          const now = new Date();
          const time = `${String(now.getMonth() + 1).padStart(2, "0")}${String(now.getDate()).padStart(2, "0")} ${now.toTimeString().slice(0, 8)}.${String(now.getMilliseconds() * 1000).padStart(6, "0")}`;
          lines.push(
            `W${time} 4242 torch/_dynamo/convert_frame.py:${100 + (written % 50)}] follow record ${written}`,
          );
        }
        appendFileSync(log, `${lines.join("\n")}\n`);
        await sleep(200);
      }
    })();
    await sleep(6_000);
    await agent.process.stop();
    await sleep(10_000);
    agent = await restartCollector(agent, {
      name: "agent",
      config: "otelcol-config.yaml",
      workDir: stack.workDir,
    });
    writtenWhenBack = written;
    await writer;
    await sleep(3_000);
    child.kill("SIGINT");
    const code = await exited;
    clearTimeout(killer);
    await agent.process.stop();
    const summary = /ingest: .*?(\d+) records? .*?, (\d+) filtered, (\d+) exported, (\d+) dropped/.exec(
      stderr,
    );
    console.log(
      `ingest --follow with the agent away 10 s: exit ${code}; ${summary?.[0] ?? stderr.slice(-500)}`,
    );
    expect(summary, stderr).not.toBeNull();
    const [read, filtered, exported, dropped] = [summary?.[1], summary?.[2], summary?.[3], summary?.[4]].map(
      Number,
    );
    expect(read).toBe(records);
    expect((exported ?? 0) + (dropped ?? 0) + (filtered ?? 0)).toBe(records);
    // The outage was seen and reported while it lasted.
    expect(stderr).toMatch(/fail|down|unreach|refused/i);
    const stored = await awaitLogs(stack.logs.url, `service.name:=${service}`, exported ?? 0, {
      timeoutMs: 60_000,
      settleMs: 3_000,
    });
    expect(stored).toHaveLength(exported ?? 0);
    // --follow keeps retrying on its bounded queue: nothing was lost, exit 0.
    expect(dropped).toBe(0);
    expect(code).toBe(0);
    expect(writtenWhenBack).toBeGreaterThan(0);
    expect(await countLogs(stack.logs.url, `service.name:=${service} "follow record ${records - 1}"`)).toBe(
      1,
    );
  });
});
