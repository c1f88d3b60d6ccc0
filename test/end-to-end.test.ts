// The whole path: facade and raw OTel API → SDK → TorchLogsLogRecordProcessor → BatchLogRecordProcessor →
// the real OTLP/HTTP exporter (JSON and protobuf) → an OTLP receiver on 127.0.0.1 that decodes the payloads.
import { context, logs, SeverityNumber, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPLogExporter as JsonExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as ProtobufExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { TracerProvider } from "@opentelemetry/sdk-trace";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  getArtifactLogger,
  getLogger,
  PythonLevel,
  startTorchLogs,
  type TorchLogsPipeline,
} from "../src/index.ts";
import { type OtlpReceiver, startOtlpReceiver } from "./support/otlp-receiver.ts";

const encodings = [
  ["json", (url: string) => new JsonExporter({ url })],
  ["protobuf", (url: string) => new ProtobufExporter({ url })],
] as const;

describe.each(encodings)("end to end over OTLP/HTTP %s", (encoding, createExporter) => {
  let receiver: OtlpReceiver;
  let pipeline: TorchLogsPipeline | undefined;
  const contextManager = new AsyncLocalStorageContextManager();

  beforeEach(async () => {
    receiver = await startOtlpReceiver();
    context.setGlobalContextManager(contextManager.enable());
  });

  afterEach(async () => {
    await pipeline?.shutdown();
    pipeline = undefined;
    await receiver.close();
    context.disable();
  });

  it("delivers exactly the records TORCH_LOGS lets through, with scope, severity, body, artifact, resource and trace ids", async () => {
    pipeline = startTorchLogs({
      serviceName: "trainer",
      resourceAttributes: { "deployment.environment.name": "test" },
      exporter: createExporter(receiver.url),
      settings: "+dynamo,-inductor,graph_breaks",
      batch: { scheduledDelayMillis: 10 },
    });
    const tracer = new TracerProvider().getTracer("test");
    const span = tracer.startSpan("compile");
    await context.with(trace.setSpan(context.active(), span), async () => {
      getLogger("torch._dynamo.convert_frame").debug("tracing %s", "forward");
      getLogger("torch._inductor.scheduler").warning("dropped: inductor is at ERROR");
      getLogger("torch._inductor.scheduler").error("inductor failed");
      getArtifactLogger("torch._dynamo.symbolic_convert", "graph_breaks").debug("Graph break: print()");
      getArtifactLogger("torch._inductor.graph", "output_code").debug("dropped: off by default");
      // The raw OTel API, as other instrumentations use it: same filter.
      const raw = logs.getLogger("torch._inductor.codegen");
      raw.emit({ severityNumber: SeverityNumber.INFO, body: "dropped: raw info under -inductor" });
      logs
        .getLogger("@opentelemetry/instrumentation-http")
        .emit({ severityNumber: SeverityNumber.DEBUG, body: "http debug" });
    });
    span.end();
    await pipeline.forceFlush();
    const records = await receiver.waitForRecords(4);
    const { traceId, spanId } = span.spanContext();
    expect(
      records.map((r) => ({
        scope: r.scope.name,
        severityNumber: r.severityNumber,
        severityText: r.severityText,
        body: r.body,
        artifact: r.attributes["torch.artifact"],
        traceId: r.traceId,
        spanId: r.spanId,
      })),
    ).toEqual([
      {
        scope: "torch._dynamo.convert_frame",
        severityNumber: 5,
        severityText: "DEBUG",
        body: "tracing forward",
        artifact: undefined,
        traceId,
        spanId,
      },
      {
        scope: "torch._inductor.scheduler",
        severityNumber: 17,
        severityText: "ERROR",
        body: "inductor failed",
        artifact: undefined,
        traceId,
        spanId,
      },
      {
        scope: "torch._dynamo.symbolic_convert",
        severityNumber: 5,
        severityText: "DEBUG",
        body: "Graph break: print()",
        artifact: "graph_breaks",
        traceId,
        spanId,
      },
      {
        scope: "@opentelemetry/instrumentation-http",
        severityNumber: 5,
        severityText: undefined,
        body: "http debug",
        artifact: undefined,
        traceId,
        spanId,
      },
    ]);
    for (const record of records) {
      expect(record.encoding).toBe(encoding);
      expect(record.resource["service.name"]).toBe("trainer");
      expect(record.resource["deployment.environment.name"]).toBe("test");
    }
  });

  it("with loggerConfigurator, drops at the SDK and delivers the same records", async () => {
    pipeline = startTorchLogs({
      exporter: createExporter(receiver.url),
      settings: "-inductor,+dynamo",
      loggerConfigurator: true,
      batch: { scheduledDelayMillis: 10 },
    });
    const inductor = logs.getLogger("torch._inductor.codegen");
    expect(inductor.enabled({ severityNumber: SeverityNumber.WARN })).toBe(false);
    inductor.emit({ severityNumber: SeverityNumber.WARN, body: "dropped by the SDK" });
    inductor.emit({ severityNumber: SeverityNumber.ERROR, body: "inductor error" });
    getLogger("torch._dynamo").debug("dynamo debug");
    await pipeline.forceFlush();
    await receiver.waitForRecords(2);
    expect(receiver.records.map((r) => r.body)).toEqual(["inductor error", "dynamo debug"]);
    expect(pipeline.stats().filtered).toBe(0); // nothing reached the processor to be filtered
  });

  it("setLogs at run time changes what arrives, for loggers created before the change", async () => {
    pipeline = startTorchLogs({
      exporter: createExporter(receiver.url),
      settings: "env",
      env: {},
      batch: { scheduledDelayMillis: 10 },
    });
    const log = getLogger("torch._inductor");
    const raw = logs.getLogger("torch._inductor.lowering");
    log.info("before: hidden");
    raw.emit({ severityNumber: SeverityNumber.DEBUG, body: "raw before: hidden" });
    pipeline.setLogs({ inductor: PythonLevel.DEBUG });
    log.info("after");
    raw.emit({ severityNumber: SeverityNumber.DEBUG, body: "raw after" });
    pipeline.setLogs({ inductor: PythonLevel.ERROR });
    log.warning("hidden again");
    await pipeline.forceFlush();
    const records = await receiver.waitForRecords(2);
    expect(records.map((r) => r.body)).toEqual(["after", "raw after"]);
  });
});
