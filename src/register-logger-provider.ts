import { type LoggerProvider, logs } from "@opentelemetry/api";
import { logs as legacyLogs } from "@opentelemetry/api-logs";

/**
 * Registers `provider` as the global LoggerProvider of both logs APIs: `@opentelemetry/api` (>= 1.10, the
 * stable one) and `@opentelemetry/api-logs`, which keeps a separate global that older appenders (e.g.
 * winston-transport) still emit through. Without both, records from one kind of caller bypass the processor.
 * Returns a function that unregisters both.
 */
export function registerLoggerProviderGlobally(provider: LoggerProvider): () => void {
  logs.setGlobalLoggerProvider(provider);
  legacyLogs.setGlobalLoggerProvider(
    provider as unknown as Parameters<typeof legacyLogs.setGlobalLoggerProvider>[0],
  );
  return () => {
    logs.disable();
    legacyLogs.disable();
  };
}
