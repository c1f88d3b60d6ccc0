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

  // `localhost:4318` is a valid URL with the scheme "localhost:": the exporter took it and lost every record.
  it.each([
    [
      "OTEL_EXPORTER_OTLP_ENDPOINT",
      "localhost:4318",
      "http://localhost:4318",
      ' (did you mean "http://localhost:4318"?)',
    ],
    [
      "OTEL_EXPORTER_OTLP_ENDPOINT",
      "collector",
      "http://localhost:4318",
      ' (did you mean "http://collector"?)',
    ],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "grpc://collector:4317", "http://localhost:4318", ""],
    [
      "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
      "127.0.0.1:4318/v1/logs",
      "http://localhost:4318/v1/logs",
      ' (did you mean "http://127.0.0.1:4318/v1/logs"?)',
    ],
  ])("%s=%s is refused with the expected form", (name, value, example, suggestion) => {
    expect(() => otlpUrlFromEnv("logs", { [name]: value })).toThrow(
      new OtlpConfigError(
        `${name}: expected an http:// or https:// URL such as ${example}, got "${value}"${suggestion}`,
      ),
    );
  });
});

describe("an endpoint with credentials in a refused value", () => {
  // The value is echoed so the user sees what was wrong, never with its password.
  it.each([
    ["user:SECRET@collector:4318", "user:***@collector:4318"],
    ["user:SECRET@collector:4318/otlp?x=@", "user:***@collector:4318/otlp?x=@"],
    ["user:p@ss:SECRET@collector", "user:***@collector"],
    ["SECRET@collector:4318", "***@collector:4318"],
    ["grpc://user:SECRET@collector:4317", "grpc://user:***@collector:4317"],
    ["ftp://SECRET@host/a@b", "ftp://***@host/a@b"],
  ])("%s is shown as %s", (value, shown) => {
    for (const name of ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"]) {
      let message = "";
      try {
        otlpUrlFromEnv("logs", { [name]: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(`got "${shown}"`);
      expect(message).not.toContain("SECRET");
      expect(message).not.toContain("p@ss");
    }
  });
});

describe("otlpLogExporterFromEnv", () => {
  it("refuses an endpoint without a scheme (what startTorchLogs and the demo build their exporter with)", () => {
    expect(() => otlpLogExporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" })).toThrow(
      OtlpConfigError,
    );
  });

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
