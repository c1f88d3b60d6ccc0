// Outages, shutdown, exit and concurrency with real parts: the real OTLP exporter and a receiver on 127.0.0.1
// that the tests stop, slow down or make fail. Every test asserts counts.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { diag, logs, SeverityNumber } from "@opentelemetry/api";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PythonLevel, startTorchLogs, type TorchLogsPipeline } from "../../src/index.ts";
import { captureDiag } from "../support/capture-diag.ts";
import { type OtlpReceiver, startOtlpReceiver } from "../support/otlp-receiver.ts";
import { setup } from "../support/pipeline.ts";
import { runCliCaptured } from "../support/run-cli.ts";

let receiver: OtlpReceiver;
let pipeline: TorchLogsPipeline | undefined;
let diagMessages: string[];

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  diagMessages = captureDiag();
});

afterEach(async () => {
  await pipeline?.shutdown();
  pipeline = undefined;
  await receiver.close();
  diag.disable();
});

function start(
  options: {
    maxQueueSize?: number;
    timeoutMillis?: number;
    headers?: Record<string, string>;
    register?: boolean;
  } = {},
) {
  pipeline = startTorchLogs({
    exporter: new OTLPLogExporter({
      url: receiver.url,
      timeoutMillis: options.timeoutMillis ?? 10_000,
      ...(options.headers ? { headers: options.headers } : {}),
    }),
    settings: "",
    register: options.register ?? false,
    flushOnExit: false,
    batch: { scheduledDelayMillis: 5, maxQueueSize: options.maxQueueSize ?? 2048, maxExportBatchSize: 256 },
  });
  const logger = pipeline.provider.getLogger("torch._dynamo");
  const emit = (count: number, prefix: string) => {
    for (let i = 0; i < count; i++)
      logger.emit({ severityNumber: SeverityNumber.WARN, body: `${prefix}${i}` });
  };
  return { pipeline, emit };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("backend outages", () => {
  it.each([500, 503, 429])(
    "keeps running when the backend answers %i, counts what it lost, reports once, recovers",
    async (status) => {
      receiver.setBehaviour({ status, retryAfterSeconds: 0 });
      const { pipeline, emit } = start({ maxQueueSize: 500, timeoutMillis: 300 });
      emit(2000, "lost");
      await until(() => pipeline.stats().failed + pipeline.stats().droppedQueueFull === 2000);
      const stats = pipeline.stats();
      expect(stats.passed).toBe(2000);
      expect(stats.exported).toBe(0);
      // The queue holds 500 (batches leave it as they are exported): memory stays bounded, the rest is counted.
      expect(stats.droppedQueueFull).toBeGreaterThan(0);
      expect(stats.droppedQueueFull).toBeLessThanOrEqual(1500);
      expect(diagMessages.filter((m) => m.startsWith("startTorchLogs:"))).toHaveLength(1);
      receiver.setBehaviour({ status: 200 });
      emit(10, "back");
      await pipeline.forceFlush();
      await receiver.waitForRecords(10);
      expect(receiver.records.map((r) => r.body)).toEqual(Array.from({ length: 10 }, (_, i) => `back${i}`));
    },
  );

  it("does not block emit calls while the backend hangs, and bounds the queue", async () => {
    receiver.setBehaviour({ hang: true });
    const { pipeline, emit } = start({ maxQueueSize: 1000, timeoutMillis: 200 });
    emit(5000, "x"); // synchronous: returns without waiting for the network
    expect(pipeline.stats().passed).toBe(5000);
    expect(pipeline.stats().droppedQueueFull).toBeGreaterThanOrEqual(4000 - 256);
    await until(() => pipeline.stats().failed > 0);
    receiver.setBehaviour({ status: 200 });
    emit(3, "after");
    await pipeline.forceFlush();
    await until(() => receiver.records.some((r) => r.body === "after2"));
  });
});

describe("shutdown", () => {
  it("delivers every accepted record that fits the queue: 50k records to a slow receiver", async () => {
    receiver.setBehaviour({ delayMs: 20 });
    const { pipeline, emit } = start({ maxQueueSize: 50_000 });
    emit(50_000, "r");
    await pipeline.shutdown();
    expect(receiver.records).toHaveLength(50_000);
    expect(new Set(receiver.records.map((r) => r.body)).size).toBe(50_000);
    expect(pipeline.stats()).toMatchObject({
      passed: 50_000,
      exported: 50_000,
      failed: 0,
      droppedQueueFull: 0,
    });
  }, 60_000);

  it("is harmless twice, and emitting after it is a no-op", async () => {
    const { pipeline, emit } = start();
    emit(3, "before");
    await Promise.all([pipeline.shutdown(), pipeline.shutdown()]);
    await pipeline.shutdown();
    expect(() => emit(3, "after")).not.toThrow();
    expect(receiver.records.map((r) => r.body)).toEqual(["before0", "before1", "before2"]);
  });
});

describe("process exit", () => {
  const app = new URL("../fixtures/apps/exit-app.ts", import.meta.url).pathname;
  const runApp = (mode: string, records: number, pipelines = 1) =>
    spawn(process.execPath, ["--no-warnings", app], {
      env: {
        PATH: process.env.PATH ?? "",
        RECEIVER_URL: receiver.url,
        RECORDS: String(records),
        MODE: mode,
        PIPELINES: String(pipelines),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });

  it("flushes on SIGTERM, then ends with the signal", async () => {
    const child = runApp("signal", 3000);
    await once(child.stdout, "data");
    child.kill("SIGTERM");
    const [code, signal] = (await once(child, "exit")) as [number | null, string | null];
    expect([code, signal]).toEqual([null, "SIGTERM"]);
    expect(receiver.records).toHaveLength(3000);
  });

  it.each(["SIGTERM", "SIGINT"] as const)(
    "flushes every pipeline of the process on %s, then ends with the signal",
    async (signal) => {
      const child = runApp("signal", 1000, 2);
      await once(child.stdout, "data");
      child.kill(signal);
      const [code, ended] = (await once(child, "exit")) as [number | null, string | null];
      expect([code, ended]).toEqual([null, signal]);
      const services = receiver.records.map((r) => r.resource["service.name"]);
      expect(services.filter((s) => s === "exit-app")).toHaveLength(1000);
      expect(services.filter((s) => s === "exit-app-second")).toHaveLength(1000);
    },
  );

  it("leaves SIGTERM to an application that handles it, and delivers what its handler logs", async () => {
    const child = runApp("app-signal", 500);
    await once(child.stdout, "data");
    child.kill("SIGTERM");
    const [code, signal] = (await once(child, "exit")) as [number | null, string | null];
    expect([code, signal]).toEqual([0, null]);
    expect(receiver.records).toHaveLength(501);
    expect(receiver.records.at(-1)?.body).toBe("app: shutting down");
  });

  it("flushes again for records logged from the application's own beforeExit handler", async () => {
    const child = runApp("log-at-exit", 100);
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
    expect(receiver.records.map((r) => r.body).at(-1)).toBe("app: logged at exit");
    expect(receiver.records).toHaveLength(101);
  });

  it("flushes when the event loop runs dry without a shutdown call", async () => {
    const child = runApp("drain", 1000);
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
    expect(receiver.records).toHaveLength(1000);
  });
});

describe("two pipelines", () => {
  it("the second does not take the globals over, says so, and its shutdown leaves the first working", async () => {
    const { pipeline: first } = start({ register: true });
    const second = startTorchLogs({
      exporter: new OTLPLogExporter({ url: receiver.url }),
      settings: "+dynamo",
      flushOnExit: false,
    });
    expect(diagMessages.join("\n")).toContain("another LoggerProvider already holds the global of");
    await second.shutdown();
    expect(logs.getLoggerProvider()).toBe(first.provider);
  });
});

describe("concurrency", () => {
  it("stays consistent while setLogs changes the settings under many async emitters", async () => {
    const { processor, provider, exporter } = setup({ settings: "env" });
    const tasks = Array.from({ length: 40 }, async (_, t) => {
      const logger = provider.getLogger(`torch._inductor.task${t}`);
      for (let i = 0; i < 250; i++) {
        logger.emit({
          severityNumber: i % 2 ? SeverityNumber.DEBUG : SeverityNumber.INFO,
          body: `${t}:${i}`,
        });
        if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    });
    const toggler = (async () => {
      for (let i = 0; i < 200; i++) {
        processor.setLogs(i % 2 ? { inductor: PythonLevel.DEBUG } : {});
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await Promise.all([...tasks, toggler]);
    const received = exporter.getFinishedLogRecords();
    // Settings ended at the defaults (WARNING): nothing at DEBUG/INFO may pass now.
    processor.setLogs({});
    provider.getLogger("torch._inductor.task0").emit({ severityNumber: SeverityNumber.INFO, body: "final" });
    expect(exporter.getFinishedLogRecords()).toHaveLength(received.length);
    expect(received.length).toBeGreaterThan(0);
    expect(received.length).toBeLessThan(10_000);
    expect(processor.stats.passed).toBe(received.length);
  });
});

describe("bad input never crashes the processor", () => {
  it("survives arbitrary scope names, bodies and attribute values", () => {
    const { provider, processor } = setup({ settings: "+dynamo,guards" });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.constantFrom("", "torch._dynamo.__guards", "torch._dynamo.", ".", "torch.".repeat(200)),
        ),
        fc.integer({ min: -5, max: 30 }),
        fc.anything(),
        fc.anything(),
        (scope, severity, body, artifact) => {
          const logger = provider.getLogger(scope);
          expect(() => logger.enabled({ severityNumber: severity })).not.toThrow();
          expect(() =>
            logger.emit({
              severityNumber: severity as SeverityNumber,
              body: body as string,
              attributes: { "torch.artifact": artifact as string },
            }),
          ).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
    expect(processor.stats.passed + processor.stats.filtered).toBeGreaterThan(0);
  });
});

describe("credentials stay out of diagnostics and output", () => {
  it("never shows OTLP headers in diag output when the backend refuses them", async () => {
    receiver.setBehaviour({ status: 401 });
    const { pipeline, emit } = start({
      timeoutMillis: 300,
      headers: { authorization: "Bearer s3cr3t-token" },
    });
    emit(5, "x");
    await pipeline.forceFlush();
    await until(() => pipeline.stats().failed === 5);
    expect(receiver.requests[0]?.headers.authorization).toBe("Bearer s3cr3t-token");
    expect(diagMessages.length).toBeGreaterThan(0);
    expect(diagMessages.join("\n")).not.toContain("s3cr3t");
  });

  it("explain never prints other environment variables", async () => {
    const { stdout, stderr } = await runCliCaptured(["explain", "--json"], {
      TORCH_LOGS: "+dynamo",
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer s3cr3t-token",
    });
    expect(stdout + stderr).not.toContain("s3cr3t");
  });
});
