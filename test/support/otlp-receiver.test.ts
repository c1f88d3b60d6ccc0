// Proves test/support/otlp-receiver.ts decodes exactly what the real OpenTelemetry JS log exporters send
// (OTLP/HTTP JSON and protobuf, plain and gzip), and that its fault injection drives the exporters' real
// retry and timeout paths.
import { ROOT_CONTEXT, SeverityNumber, trace } from "@opentelemetry/api";
import { OTLPLogExporter as JsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as ProtobufLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  type LogRecordExporter,
  type LogRecordProcessor,
  SimpleLogRecordProcessor,
} from "@opentelemetry/sdk-logs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OtlpLogExporter } from "../../src/index.ts";
import { encodeExportLogsServiceRequest } from "./otlp-logs-schema.ts";
import { type OtlpEncoding, type OtlpReceiver, startOtlpReceiver } from "./otlp-receiver.ts";

type ExporterConfig = NonNullable<ConstructorParameters<typeof JsonLogExporter>[0]>;
// `compression` is typed as an enum from a transitive package; the wire value is the string "gzip".
const GZIP = "gzip" as NonNullable<ExporterConfig["compression"]>;

interface ExporterKind {
  /** Whose exporter: the stock OpenTelemetry one, or this package's (its own transport). */
  readonly name: string;
  readonly encoding: OtlpEncoding;
  readonly contentType: string;
  readonly create: (config: ExporterConfig) => LogRecordExporter & { forceFlush(): Promise<void> };
}

const EXPORTERS: readonly ExporterKind[] = [
  {
    name: "OTLPLogExporter",
    encoding: "json",
    contentType: "application/json",
    create: (config) => new JsonLogExporter(config),
  },
  {
    name: "OTLPLogExporter",
    encoding: "protobuf",
    contentType: "application/x-protobuf",
    create: (config) => new ProtobufLogExporter(config),
  },
  // This package's exporter sends through its own transport: the same wire contract, checked by the same tests.
  ...(["json", "protobuf"] as const).map(
    (encoding): ExporterKind => ({
      name: "OtlpLogExporter",
      encoding,
      contentType: encoding === "json" ? "application/json" : "application/x-protobuf",
      create: (config) =>
        new OtlpLogExporter({ ...config, protocol: encoding === "json" ? "http/json" : "http/protobuf" }),
    }),
  ),
];

const SERVICE = { "service.name": "torch-logs-otel-test", "service.version": "0.0.0-test" };
const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const SPAN_ID = "b7ad6b7169203331";

let receiver: OtlpReceiver;
let providers: LoggerProvider[];

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  providers = [];
});

afterEach(async () => {
  // Providers first: their shutdown waits for in-flight exports, which need the receiver.
  await Promise.all(providers.map((provider) => provider.shutdown()));
  await receiver.close();
});

interface Pipeline {
  readonly provider: LoggerProvider;
  readonly exporter: ReturnType<ExporterKind["create"]>;
  /**
   * SimpleLogRecordProcessor.forceFlush() does NOT wait for the HTTP export it started (it only tracks
   * async resource attributes), so also flush the exporter, whose promise queue covers every retry.
   */
  readonly flush: () => Promise<void>;
}

function pipeline(
  kind: ExporterKind,
  config: Partial<ExporterConfig> = {},
  processor: "simple" | "batch" = "simple",
): Pipeline {
  const exporter = kind.create({ url: receiver.url, ...config });
  const logProcessor: LogRecordProcessor =
    processor === "simple"
      ? new SimpleLogRecordProcessor({ exporter })
      : new BatchLogRecordProcessor({ exporter });
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(SERVICE),
    processors: [logProcessor],
  });
  providers.push(provider);
  const flush = async () => {
    await provider.forceFlush();
    await exporter.forceFlush();
  };
  return { provider, exporter, flush };
}

interface BodyCase {
  readonly name: string;
  readonly scope: string;
  readonly severityNumber: SeverityNumber;
  readonly severityText: string;
  readonly body: unknown;
  readonly attributes: Record<string, unknown>;
}

const BODY_CASES: readonly BodyCase[] = [
  {
    name: "string body with a torch artifact attribute",
    scope: "torch._dynamo",
    severityNumber: SeverityNumber.DEBUG,
    severityText: "DEBUG",
    body: "def forward(self, x):\n    return torch.relu(x) + 1  # ünïcödé",
    attributes: { "torch.artifact": "graph_code", "torch.rank": 0 },
  },
  {
    name: "structured body",
    scope: "torch._inductor",
    severityNumber: SeverityNumber.WARN,
    severityText: "WARNING",
    body: { kind: "recompile", reasons: ["guard failed", "size mismatch"], count: 3, ratio: 0.5, ok: false },
    attributes: { "torch.log.qualname": "torch._inductor.graph", shape: [2, 3, 4], nested: { a: "b" } },
  },
  {
    name: "negative integer body",
    scope: "torch.distributed",
    severityNumber: SeverityNumber.ERROR,
    severityText: "ERROR",
    body: -42,
    attributes: { "torch.artifact": "ddp_graphs", retried: true, loss: 1.25 },
  },
  {
    name: "double body",
    scope: "torch.fx",
    severityNumber: SeverityNumber.INFO,
    severityText: "INFO",
    body: 3.5,
    attributes: {},
  },
  {
    name: "boolean body",
    scope: "torch.export",
    severityNumber: SeverityNumber.FATAL,
    severityText: "CRITICAL",
    body: false,
    attributes: { empty: "" },
  },
  {
    name: "bytes body",
    scope: "torch._functorch",
    severityNumber: SeverityNumber.TRACE,
    severityText: "TRACE",
    body: new Uint8Array([0, 1, 254, 255]),
    attributes: { mixed: [1, "two", null] },
  },
];

describe.each(EXPORTERS)("receiver ← real $encoding $name", (kind) => {
  it.each(BODY_CASES)("decodes a record with a $name", async (testCase) => {
    const { provider, flush } = pipeline(kind);
    provider.getLogger(testCase.scope, "2.6.0").emit({
      severityNumber: testCase.severityNumber,
      severityText: testCase.severityText,
      body: testCase.body,
      attributes: testCase.attributes,
    });
    await flush();

    const [record] = await receiver.waitForRecords(1);
    expect(receiver.records).toHaveLength(1);
    expect(record).toMatchObject({
      encoding: kind.encoding,
      resource: SERVICE,
      scope: { name: testCase.scope, version: "2.6.0", attributes: {} },
      severityNumber: testCase.severityNumber,
      severityText: testCase.severityText,
      body: testCase.body,
      attributes: testCase.attributes,
      traceId: undefined,
      spanId: undefined,
      flags: 0,
    });
    expect(record?.timeUnixNano).toMatch(/^\d{19}$/);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]).toMatchObject({
      method: "POST",
      path: "/v1/logs",
      contentType: kind.contentType,
      encoding: kind.encoding,
      status: 200,
      outcome: "accepted",
      recordCount: 1,
    });
  });

  it("receives trace and span ids from an explicit span context", async () => {
    const { provider, flush } = pipeline(kind);
    const context = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
    provider
      .getLogger("torch._dynamo")
      .emit({ body: "in a span", severityNumber: SeverityNumber.INFO, context });
    await flush();

    const [record] = await receiver.waitForRecords(1);
    expect(record).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, flags: 1 });
  });

  it("keeps nanosecond timestamps, event name, scope attributes and schema urls", async () => {
    const { provider, flush } = pipeline(kind);
    const logger = provider.getLogger("torch._inductor", undefined, {
      schemaUrl: "https://opentelemetry.io/schemas/1.30.0",
      attributes: { "torch.logs.setting": "+dynamo,graph_code" },
    });
    logger.emit({
      timestamp: [1_700_000_000, 123_456_789],
      observedTimestamp: [1_700_000_001, 5],
      eventName: "torch.compile.recompile",
      body: "recompiling",
    });
    await flush();

    const [record] = await receiver.waitForRecords(1);
    expect(record).toMatchObject({
      timeUnixNano: "1700000000123456789",
      observedTimeUnixNano: "1700000001000000005",
      eventName: "torch.compile.recompile",
      severityNumber: SeverityNumber.UNSPECIFIED,
      severityText: undefined,
      scope: {
        name: "torch._inductor",
        version: undefined,
        schemaUrl: "https://opentelemetry.io/schemas/1.30.0",
        attributes: { "torch.logs.setting": "+dynamo,graph_code" },
      },
    });
  });

  it("decodes gzip-compressed exports and records the auth header", async () => {
    const { provider, flush } = pipeline(kind, {
      compression: GZIP,
      headers: { Authorization: "Bearer test-token" },
    });
    provider
      .getLogger("torch._dynamo")
      .emit({ body: "x".repeat(10_000), attributes: { "torch.artifact": "guards" } });
    await flush();

    const [record] = await receiver.waitForRecords(1);
    expect(record?.body).toBe("x".repeat(10_000));
    expect(receiver.requests[0]).toMatchObject({ contentEncoding: "gzip", status: 200 });
    expect(receiver.requests[0]?.headers.authorization).toBe("Bearer test-token");
    expect(receiver.requests[0]?.headers["user-agent"]).toMatch(/^OTel-OTLP-Exporter-JavaScript\//);
  });

  it("flattens a batch spanning several scopes in payload order", async () => {
    const { provider, flush } = pipeline(kind, {}, "batch");
    provider.getLogger("torch._dynamo").emit({ body: "d1" });
    provider.getLogger("torch._inductor").emit({ body: "i1" });
    provider.getLogger("torch._dynamo").emit({ body: "d2" });
    await flush();

    await receiver.waitForRecords(3);
    expect(receiver.requests).toHaveLength(1);
    // The exporters group by scope, so records of one scope are contiguous.
    expect(receiver.records.map((r) => [r.scope.name, r.body])).toEqual([
      ["torch._dynamo", "d1"],
      ["torch._dynamo", "d2"],
      ["torch._inductor", "i1"],
    ]);
  });

  it.each([429, 503])("retries after a %i (Retry-After: 0) and delivers once", async (status) => {
    receiver.setBehaviour({ status, retryAfterSeconds: 0, times: 1 });
    const { provider, flush } = pipeline(kind);
    provider.getLogger("torch._dynamo").emit({ body: "retry me" });
    await flush();

    expect(receiver.requests.map((r) => r.status)).toEqual([status, 200]);
    expect(receiver.rejectedRequests).toBe(1);
    expect(receiver.records.map((r) => r.body)).toEqual(["retry me"]);
  });

  it("backs off about a second on a 503 without Retry-After, then succeeds once switched to 200", async () => {
    receiver.setBehaviour({ status: 503 });
    const { provider, flush } = pipeline(kind);
    const started = performance.now();
    provider.getLogger("torch._dynamo").emit({ body: "eventually" });
    // Switch only once the 503 has been sent: a request counts as arrived before its body is decoded.
    await expect.poll(() => receiver.rejectedRequests).toBe(1);
    receiver.setBehaviour({ status: 200 });
    await flush();

    // Initial backoff is 1000 ms with ±20% jitter.
    expect(performance.now() - started).toBeGreaterThanOrEqual(750);
    expect(receiver.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(receiver.records.map((r) => r.body)).toEqual(["eventually"]);
  });

  it("does not retry a 500", async () => {
    receiver.setBehaviour({ status: 500 });
    const { provider, flush } = pipeline(kind);
    provider.getLogger("torch._dynamo").emit({ body: "lost" });
    await flush();

    expect(receiver.requests.map((r) => [r.status, r.outcome, r.recordCount])).toEqual([
      [500, "rejected", 1],
    ]);
    expect(receiver.rejectedRequests).toBe(1);
    expect(receiver.records).toEqual([]);
  });

  it("answers after delayMs", async () => {
    receiver.setBehaviour({ delayMs: 150 });
    const { provider, flush } = pipeline(kind);
    const started = performance.now();
    provider.getLogger("torch._dynamo").emit({ body: "slow" });
    await flush();

    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(receiver.records.map((r) => r.body)).toEqual(["slow"]);
  });

  it("lets the exporter time out on a hanging receiver without recording anything", async () => {
    receiver.setBehaviour({ hang: true });
    // The timeout is also the retry deadline, so the exporter gives up instead of retrying.
    const { provider, flush } = pipeline(kind, { timeoutMillis: 300 });
    provider.getLogger("torch._dynamo").emit({ body: "never acknowledged" });
    await flush();

    await expect.poll(() => receiver.requests[0]?.outcome).toBe("aborted");
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.records).toEqual([]);
  });

  it("handles a hanging request once the behaviour changes", async () => {
    receiver.setBehaviour({ hang: true });
    const { provider, flush } = pipeline(kind);
    provider.getLogger("torch._dynamo").emit({ body: "released" });
    await expect.poll(() => receiver.requests[0]?.recordCount).toBe(1);
    expect(receiver.records).toEqual([]);

    receiver.setBehaviour({ status: 200 });
    await flush();
    expect(receiver.records.map((r) => r.body)).toEqual(["released"]);
    expect(receiver.requests).toHaveLength(1);
  });
});

describe("JSON and protobuf encodings", () => {
  it("normalize the same records to identical objects apart from `encoding`", async () => {
    const context = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
    const emitAll = async ({ provider, flush }: Pipeline) => {
      const logger = provider.getLogger("torch._dynamo", "2.6.0", { attributes: { rank: 3 } });
      const timestamp: [number, number] = [1_700_000_000, 1];
      logger.emit({ timestamp, observedTimestamp: timestamp, body: "plain" });
      logger.emit({
        timestamp,
        observedTimestamp: timestamp,
        context,
        eventName: "torch.artifact",
        severityNumber: SeverityNumber.WARN2,
        severityText: "WARNING",
        // 2**60 is not a safe integer: it must survive both encodings exactly (as a bigint).
        body: { big: 2 ** 60, neg: -7, list: [true, 0.25, null, new Uint8Array([9])], map: { "": "" } },
        attributes: { "torch.artifact": "graph_code", "torch.dims": [1, 2] },
      });
      await flush();
    };
    const stock = EXPORTERS.filter((kind) => kind.name === "OTLPLogExporter");
    for (const kind of stock) {
      // Batch processor: one request per encoding, so record order is deterministic.
      await emitAll(pipeline(kind, {}, "batch"));
    }

    const records = await receiver.waitForRecords(4);
    const byEncoding = (encoding: OtlpEncoding) =>
      records.filter((r) => r.encoding === encoding).map(({ encoding: _, ...rest }) => rest);
    expect(byEncoding("json")).toHaveLength(2);
    expect(byEncoding("protobuf")).toStrictEqual(byEncoding("json"));
    expect(records[1]?.body).toEqual({
      big: 2n ** 60n,
      neg: -7,
      list: [true, 0.25, null, new Uint8Array([9])],
      map: { "": "" },
    });
  });
});

describe("receiver robustness", () => {
  const VALID_JSON = JSON.stringify({
    resourceLogs: [
      { scopeLogs: [{ scope: { name: "raw" }, logRecords: [{ body: { stringValue: "ok" } }] }] },
    ],
  });

  async function send(
    body: string | Uint8Array | undefined,
    headers: Record<string, string>,
    { method = "POST", path = "/v1/logs" } = {},
  ): Promise<number> {
    const response = await fetch(new URL(path, receiver.url), { method, headers, body });
    await response.arrayBuffer();
    return response.status;
  }

  const json = { "content-type": "application/json" };
  const protobuf = { "content-type": "application/x-protobuf" };
  const MALFORMED: readonly {
    name: string;
    body?: string | Uint8Array;
    headers?: Record<string, string>;
    method?: string;
    path?: string;
    status: number;
  }[] = [
    { name: "invalid JSON", body: "{not json", headers: json, status: 400 },
    { name: "JSON of the wrong shape", body: '{"resourceLogs":{}}', headers: json, status: 400 },
    {
      name: "a non-hex JSON trace id",
      body: JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: "zz" }] }] }] }),
      headers: json,
      status: 400,
    },
    { name: "truncated protobuf", body: new Uint8Array([0x0a, 0x05, 0x01]), headers: protobuf, status: 400 },
    {
      name: "a body that is not gzip",
      body: VALID_JSON,
      headers: { ...json, "content-encoding": "gzip" },
      status: 400,
    },
    {
      name: "an unsupported content type",
      body: VALID_JSON,
      headers: { "content-type": "text/plain" },
      status: 415,
    },
    { name: "a GET", method: "GET", status: 405 },
    { name: "an unknown path", body: VALID_JSON, headers: json, path: "/v1/traces", status: 404 },
  ];

  it.each(MALFORMED)("answers $status to $name, counts it and keeps serving", async (testCase) => {
    const { body, headers = {}, method, path, status } = testCase;
    expect(await send(body, headers, { method, path })).toBe(status);
    expect(receiver.malformedRequests).toBe(1);
    expect(receiver.requests[0]).toMatchObject({ status, outcome: "malformed" });
    expect(receiver.requests[0]?.error).toBeTruthy();

    expect(await send(VALID_JSON, json)).toBe(200);
    expect(receiver.records.map((r) => r.body)).toEqual(["ok"]);
  });

  it("accepts Collector-style OTLP/JSON (64-bit integers as strings, upper-case hex ids)", async () => {
    const payload = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: "1700000000000000001",
                  severityNumber: 17,
                  body: { intValue: "9007199254740993" },
                  attributes: [{ key: "n", value: { intValue: "12" } }],
                  traceId: TRACE_ID.toUpperCase(),
                },
              ],
            },
          ],
        },
      ],
    };
    expect(await send(JSON.stringify(payload), { "content-type": "application/json; charset=utf-8" })).toBe(
      200,
    );
    expect(receiver.records[0]).toMatchObject({
      timeUnixNano: "1700000000000000001",
      severityNumber: 17,
      body: 9007199254740993n,
      attributes: { n: 12 },
      traceId: TRACE_ID,
    });
  });

  it("decodes protobuf built with an independent encoder", async () => {
    const payload = encodeExportLogsServiceRequest({
      resourceLogs: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "raw" } }] },
          scopeLogs: [
            {
              scope: { name: "torch._dynamo" },
              logRecords: [
                {
                  timeUnixNano: "42",
                  body: { intValue: "-9007199254740993" },
                  spanId: Buffer.from(SPAN_ID, "hex"),
                },
              ],
            },
          ],
        },
      ],
    });
    expect(await send(payload, protobuf)).toBe(200);
    expect(receiver.records[0]).toMatchObject({
      resource: { "service.name": "raw" },
      timeUnixNano: "42",
      body: -9007199254740993n,
      spanId: SPAN_ID,
      traceId: undefined,
    });
  });

  it("answers an empty export request with 200 and no records", async () => {
    expect(await send("{}", json)).toBe(200);
    expect(await send(new Uint8Array(), protobuf)).toBe(200);
    expect(receiver.records).toEqual([]);
    expect(receiver.requests.map((r) => r.outcome)).toEqual(["accepted", "accepted"]);
  });

  it("close() releases a hanging request, and closing twice is harmless", async () => {
    receiver.setBehaviour({ hang: true });
    const outcome = send(VALID_JSON, json).then(
      (status) => `answered ${status}`,
      () => "connection torn down",
    );
    await expect.poll(() => receiver.requests[0]?.recordCount).toBe(1);

    await receiver.close();
    await receiver.close();
    expect(await outcome).toBe("connection torn down");
    expect(receiver.requests[0]?.outcome).toBe("aborted");
    expect(receiver.records).toEqual([]);
  });

  it("waitForRecords rejects with a clear message on timeout", async () => {
    await expect(receiver.waitForRecords(1, 50)).rejects.toThrow(
      /expected >= 1 log records within 50 ms, got 0; no requests arrived/,
    );
  });

  it("clear() forgets records and requests", async () => {
    expect(await send(VALID_JSON, json)).toBe(200);
    receiver.clear();
    expect([receiver.records, receiver.requests, receiver.rejectedRequests]).toEqual([[], [], 0]);
  });
});
