import { type LoggerProvider, logs } from "@opentelemetry/api";
import { logs as legacyLogs } from "@opentelemetry/api-logs";

type LegacyProvider = Parameters<typeof legacyLogs.setGlobalLoggerProvider>[0];

/** The outcome of a global registration, and how to undo it. */
export interface GlobalRegistration {
  /** `provider` is now the global of `@opentelemetry/api` (false: another provider was registered first). */
  readonly api: boolean;
  /** `provider` is now the global of `@opentelemetry/api-logs`. */
  readonly legacy: boolean;
  /** Unregisters `provider` from each global it still holds; leaves other providers alone. */
  unregister(): void;
}

/**
 * Registers `provider` as the global LoggerProvider of both logs APIs: `@opentelemetry/api` (>= 1.10, the
 * stable one) and `@opentelemetry/api-logs`, which keeps a separate global that older appenders (e.g.
 * winston-transport) still emit through. Without both, records from one kind of caller bypass the processor.
 * A global that another provider already holds is not replaced (the APIs refuse): the result says so.
 */
export function registerLoggerProviderGlobally(provider: LoggerProvider): GlobalRegistration {
  logs.setGlobalLoggerProvider(provider);
  legacyLogs.setGlobalLoggerProvider(provider as unknown as LegacyProvider);
  const api = logs.getLoggerProvider() === provider;
  const legacy = (legacyLogs.getLoggerProvider() as unknown) === provider;
  return {
    api,
    legacy,
    unregister() {
      if (api && logs.getLoggerProvider() === provider) logs.disable();
      if (legacy && (legacyLogs.getLoggerProvider() as unknown) === provider) legacyLogs.disable();
    },
  };
}
