// The export delegate behind every OTLP/HTTP exporter this package builds (logs; spans and metrics for
// `trace`): the stock exporters' parts — configuration from options and `OTEL_EXPORTER_OTLP_*`, serializer,
// self-observability metrics, the delegate that counts concurrent exports — around a transport whose requests
// are bounded as a whole by the export timeout (`OtlpHttpTransport`) and a retry policy.

import type { MeterProvider } from "@opentelemetry/api";
import {
  type CompressionAlgorithm,
  createOtlpNetworkExportDelegate,
  type IOtlpExportDelegate,
  type OTLPExporterConfigBase,
} from "@opentelemetry/otlp-exporter-base";
import {
  convertLegacyHttpOptions,
  createOtlpHttpExporterMetrics,
} from "@opentelemetry/otlp-exporter-base/node-http";
import type { IExporterMetricsHelper, ISerializer } from "@opentelemetry/otlp-transformer";
import { OtlpHttpTransport } from "./otlp-http-transport.ts";
import { type OtlpRetryPolicy, PER_EXPORT_RETRY } from "./otlp-retry-policy.ts";
import { RetryingOtlpTransport } from "./retrying-otlp-transport.ts";

/** The signal an exporter sends, with the names the stock exporters use for it. */
export interface OtlpSignal<Internal, Response> {
  /** `LOGS`, `TRACES`, `METRICS`: the part of `OTEL_EXPORTER_OTLP_<SIGNAL>_*`. */
  readonly identifier: "LOGS" | "TRACES" | "METRICS";
  /** `v1/logs`, …: appended to `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly path: string;
  readonly contentType: "application/json" | "application/x-protobuf";
  readonly serializer: ISerializer<Internal, Response>;
  /** The `otel.component.type` of the exporter's self-observability metrics. */
  readonly componentType: string;
  readonly metricsHelper: IExporterMetricsHelper<Internal>;
}

/** The stock exporters' options (`OTLPExporterNodeConfigBase`), less `httpAgentOptions` (see `OtlpLogExporterOptions`). */
export interface OtlpHttpDelegateOptions extends OTLPExporterConfigBase {
  readonly keepAlive?: boolean;
  readonly compression?: CompressionAlgorithm;
  readonly userAgent?: string;
  /** How exports are retried. Default: the stock schedule, within the export timeout. */
  readonly retry?: OtlpRetryPolicy;
}

/** An export delegate for `OTLPExporterBase` whose exports, flushes and shutdown all end within their time. */
export function createOtlpHttpDelegate<Internal, Response>(
  options: OtlpHttpDelegateOptions,
  signal: OtlpSignal<Internal, Response>,
  selfObsMeterProvider?: MeterProvider,
): IOtlpExportDelegate<Internal> {
  const { retry = PER_EXPORT_RETRY, ...legacy } = options;
  const config = convertLegacyHttpOptions(legacy, signal.identifier, signal.path, {
    "Content-Type": signal.contentType,
  });
  return createOtlpNetworkExportDelegate(
    config,
    signal.serializer,
    createOtlpHttpExporterMetrics(
      signal.componentType,
      signal.metricsHelper,
      config.url,
      selfObsMeterProvider,
    ),
    new RetryingOtlpTransport(new OtlpHttpTransport(config), retry),
  );
}
