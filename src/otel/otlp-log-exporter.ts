// The OTLP/HTTP logs exporter, built from the same public parts as `@opentelemetry/exporter-logs-otlp-http`
// and `-proto` (same configuration, environment variables, retries, timeouts, compression), with one addition:
// it tells its caller when the backend accepted the request but refused some of the records.
//
// OTLP answers a partly refused export with HTTP 200 and `partialSuccess { rejectedLogRecords, errorMessage }`
// (opentelemetry-proto, otlp.md "Partial Success"). The SDK's export delegate turns that into a SUCCESS result
// and a `diag.warn("Received Partial Success response:", …)`, so a counter behind the stock exporter counts the
// refused records as exported. Two ways to see them:
// - parse that diag message: it needs a diag logger installed (the application's to replace), depends on the
//   message text, and cannot tell which export (or which of several exporters) it belongs to;
// - read the response itself: the export delegate hands every response body to the serializer's
//   `deserializeResponse`, then calls the export's callback, in one synchronous step (the `.then` of the
//   transport's send, otlp-export-delegate). A serializer that remembers the last response it decoded lets the
//   callback pick up its own response: nothing else can run between the two.
// The second is what this does, with the exporter base and the serializers that
// `@opentelemetry/otlp-exporter-base` and `@opentelemetry/otlp-transformer` export for this purpose, around
// the delegate of `otlp-http-delegate.ts`, whose requests end within the export timeout, body included.

import type { ExportResult } from "@opentelemetry/core";
import {
  type CompressionAlgorithm,
  OTLPExporterBase,
  type OTLPExporterConfigBase,
} from "@opentelemetry/otlp-exporter-base";
import {
  type IExportLogsServiceResponse,
  type ISerializer,
  JsonLogsSerializer,
  LogsExporterMetricsHelper,
  ProtobufLogsSerializer,
} from "@opentelemetry/otlp-transformer";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { createOtlpHttpDelegate } from "./otlp-http-delegate.ts";
import type { OtlpRetryPolicy } from "./otlp-retry-policy.ts";

/** An export result that also says how many of the exported records the backend refused. */
export interface PartialSuccessExportResult extends ExportResult {
  /** Records of this export the backend refused (OTLP `partialSuccess.rejectedLogRecords`). */
  readonly rejectedLogRecords?: number;
  /** The backend's explanation (`partialSuccess.errorMessage`), as received. */
  readonly rejectionMessage?: string;
}

/**
 * The stock OTLP/HTTP exporter's options (`OTLPExporterNodeConfigBase`) less `httpAgentOptions`, whose Node
 * `http` types would make every consumer of this package's types install `@types/node`.
 */
export interface OtlpLogExporterOptions extends OTLPExporterConfigBase {
  /** Keep-alive on the exporter's HTTP agent. Default `true`. */
  readonly keepAlive?: boolean;
  /** `gzip` or `none`. Default: `OTEL_EXPORTER_OTLP_(LOGS_)COMPRESSION`, else `none`. */
  readonly compression?: CompressionAlgorithm;
  /** Prepended to the exporter's User-Agent. */
  readonly userAgent?: string;
  /** `http/json` or `http/protobuf`. Default `http/json`. */
  readonly protocol?: "http/json" | "http/protobuf";
  /**
   * How an export is retried. Default: as the stock exporter, a retryable answer (429, 502, 503, 504, a
   * refused or reset connection, no complete answer in time) is tried again with backoff (1 s, ×1.5, at most
   * 5 s, or the backend's `Retry-After`) up to 5 times, all within `timeoutMillis`.
   */
  readonly retry?: OtlpRetryPolicy;
}

/** The component type the stock OTLP/HTTP logs exporters report in their self-observability metrics. */
const COMPONENT_TYPE = "otlp_http_log_exporter";

/**
 * The OTLP/HTTP logs exporter (JSON or protobuf) whose export results carry the backend's partial success as
 * {@link PartialSuccessExportResult} fields, for the delivery counter to count refused records as failed.
 * Every export, `forceFlush()` and `shutdown()` ends within the export timeout (`timeoutMillis`,
 * `OTEL_EXPORTER_OTLP_(LOGS_)TIMEOUT`, 10 s) and its retries, however slowly the backend answers.
 */
export class OtlpLogExporter extends OTLPExporterBase<ReadableLogRecord[]> implements LogRecordExporter {
  readonly #seen: { response?: IExportLogsServiceResponse };

  constructor(options: OtlpLogExporterOptions = {}) {
    const { protocol = "http/json", ...config } = options;
    const base = protocol === "http/protobuf" ? ProtobufLogsSerializer : JsonLogsSerializer;
    const seen: { response?: IExportLogsServiceResponse } = {};
    const serializer: ISerializer<ReadableLogRecord[], IExportLogsServiceResponse> = {
      serializeRequest: (records) => base.serializeRequest(records),
      deserializeResponse: (data) => {
        const response = base.deserializeResponse(data);
        seen.response = response;
        return response;
      },
    };
    super(
      createOtlpHttpDelegate(
        config,
        {
          identifier: "LOGS",
          path: "v1/logs",
          contentType: protocol === "http/protobuf" ? "application/x-protobuf" : "application/json",
          serializer,
          componentType: COMPONENT_TYPE,
          metricsHelper: LogsExporterMetricsHelper,
        },
        config.selfObsMeterProvider,
      ),
    );
    this.#seen = seen;
  }

  override export(records: ReadableLogRecord[], done: (result: PartialSuccessExportResult) => void): void {
    super.export(records, (result) => {
      // Decoded just before this callback, in the same synchronous step (see the file comment).
      const response = this.#seen.response;
      this.#seen.response = undefined;
      done({ ...result, ...rejectionOf(response) });
    });
  }
}

function rejectionOf(
  response: IExportLogsServiceResponse | undefined,
): Pick<PartialSuccessExportResult, "rejectedLogRecords" | "rejectionMessage"> {
  const partial = response?.partialSuccess;
  if (partial == null) return {};
  // int64 arrives as a number, a decimal string (OTLP/JSON) or a Long-like object (protobuf).
  const rejected = Number(String(partial.rejectedLogRecords ?? 0));
  const message = typeof partial.errorMessage === "string" ? partial.errorMessage : "";
  if (!(rejected > 0) && message === "") return {};
  return {
    ...(rejected > 0 && { rejectedLogRecords: rejected }),
    ...(message !== "" && { rejectionMessage: message }),
  };
}
