// Every OTLP export, flush and shutdown ends within the export timeout, whatever the backend does inside its
// answer: a body sent one byte at a time, a status line that never comes. Real exporters, a real receiver on
// 127.0.0.1; each wait is bounded, so a hang fails the test instead of stalling the suite.
import { SeverityNumber } from "@opentelemetry/api";
import type { ExportResult, ExportResultCode } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from "@opentelemetry/sdk-logs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OtlpLogExporter, startTorchLogs } from "../../src/index.ts";
import {
  otlpMetricExporterFromEnv,
  otlpSpanExporterFromEnv,
} from "../../src/trace/otlp-trace-exporters-from-env.ts";
import { CompileMetricsRecorder, SpanBatchExporter } from "../../src/trace/trace-otlp-export.ts";
import { type OtlpReceiver, type ReceiverBehaviour, startOtlpReceiver } from "../support/otlp-receiver.ts";
import { within } from "../support/within.ts";

/** The export timeout the exporters get; every wait below allows a few of them, never forever. */
const TIMEOUT_MS = 200;
const BOUND_MS = 8 * TIMEOUT_MS;

let receiver: OtlpReceiver;

beforeEach(async () => {
  receiver = await startOtlpReceiver({ tracesAndMetrics: true });
});

afterEach(async () => {
  await receiver.close();
});

/** One finished SDK log record, as the batch processor hands records to an exporter. */
function oneRecord(body: string): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
  provider.getLogger("torch._dynamo").emit({ severityNumber: SeverityNumber.WARN, body });
  return memory.getFinishedLogRecords();
}

const FAULTS: readonly { name: string; behaviour: ReceiverBehaviour; code: ExportResultCode }[] = [
  // A 2xx status says the backend took the records: only the partial-success body is lost.
  {
    name: "answers 200, then its body one byte at a time",
    behaviour: { dribble: { intervalMs: 50 } },
    code: 0,
  },
  {
    name: "answers 503, then its body one byte at a time",
    behaviour: { status: 503, dribble: { intervalMs: 50 } },
    code: 1,
  },
  { name: "never answers", behaviour: { hang: true }, code: 1 },
];

describe.each(["http/json", "http/protobuf"] as const)(
  "OtlpLogExporter (%s) against a backend that",
  (protocol) => {
    it.each(FAULTS)(
      "$name: the export, forceFlush and shutdown end within the timeout",
      async ({ behaviour, code }) => {
        receiver.setBehaviour(behaviour);
        const exporter = new OtlpLogExporter({ url: receiver.url, timeoutMillis: TIMEOUT_MS, protocol });
        const records = oneRecord("slow");
        const result = await within(
          new Promise<ExportResult>((resolve) => exporter.export(records, resolve)),
          BOUND_MS,
          "the export",
        );
        expect(result.code).toBe(code);
        await within(exporter.forceFlush(), BOUND_MS, "forceFlush()");
        await within(exporter.shutdown(), BOUND_MS, "shutdown()");
        expect(receiver.requests.length).toBeGreaterThan(0);
      },
    );
  },
);

describe("startTorchLogs against a backend that dribbles its answer", () => {
  it("shutdown() resolves within the export timeout, and the record counts as exported", async () => {
    receiver.setBehaviour({ dribble: { intervalMs: 50 } });
    const pipeline = startTorchLogs(
      { exporter: "otlp", settings: "", register: false, flushOnExit: false },
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: String(TIMEOUT_MS) },
    );
    pipeline.provider.getLogger("torch._dynamo").emit({ severityNumber: SeverityNumber.WARN, body: "x" });
    await within(pipeline.shutdown(), BOUND_MS, "pipeline.shutdown()");
    expect(pipeline.stats()).toMatchObject({ passed: 1, exported: 1, failed: 0, pending: 0 });
    expect(receiver.records.map((r) => r.body)).toEqual(["x"]);
  });
});

describe.each(["http/json", "http/protobuf"])(
  "trace's span and metric exporters (%s) against a backend that",
  (protocol) => {
    const env = () => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_TIMEOUT: String(TIMEOUT_MS),
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    });
    const resource = resourceFromAttributes({ "service.name": "test" });

    it.each(FAULTS)(
      "$name: spans are settled and shutdown ends within the timeout",
      async ({ behaviour, code }) => {
        receiver.setBehaviour({ ...behaviour, allSignals: true });
        const errors: string[] = [];
        const spans = new SpanBatchExporter(otlpSpanExporterFromEnv(env()), resource, (m) => errors.push(m));
        await within(spans.add([SPAN]), BOUND_MS, "add()");
        await within(spans.shutdown(), BOUND_MS, "shutdown()");
        expect(spans.stats).toEqual(code === 0 ? { exported: 1, failed: 0 } : { exported: 0, failed: 1 });
        expect(errors).toHaveLength(code === 0 ? 0 : 1);
      },
    );

    it.each(FAULTS)(
      "$name: the metrics' last export and shutdown end within the timeout",
      async ({ behaviour, code }) => {
        receiver.setBehaviour({ ...behaviour, allSignals: true });
        const metrics = new CompileMetricsRecorder(otlpMetricExporterFromEnv(env()), resource);
        metrics.record({
          name: "torch.compile.graph_breaks",
          kind: "counter",
          unit: "{break}",
          value: 1,
          attributes: {},
        });
        await within(metrics.shutdown(), BOUND_MS, "shutdown()");
        expect(metrics.exports).toEqual(
          code === 0 ? { succeeded: 1, failed: 0 } : { succeeded: 0, failed: 1 },
        );
      },
    );
  },
);

const SPAN = {
  name: "dynamo",
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spanId: "b7ad6b7169203331",
  parentSpanId: undefined,
  startTime: [1_700_000_000, 0] as [number, number],
  endTime: [1_700_000_001, 0] as [number, number],
  attributes: {},
  events: [],
};
