// The batch processor's options for `ingest` and `trace`: the standard `OTEL_BLRP_*` variables, with an export
// timeout long enough for the run's retries, so the processor does not give up on an export (and count its
// records lost) while the retry policy is still trying to deliver it.
import type { BatchLogRecordProcessorOptions } from "@opentelemetry/sdk-logs";
import type { OutageRetryPolicy } from "../delivery/outage-retry-policy.ts";
import type { Environment } from "../otel/env.ts";
import { batchOptionsFromEnv, otlpLogsTimeoutMillisFromEnv } from "../otel/otlp-config-from-env.ts";

/** The SDK's default `exportTimeoutMillis`. */
const SDK_EXPORT_TIMEOUT_MS = 30_000;

export function batchOptionsForRetries(
  env: Environment,
  retry: OutageRetryPolicy,
): Omit<BatchLogRecordProcessorOptions, "exporter"> {
  const options = batchOptionsFromEnv(env);
  const budget = retry.exportBudgetMillis(otlpLogsTimeoutMillisFromEnv(env));
  return {
    ...options,
    exportTimeoutMillis: Math.max(options.exportTimeoutMillis ?? SDK_EXPORT_TIMEOUT_MS, budget),
  };
}
