import type { LoggerProvider } from "@opentelemetry/api";
import { LOGS_GLOBALS, type LogsGlobal } from "./logs-api-globals.ts";
import { warnOnce } from "./warn-once.ts";

/** The outcome of a global registration, and how to undo it. */
export interface GlobalRegistration {
  /**
   * `provider` now serves both logs globals, `@opentelemetry/api` and `@opentelemetry/api-logs` (it took the
   * free ones and already held the others). False: neither global was touched.
   */
  readonly registered: boolean;
  /** The globals another provider held, which kept `provider` off both. Empty when registered. */
  readonly taken: readonly LogsGlobal["name"][];
  /** Unregisters `provider` from each global this call gave it and it still holds; leaves other providers alone. */
  unregister(): void;
}

const warned = new WeakSet<object>();

/**
 * Makes `provider` the global LoggerProvider of both logs APIs: `@opentelemetry/api` (>= 1.10, the stable one,
 * used by `logs.getLogger`, instrumentations such as pino's, and `getLogger()`) and `@opentelemetry/api-logs`,
 * whose separate global appenders such as winston-transport still emit through. Loggers handed out before
 * this call, by the ESM or the CommonJS copy of `@opentelemetry/api`, start delivering to `provider` too.
 *
 * **Both or neither.** A global that `provider` already holds is kept as it is, with no "duplicate
 * registration" error — so `registerLoggerProviderGlobally(logs.getLoggerProvider())` after `NodeSDK.start()`
 * makes the SDK's provider serve `@opentelemetry/api-logs` as well. When another provider holds either global,
 * neither is touched and one warning says so: taking only the free one would split the application's logging
 * libraries between two pipelines, one filtered and one not.
 */
export function registerLoggerProviderGlobally(provider: LoggerProvider): GlobalRegistration {
  if (LOGS_GLOBALS.some((global) => global.isProxy(provider))) {
    warnOncePerProvider(
      provider,
      "torch-logs-otel: registerLoggerProviderGlobally was given the logs API's own placeholder, not a " +
        "LoggerProvider (logs.getLoggerProvider() before any SDK registered one): nothing was registered",
    );
    return notRegistered([]);
  }
  const taken = LOGS_GLOBALS.filter((global) => {
    const holder = global.holder();
    return holder !== undefined && holder !== provider;
  });
  if (taken.length > 0) {
    warnOncePerProvider(provider, takenMessage(taken));
    return notRegistered(taken.map((global) => global.name));
  }
  const took = LOGS_GLOBALS.filter((global) => global.holder() === undefined && global.take(provider));
  if (!LOGS_GLOBALS.every((global) => global.holder() === provider)) {
    // A global refused (the API explains why through diag): undo, to stay "both or neither".
    for (const global of took) global.release(provider);
    return notRegistered(LOGS_GLOBALS.filter((global) => global.holder() !== provider).map((g) => g.name));
  }
  for (const global of LOGS_GLOBALS) global.follow();
  return {
    registered: true,
    taken: [],
    unregister() {
      for (const global of took) global.release(provider);
    },
  };
}

function notRegistered(taken: readonly LogsGlobal["name"][]): GlobalRegistration {
  return { registered: false, taken, unregister() {} };
}

/** One warning per provider: `diag.warn` when a diag logger is installed, else a process warning. */
function warnOncePerProvider(provider: object, message: string): void {
  if (warned.has(provider)) return;
  warned.add(provider);
  warnOnce(message);
}

function takenMessage(taken: readonly LogsGlobal[]): string {
  const names = taken.map((global) => global.name).join(" and ");
  const apiTaken = taken.some((global) => global.name === "@opentelemetry/api");
  const lost = apiTaken
    ? "records from logs.getLogger(), instrumentations such as @opentelemetry/instrumentation-pino and " +
      "torch-logs-otel's getLogger() go to that provider, not through this one"
    : "records from @opentelemetry/api-logs appenders such as @opentelemetry/winston-transport go to that " +
      "provider, not through this one";
  return (
    `torch-logs-otel: another LoggerProvider already holds the global of ${names}, so this provider was ` +
    "registered on neither logs global (both or neither, so that every logging library goes one way): " +
    `${lost}. Register this provider first, or add TorchLogsLogRecordProcessor to the other provider (NodeSDK: ` +
    "logRecordProcessors) and call registerLoggerProviderGlobally(logs.getLoggerProvider()) so it serves both."
  );
}
