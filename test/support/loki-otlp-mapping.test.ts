// The Loki OTLP mapping model against cases read in Loki's otlp.go / field_detection.go and its OTLP docs.
import { describe, expect, it } from "vitest";
import { lokiEntryFromOtlp, normalizeLokiLabel } from "./loki-otlp-mapping.ts";
import type { ReceivedLogRecord } from "./otlp-logs-normalize.ts";

function record(overrides: Partial<ReceivedLogRecord> = {}): ReceivedLogRecord {
  return {
    encoding: "json",
    resource: { "service.name": "trainer" },
    resourceSchemaUrl: undefined,
    scope: { name: "torch._dynamo", version: undefined, schemaUrl: undefined, attributes: {} },
    timeUnixNano: "1700000000000000000",
    observedTimeUnixNano: "1700000000000000001",
    severityNumber: 0,
    severityText: undefined,
    body: "compiled",
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId: undefined,
    spanId: undefined,
    eventName: undefined,
    ...overrides,
  };
}

describe("normalizeLokiLabel (otlptranslator.NormalizeLabel)", () => {
  it.each([
    ["service.name", "service_name"],
    ["torch.compile_id", "torch_compile_id"],
    ["code.file.path", "code_file_path"],
    ["1st.attr", "key_1st_attr"],
    ["_private", "key_private"],
    ["__reserved", "__reserved"],
  ])("%s → %s", (input, output) => {
    expect(normalizeLokiLabel(input)).toBe(output);
  });
});

describe("lokiEntryFromOtlp", () => {
  it("indexes service.name and the other default resource attributes, keeps the rest as metadata", () => {
    const e = lokiEntryFromOtlp(
      record({
        resource: {
          "service.name": "trainer",
          "k8s.pod.name": "p-0",
          "host.name": "h1",
          "telemetry.sdk.language": "nodejs",
        },
      }),
    );
    expect(e.streamLabels).toEqual({ service_name: "trainer", k8s_pod_name: "p-0" });
    expect(e.structuredMetadata).toMatchObject({ host_name: "h1", telemetry_sdk_language: "nodejs" });
  });

  it("gives a stream without service.name service_name=unknown_service", () => {
    expect(lokiEntryFromOtlp(record({ resource: {} })).streamLabels).toEqual({
      service_name: "unknown_service",
    });
  });

  it("stores scope, attributes (flattened, stringified), severity, ids and the observed time as metadata", () => {
    const e = lokiEntryFromOtlp(
      record({
        scope: {
          name: "torch._inductor",
          version: "1.0",
          schemaUrl: undefined,
          attributes: { "lib.kind": "x" },
        },
        attributes: {
          "torch.rank": 3,
          "torch.artifact": "output_code",
          nested: { a: { b: true } },
          list: [1, "x"],
        },
        severityNumber: 13,
        severityText: "WARN",
        traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
        spanId: "00f067aa0ba902b7",
        flags: 1,
      }),
    );
    expect(e.structuredMetadata).toEqual({
      lib_kind: "x",
      scope_name: "torch._inductor",
      scope_version: "1.0",
      torch_rank: "3",
      torch_artifact: "output_code",
      nested_a_b: "true",
      list: '[1,"x"]',
      observed_timestamp: "1700000000000000001",
      severity_number: "13",
      severity_text: "WARN",
      flags: "1",
      trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
      span_id: "00f067aa0ba902b7",
      detected_level: "warn",
    });
    expect(e.line).toBe("compiled");
  });

  it.each([
    [{ severityText: "WARNING", severityNumber: 13 }, "warn"],
    [{ severityText: "ERROR", severityNumber: 17 }, "error"],
    [{ severityText: "CRITICAL", severityNumber: 21 }, "critical"],
    [{ severityText: "NOTICE", severityNumber: 10 }, "NOTICE"],
    [{ severityNumber: 17 }, "error"],
    [{ severityNumber: 5 }, "debug"],
    [{ body: "something went wrong [ERROR]" }, "error"],
    [{ body: "plain print output" }, "unknown"],
  ])("detected_level of %j is %s", (overrides, level) => {
    expect(
      lokiEntryFromOtlp(record(overrides as Partial<ReceivedLogRecord>)).structuredMetadata.detected_level,
    ).toBe(level);
  });

  it("leaves out what the record does not carry", () => {
    const e = lokiEntryFromOtlp(
      record({
        scope: { name: "", version: undefined, schemaUrl: undefined, attributes: {} },
        timeUnixNano: "0",
      }),
    );
    expect(Object.keys(e.structuredMetadata)).toEqual(["detected_level"]);
  });
});
