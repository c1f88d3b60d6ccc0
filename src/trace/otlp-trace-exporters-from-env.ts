// The OTLP/HTTP span and metric exporters the standard variables ask for, read from an environment value
// (as otlpLogExporterFromEnv does for logs): URL, timeout, and http/json or http/protobuf per signal. They are
// the stock exporters' classes around the delegate the log exporter uses (`otel/otlp-http-delegate.ts`), so
// that every export, flush and shutdown ends within the export timeout, whatever the backend does.
import { OTLPMetricExporterBase } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPExporterBase } from "@opentelemetry/otlp-exporter-base";
import {
  type IExporterMetricsHelper,
  type ISerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  MetricsExporterMetricsHelper,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
  TraceExporterMetricsHelper,
} from "@opentelemetry/otlp-transformer";
import type { PushMetricExporter, ResourceMetrics } from "@opentelemetry/sdk-metrics";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import type { Environment } from "../otel/env.ts";
import { OtlpConfigError, otlpUrlFromEnv } from "../otel/otlp-config-from-env.ts";
import { createOtlpHttpDelegate } from "../otel/otlp-http-delegate.ts";
import type { OtlpRetryPolicy } from "../otel/otlp-retry-policy.ts";

/** What the exporters are built with besides the environment. */
export interface TraceExporterOptions {
  /** How exports are retried. Default: the stock schedule, within the export timeout. */
  readonly retry?: OtlpRetryPolicy;
}

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

export function otlpSpanExporterFromEnv(env: Environment, options: TraceExporterOptions = {}): SpanExporter {
  const { delegate } = delegateFromEnv<ReadableSpan[], unknown>("traces", env, options, {
    json: JsonTraceSerializer,
    protobuf: ProtobufTraceSerializer,
    componentType: "otlp_http_span_exporter",
    metricsHelper: TraceExporterMetricsHelper,
  });
  return new OTLPExporterBase(delegate);
}

export function otlpMetricExporterFromEnv(
  env: Environment,
  options: TraceExporterOptions = {},
): PushMetricExporter {
  const { delegate, config } = delegateFromEnv<ResourceMetrics, unknown>("metrics", env, options, {
    json: JsonMetricsSerializer,
    protobuf: ProtobufMetricsSerializer,
    componentType: "otlp_http_metric_exporter",
    metricsHelper: MetricsExporterMetricsHelper,
  });
  return new OTLPMetricExporterBase(delegate, config);
}

/** The stock exporter's parts for one signal, in either encoding. */
interface SignalParts<Internal, Response> {
  readonly json: ISerializer<Internal, Response>;
  readonly protobuf: ISerializer<Internal, Response>;
  readonly componentType: string;
  readonly metricsHelper: IExporterMetricsHelper<Internal>;
}

function delegateFromEnv<Internal, Response>(
  signal: Signal,
  env: Environment,
  options: TraceExporterOptions,
  parts: SignalParts<Internal, Response>,
) {
  const { protocol, config } = configFor(signal, env);
  const json = protocol === "http/json";
  const delegate = createOtlpHttpDelegate(
    { ...config, ...options },
    {
      identifier: signal === "traces" ? "TRACES" : "METRICS",
      path: `v1/${signal}`,
      contentType: json ? "application/json" : "application/x-protobuf",
      serializer: json ? parts.json : parts.protobuf,
      componentType: parts.componentType,
      metricsHelper: parts.metricsHelper,
    },
  );
  return { delegate, config };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
