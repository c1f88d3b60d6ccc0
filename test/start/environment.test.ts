// startTorchLogs({ env }) reads every setting from that environment, not from process.env.
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SeverityNumber } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTorchLogs, type TorchLogsPipeline } from "../../src/index.ts";
import { CapturingStream } from "../console/console-pipeline.ts";
import { type OtlpReceiver, startOtlpReceiver } from "../support/otlp-receiver.ts";

let receiver: OtlpReceiver;
let pipeline: TorchLogsPipeline | undefined;
const outFile = join(tmpdir(), `torch-logs-env-${process.pid}.log`);

beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await pipeline?.shutdown();
  pipeline = undefined;
  await receiver.close();
  rmSync(outFile, { force: true });
});

const common = { register: false, flushOnExit: false } as const;

describe("startTorchLogs({ env })", () => {
  it("takes TORCH_LOGS, TORCH_LOGS_FORMAT and TORCH_LOGS_OUT from env for the console", async () => {
    const stream = new CapturingStream();
    pipeline = startTorchLogs({
      ...common,
      exporter: "auto",
      console: { stream },
      env: {
        TORCH_LOGS: "+dynamo",
        TORCH_LOGS_FORMAT: "%(levelname)s|%(name)s|%(message)s",
        TORCH_LOGS_OUT: outFile,
      },
    });
    const logger = pipeline.provider.getLogger("torch._dynamo");
    logger.emit({ severityNumber: SeverityNumber.DEBUG, body: "debug passes: +dynamo came from env" });
    await pipeline.shutdown();
    const expected = "DEBUG|torch._dynamo|debug passes: +dynamo came from env\n";
    expect(stream.text).toBe(expected);
    expect(readFileSync(outFile, "utf8")).toBe(expected);
  });

  it("takes the OTLP endpoint, protocol, service name and batch settings from env", async () => {
    pipeline = startTorchLogs({
      ...common,
      settings: "",
      env: {
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "http/protobuf",
        OTEL_SERVICE_NAME: "from-env",
        OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: "2",
      },
    });
    const logger = pipeline.provider.getLogger("torch._dynamo");
    for (let i = 0; i < 5; i++) logger.emit({ severityNumber: SeverityNumber.WARN, body: `r${i}` });
    await pipeline.shutdown();
    expect(receiver.records.map((r) => r.resource["service.name"])).toEqual(Array(5).fill("from-env"));
    expect(receiver.requests.map((r) => [r.encoding, r.recordCount])).toEqual([
      ["protobuf", 2],
      ["protobuf", 2],
      ["protobuf", 1],
    ]);
  });
});
