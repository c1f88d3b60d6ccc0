// The OTLP/HTTP span and metric exporters the standard variables ask for, read from an environment value
// (as otlpLogExporterFromEnv does for logs): URL, timeout, and http/json or http/protobuf per signal.
import { OTLPMetricExporter as OTLPHttpJsonMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPMetricExporter as OTLPHttpProtobufMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPTraceExporter as OTLPHttpJsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OTLPHttpProtobufTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import type { PushMetricExporter } from "@opentelemetry/sdk-metrics";
import type { SpanExporter } from "@opentelemetry/sdk-trace";
import type { Environment } from "../otel/env.ts";
import { OtlpConfigError, otlpUrlFromEnv } from "../otel/otlp-config-from-env.ts";

type Signal = "traces" | "metrics";

function configFor(signal: Signal, env: Environment) {
  const url = otlpUrlFromEnv(signal, env);
  const upper = signal.toUpperCase();
  const timeout =
    nonEmpty(env[`OTEL_EXPORTER_OTLP_${upper}_TIMEOUT`]) ?? nonEmpty(env.OTEL_EXPORTER_OTLP_TIMEOUT);
  if (timeout !== undefined && !/^[1-9]\d*$/.test(timeout)) {
    throw new OtlpConfigError(
      `OTEL_EXPORTER_OTLP_${upper}_TIMEOUT: expected a positive integer, got "${timeout}"`,
    );
  }
  const protocol =
    nonEmpty(env[`OTEL_EXPORTER_OTLP_${upper}_PROTOCOL`]) ??
    nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL) ??
    "http/json";
  if (protocol !== "http/json" && protocol !== "http/protobuf") {
    throw new OtlpConfigError(
      `OTLP protocol "${protocol}" is not bundled (use "http/json" or "http/protobuf" in ` +
        `OTEL_EXPORTER_OTLP_${upper}_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL)`,
    );
  }
  const config = {
    ...(url !== undefined && { url }),
    ...(timeout !== undefined && { timeoutMillis: Number(timeout) }),
  };
  return { protocol, config };
}

export function otlpSpanExporterFromEnv(env: Environment): SpanExporter {
  const { protocol, config } = configFor("traces", env);
  return protocol === "http/json"
    ? new OTLPHttpJsonTraceExporter(config)
    : new OTLPHttpProtobufTraceExporter(config);
}

export function otlpMetricExporterFromEnv(env: Environment): PushMetricExporter {
  const { protocol, config } = configFor("metrics", env);
  return protocol === "http/json"
    ? new OTLPHttpJsonMetricExporter(config)
    : new OTLPHttpProtobufMetricExporter(config);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
