// What the standard OTEL_* variables configure: the OTLP/HTTP exporters and the batch processor.
//
// The exporters read `process.env` themselves; `startTorchLogs`, the demo and `ingest` are handed their
// environment as a value (tests give their own), so the settings that decide where records go and how long
// an export may take are read from that value and passed explicitly. Headers, compression and certificates
// are left to the exporter.

import type { BatchLogRecordProcessorOptions, LogRecordExporter } from "@opentelemetry/sdk-logs";
import { type Environment, readOtlpLogsProtocol } from "./env.ts";
import { OtlpConfigError } from "./otlp-config-error.ts";
import { OtlpLogExporter } from "./otlp-log-exporter.ts";
import type { OtlpRetryPolicy } from "./otlp-retry-policy.ts";

export { OtlpConfigError } from "./otlp-config-error.ts";

/**
 * The URL the OTLP/HTTP exporter specification derives from the environment for `signal`:
 * `OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT` as is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/<signal>`;
 * `undefined` when neither is set (the exporter's default, `http://localhost:4318/v1/<signal>`).
 */
export function otlpUrlFromEnv(signal: "logs" | "traces" | "metrics", env: Environment): string | undefined {
  const name = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`;
  const specific = nonEmpty(env[name]);
  if (specific !== undefined)
    return checkedUrl(name, specific, specific, `http://localhost:4318/v1/${signal}`);
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (base === undefined) return undefined;
  const url = `${base.endsWith("/") ? base : `${base}/`}v1/${signal}`;
  return checkedUrl("OTEL_EXPORTER_OTLP_ENDPOINT", base, url, "http://localhost:4318");
}

/** The OTLP exporters' default export timeout (OTLP exporter specification: 10 s). */
const DEFAULT_OTLP_TIMEOUT_MILLIS = 10_000;

/** `OTEL_EXPORTER_OTLP_LOGS_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT`, else 10 s. */
export function otlpLogsTimeoutMillisFromEnv(env: Environment): number {
  return (
    positiveInteger(env, "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT") ??
    positiveInteger(env, "OTEL_EXPORTER_OTLP_TIMEOUT") ??
    DEFAULT_OTLP_TIMEOUT_MILLIS
  );
}

/**
 * The OTLP/HTTP exporter the environment asks for: JSON, or protobuf when
 * `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL` is `http/protobuf`; URL and
 * `OTEL_EXPORTER_OTLP_(LOGS_)TIMEOUT` from `env`. Throws {@link OtlpConfigError} for another protocol.
 * Its results say how many records the backend refused in a partial success (see `OtlpLogExporter`).
 * `retry`: how exports are retried (default: the stock schedule within the export timeout).
 */
export function otlpLogExporterFromEnv(
  env: Environment,
  protocolOverride?: string,
  retry?: OtlpRetryPolicy,
): LogRecordExporter {
  const url = otlpUrlFromEnv("logs", env);
  const config = {
    ...(url !== undefined && { url }),
    timeoutMillis: otlpLogsTimeoutMillisFromEnv(env),
    ...(retry !== undefined && { retry }),
  };
  const protocol = protocolOverride ?? readOtlpLogsProtocol(env) ?? "http/json";
  if (protocol === "http/json" || protocol === "http/protobuf")
    return new OtlpLogExporter({ ...config, protocol });
  throw new OtlpConfigError(
    `OTLP protocol "${protocol}" is not bundled (use "http/json" or "http/protobuf" in ` +
      "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL)",
  );
}

/**
 * The batch processor's options from the SDK environment variables `OTEL_BLRP_SCHEDULE_DELAY`,
 * `OTEL_BLRP_EXPORT_TIMEOUT`, `OTEL_BLRP_MAX_QUEUE_SIZE` and `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`; unset
 * ones keep the SDK's defaults (1000 ms, 30000 ms, 2048, 512). Throws {@link OtlpConfigError} for a value
 * that is not a positive integer.
 */
export function batchOptionsFromEnv(env: Environment): Omit<BatchLogRecordProcessorOptions, "exporter"> {
  const scheduledDelayMillis = positiveInteger(env, "OTEL_BLRP_SCHEDULE_DELAY");
  const exportTimeoutMillis = positiveInteger(env, "OTEL_BLRP_EXPORT_TIMEOUT");
  const maxQueueSize = positiveInteger(env, "OTEL_BLRP_MAX_QUEUE_SIZE");
  const maxExportBatchSize = positiveInteger(env, "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE");
  return {
    ...(scheduledDelayMillis !== undefined && { scheduledDelayMillis }),
    ...(exportTimeoutMillis !== undefined && { exportTimeoutMillis }),
    ...(maxQueueSize !== undefined && { maxQueueSize }),
    ...(maxExportBatchSize !== undefined && { maxExportBatchSize }),
  };
}

function positiveInteger(env: Environment, name: string): number | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) === 0) {
    throw new OtlpConfigError(`${name}: expected a positive integer, got "${value}"`);
  }
  return Number(value);
}

/**
 * An http: or https: URL, as OTLP/HTTP needs. `localhost:4318` parses as a URL whose scheme is
 * `localhost:`, which the exporter would accept and then fail to send every record to: refused here. The
 * value is echoed in the error with any password replaced (`user:SECRET@collector:4318` has no scheme, so no
 * URL parser sees its password as one).
 */
function checkedUrl(name: string, value: string, url: string, example: string): string {
  const parsed = URL.parse(url);
  if (parsed === null || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    const shown = redactCredentials(value);
    const suggestion = value.includes("://") ? "" : ` (did you mean "http://${shown}"?)`;
    throw new OtlpConfigError(
      `${name}: expected an http:// or https:// URL such as ${example}, got "${shown}"${suggestion}`,
    );
  }
  return parsed.href;
}

/**
 * `value` with the password of its user information masked: `user:SECRET@host` → `user:***@host`, and user
 * information without a colon (`TOKEN@host`, often a token itself) → `***@host`. The authority is what follows
 * `scheme://` (or the start, when there is no scheme) up to the first `/`, `?` or `#`; its user information
 * ends at its last `@`.
 */
function redactCredentials(value: string): string {
  const start = value.includes("://") ? value.indexOf("://") + 3 : 0;
  const rest = value.slice(start);
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf("@");
  if (at === -1) return value;
  const userInfo = authority.slice(0, at);
  const colon = userInfo.indexOf(":");
  const masked = colon === -1 ? "***" : `${userInfo.slice(0, colon)}:***`;
  return value.slice(0, start) + masked + value.slice(start + at);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
