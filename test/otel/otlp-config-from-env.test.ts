import { describe, expect, it } from "vitest";
import {
  batchOptionsFromEnv,
  OtlpConfigError,
  otlpLogExporterFromEnv,
  otlpUrlFromEnv,
} from "../../src/otel/otlp-config-from-env.ts";

describe("otlpUrlFromEnv", () => {
  it.each([
    [{}, undefined],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }, "http://collector:4318/v1/logs"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }, "http://collector:4318/v1/logs"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "https://gw.example/otlp" }, "https://gw.example/otlp/v1/logs"],
    // The signal-specific variable is the whole URL and wins.
    [
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318",
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://b:9999/custom",
      },
      "http://b:9999/custom",
    ],
    [{ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "  " }, undefined],
  ])("%j → %s", (env, url) => {
    expect(otlpUrlFromEnv("logs", env)).toBe(url);
  });

  it("rejects a value that is not a URL, naming the variable", () => {
    expect(() => otlpUrlFromEnv("logs", { OTEL_EXPORTER_OTLP_ENDPOINT: "collector" })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT: not a URL/,
    );
  });
});

describe("otlpLogExporterFromEnv", () => {
  it("refuses protocols it does not bundle", () => {
    expect(() => otlpLogExporterFromEnv({ OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "grpc" })).toThrow(
      OtlpConfigError,
    );
  });
});

describe("batchOptionsFromEnv", () => {
  it("reads the OTEL_BLRP_* variables and leaves unset ones to the SDK", () => {
    expect(
      batchOptionsFromEnv({ OTEL_BLRP_MAX_QUEUE_SIZE: "100", OTEL_BLRP_SCHEDULE_DELAY: " 50 " }),
    ).toStrictEqual({ scheduledDelayMillis: 50, maxQueueSize: 100 });
  });

  it.each(["0", "-1", "1.5", "lots"])("rejects %j", (value) => {
    expect(() => batchOptionsFromEnv({ OTEL_BLRP_MAX_QUEUE_SIZE: value })).toThrow(
      /OTEL_BLRP_MAX_QUEUE_SIZE: expected a positive integer/,
    );
  });
});
