// Every record a pipeline accepts is accounted for: exported, failed (refused by the backend among them),
// dropped or pending, with `passed = exported + failed + droppedQueueFull + pending` at every moment and
// nothing pending after shutdown. Real parts: startTorchLogs, the SDK's batch processor, our OTLP exporter and
// a receiver on 127.0.0.1; the misbehaving exporters are the only stand-ins.
import { DiagLogLevel, diag, SeverityNumber } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { LogRecordExporter } from "@opentelemetry/sdk-logs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  escapeControlCharacters,
  OtlpLogExporter,
  type StartTorchLogsOptions,
  startTorchLogs,
  type TorchLogsPipeline,
} from "../../src/index.ts";
import { captureDiag } from "../support/capture-diag.ts";
import { type OtlpReceiver, startOtlpReceiver } from "../support/otlp-receiver.ts";

let receiver: OtlpReceiver;
let pipeline: TorchLogsPipeline | undefined;
let diagMessages: string[];

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  diagMessages = captureDiag(DiagLogLevel.WARN);
});

afterEach(async () => {
  await pipeline?.shutdown();
  pipeline = undefined;
  await receiver.close();
  diag.disable();
});

/** A pipeline with our OTLP exporter sending to the receiver. */
function startOtlp(options: Pick<StartTorchLogsOptions, "protocol" | "batch"> = {}): TorchLogsPipeline {
  return startTorchLogs(
    {
      exporter: "otlp",
      settings: "",
      register: false,
      flushOnExit: false,
      ...options,
      batch: { maxQueueSize: 1000, ...options.batch },
    },
    { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url },
  );
}

function emit(target: TorchLogsPipeline, count: number, prefix: string): void {
  const logger = target.provider.getLogger("torch._dynamo");
  for (let i = 0; i < count; i++) logger.emit({ severityNumber: SeverityNumber.WARN, body: `${prefix}${i}` });
}

function expectAccounted(target: TorchLogsPipeline): void {
  const s = target.stats();
  expect(s.pending).toBeGreaterThanOrEqual(0);
  expect(s.exported + s.failed + s.droppedQueueFull + s.pending).toBe(s.passed);
}

const ours = (message: string) => message.startsWith("startTorchLogs:");

describe("OTLP partial success", () => {
  it.each(["http/json", "http/protobuf"] as const)(
    "%s: refused records count as failed and rejected, reported once with the server's message, bounded",
    async (protocol) => {
      const serverMessage = `3 records have a bad attribute\n\u001b[31m${"x".repeat(5000)}`;
      receiver.setBehaviour({ partialSuccess: { rejectedLogRecords: 3, errorMessage: serverMessage } });
      pipeline = startOtlp({ protocol, batch: { scheduledDelayMillis: 5, maxExportBatchSize: 100 } });
      emit(pipeline, 250, "r");
      await pipeline.shutdown();
      const requests = receiver.requests.length;
      expect(requests).toBeGreaterThanOrEqual(3);
      expect(receiver.records).toHaveLength(250 - 3 * requests);
      expect(pipeline.stats()).toMatchObject({
        passed: 250,
        exported: 250 - 3 * requests,
        failed: 3 * requests,
        rejected: 3 * requests,
        droppedQueueFull: 0,
        pending: 0,
      });
      const reports = diagMessages.filter(ours);
      expect(reports).toHaveLength(1);
      expect(reports[0]).toContain("the backend refused 3 of ");
      expect(reports[0]).toContain("3 records have a bad attribute");
      expect(reports[0]).toContain("(truncated)");
      expect(reports[0]?.length).toBeLessThan(400);
      expect(escapeControlCharacters(reports[0] ?? "")).toBe(reports[0]);
    },
  );

  it("an OtlpLogExporter passed in by the application is counted the same way", async () => {
    receiver.setBehaviour({ partialSuccess: { rejectedLogRecords: 1, errorMessage: "too old" } });
    pipeline = startTorchLogs({
      exporter: new OtlpLogExporter({ url: receiver.url, headers: { "x-tenant": "a" } }),
      settings: "",
      register: false,
      flushOnExit: false,
    });
    emit(pipeline, 10, "r");
    await pipeline.shutdown();
    expect(receiver.requests.map((r) => r.headers["x-tenant"])).toEqual(["a"]);
    expect(pipeline.stats()).toMatchObject({ passed: 10, exported: 9, failed: 1, rejected: 1, pending: 0 });
    expect(diagMessages.filter(ours)).toEqual([
      "startTorchLogs: the backend refused 1 of 10 log records: too old",
    ]);
  });

  it("an answer without partialSuccess counts everything as exported", async () => {
    pipeline = startOtlp();
    emit(pipeline, 20, "r");
    await pipeline.shutdown();
    expect(pipeline.stats()).toMatchObject({ passed: 20, exported: 20, failed: 0, rejected: 0, pending: 0 });
    expect(receiver.records).toHaveLength(20);
  });
});

describe("a failed export's reason", () => {
  it("reaches the warning escaped and bounded: the backend's HTTP reason phrase is its text", async () => {
    receiver.setBehaviour({
      status: 400,
      reasonPhrase: `Bad \x1b[2J\x1b]0;owned\x07Request ${"y".repeat(500)}`,
    });
    pipeline = startOtlp({ batch: { scheduledDelayMillis: 5 } });
    emit(pipeline, 3, "r");
    await pipeline.shutdown();
    expect(pipeline.stats()).toMatchObject({ passed: 3, exported: 0, failed: 3, pending: 0 });
    const reports = diagMessages.filter(ours);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain(
      "3 log records failed to export: HTTP 400 Bad \\x1b[2J\\x1b]0;owned\\x07Request yyy",
    );
    expect(reports[0]).toContain("(truncated)");
    expect(escapeControlCharacters(reports[0] ?? "")).toBe(reports[0]);
  });
});

describe("shutdown() during an in-flight forceFlush()", () => {
  it("waits for the flush, then exports what was queued meanwhile", async () => {
    receiver.setBehaviour({ delayMs: 200 });
    pipeline = startOtlp({ batch: { scheduledDelayMillis: 60_000, maxExportBatchSize: 1000 } });
    emit(pipeline, 100, "before");
    const flushing = pipeline.forceFlush();
    await receiver.waitForRequests(1);
    emit(pipeline, 100, "meanwhile");
    expectAccounted(pipeline);
    expect(pipeline.stats().pending).toBe(200);
    await pipeline.shutdown();
    await flushing;
    expect(receiver.records).toHaveLength(200);
    expect(pipeline.stats()).toMatchObject({ passed: 200, exported: 200, failed: 0, pending: 0 });
  });
});

/** Exporters that break the LogRecordExporter contract, each the way a real one might. */
const misbehaving: Record<string, () => LogRecordExporter> = {
  throws: () =>
    exporter(() => {
      throw new Error("exporter bug");
    }),
  "never calls back": () => exporter(() => {}),
  "calls back twice": () =>
    exporter((done) => {
      done({ code: ExportResultCode.SUCCESS });
      done({ code: ExportResultCode.SUCCESS });
    }),
  "calls back FAILED, then SUCCESS": () =>
    exporter((done) => {
      done({ code: ExportResultCode.FAILED, error: new Error("no") });
      setTimeout(() => done({ code: ExportResultCode.SUCCESS }), 1);
    }),
  "calls back, then throws": () =>
    exporter((done) => {
      done({ code: ExportResultCode.SUCCESS });
      throw new Error("after the callback");
    }),
  "calls back late, after the export timeout": () =>
    exporter((done) => {
      setTimeout(() => done({ code: ExportResultCode.SUCCESS }), 300);
    }),
};

function exporter(onExport: (done: (result: ExportResult) => void) => void): LogRecordExporter {
  return {
    export: (_records, done) => onExport(done),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
}

describe("misbehaving exporters", () => {
  it.each(Object.keys(misbehaving))(
    "%s: every record is counted once, nothing is pending after shutdown",
    async (name) => {
      pipeline = startTorchLogs({
        exporter: misbehaving[name]?.() ?? exporter(() => {}),
        settings: "",
        register: false,
        flushOnExit: false,
        batch: {
          scheduledDelayMillis: 5,
          maxExportBatchSize: 10,
          maxQueueSize: 50,
          exportTimeoutMillis: 100,
        },
      });
      for (let round = 0; round < 3; round++) {
        emit(pipeline, 40, `r${round}-`);
        expectAccounted(pipeline);
        await new Promise((resolve) => setTimeout(resolve, 20));
        expectAccounted(pipeline);
      }
      await pipeline.shutdown();
      const s = pipeline.stats();
      expect(s.passed).toBe(120);
      expect(s.pending).toBe(0);
      expect(s.exported + s.failed + s.droppedQueueFull).toBe(120);
      if (name === "throws" || name.startsWith("never") || name.includes("late")) expect(s.exported).toBe(0);
      if (name === "calls back twice" || name === "calls back, then throws") expect(s.failed).toBe(0);
      if (name.startsWith("calls back FAILED")) expect(s.exported).toBe(0);
    },
    20_000,
  );
});

describe("an exporter whose forceFlush() rejects", () => {
  it("does not lose what was queued behind an export in flight: shutdown still delivers it", async () => {
    const batches: number[] = [];
    let answerFirst: () => void = () => {};
    const flaky: LogRecordExporter = {
      export: (records, done) => {
        batches.push(records.length);
        if (batches.length === 1) answerFirst = () => done({ code: ExportResultCode.SUCCESS });
        else done({ code: ExportResultCode.SUCCESS });
      },
      forceFlush: () => Promise.reject(new Error("flush failed")),
      shutdown: async () => {},
    };
    pipeline = startTorchLogs({
      exporter: flaky,
      settings: "",
      register: false,
      flushOnExit: false,
      batch: { maxExportBatchSize: 1, scheduledDelayMillis: 60_000, exportTimeoutMillis: 1000 },
    });
    emit(pipeline, 1, "first"); // a full batch: exported at once, answered later
    emit(pipeline, 1, "second"); // queued behind the export in flight
    // The batch processor's flush asks the exporter to flush the export in flight first.
    const flushing = pipeline.forceFlush().catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 10));
    answerFirst();
    await flushing;
    await pipeline.shutdown();
    expect(batches).toEqual([1, 1]);
    expect(pipeline.stats()).toMatchObject({ passed: 2, exported: 2, failed: 0, pending: 0 });
  });
});
