import { createRequire } from "node:module";
import { type LoggerProvider, logs } from "@opentelemetry/api";
import { logs as legacyLogs } from "@opentelemetry/api-logs";
import { RelayLoggerProvider } from "./relay-logger-provider.ts";
import { warnOnce } from "./warn-once.ts";

/**
 * What this module knows of the logs APIs' internals (`@opentelemetry/api` 1.10, `@opentelemetry/api-logs`
 * 0.2xx), in one place:
 * - a global is a property of `globalThis` under a `Symbol.for` key, shared by every copy of the API;
 * - each loaded copy of an API module has its own `ProxyLoggerProvider`, which hands out the loggers asked for
 *   before a provider is registered, and which learns the provider only when it is registered *through that
 *   copy* (`setGlobalLoggerProvider` calls its `_setDelegate`). `@opentelemetry/api` ships an ESM and a CJS
 *   build that Node loads as two module instances: a logger a CommonJS module (pino's instrumentation, a
 *   `.cjs` app) got from the CJS copy before the pipeline started would stay a no-op forever;
 * - a `ProxyLogger` keeps the first real logger it got, and `disable()` replaces the placeholder without
 *   touching the old one: so the placeholders are pointed at a relay (`relay-logger-provider.ts`) that
 *   delivers to whichever provider holds the global at each emit, never at a provider itself.
 */
interface ProxyLike {
  _setDelegate?(delegate: unknown): void;
}
interface LogsApiLike {
  readonly _proxyLoggerProvider?: ProxyLike;
  getLoggerProvider(): unknown;
  disable(): void;
}

/** One of the two logs globals. */
export interface LogsGlobal {
  /** The package whose global this is. */
  readonly name: "@opentelemetry/api" | "@opentelemetry/api-logs";
  /** The provider registered on this global (whatever registered it), or `undefined` while it is free. */
  holder(): unknown;
  /** Registers `provider` on this global, which is free. True when it now holds it. */
  take(provider: object): boolean;
  /**
   * Makes the proxy of every loaded copy of this API hand out loggers of the provider holding the global,
   * now and after any later registration: early loggers included.
   */
  follow(): void;
  /** Unregisters `provider`, if it still holds this global, from every loaded copy of this API. */
  release(provider: object): void;
  /** Whether `provider` is one of this API's own proxies rather than a real provider. */
  isProxy(provider: unknown): boolean;
}

const API_KEY = Symbol.for("opentelemetry.js.api.1");
const LEGACY_KEY = Symbol.for("io.opentelemetry.js.api.logs");
const globalSlots = globalThis as unknown as Record<symbol, { logs?: unknown } | undefined>;
const requireCjs = createRequire(import.meta.url);

/** The copies of `@opentelemetry/api`'s `logs` in this process: the ESM one imported here, and the CJS one if loaded. */
function apiCopies(): LogsApiLike[] {
  const copies: LogsApiLike[] = [logs as unknown as LogsApiLike];
  try {
    // Only a copy that is already loaded can have handed out loggers; a later one finds the global directly.
    const cjs = requireCjs.cache[requireCjs.resolve("@opentelemetry/api")]?.exports as
      | { logs?: LogsApiLike }
      | undefined;
    if (cjs?.logs && cjs.logs !== copies[0]) copies.push(cjs.logs);
  } catch {
    // No resolvable CJS build (a bundled application): there is no second copy to reach.
  }
  return copies;
}

function setDelegate(api: LogsApiLike, provider: object): void {
  api._proxyLoggerProvider?._setDelegate?.(provider);
}

/** Records an early logger emits while no provider holds its global: said once per process, then dropped. */
const dropped = { warned: false };
function onDropped(): void {
  if (dropped.warned) return;
  dropped.warned = true;
  warnOnce(
    "torch-logs-otel: a log record was emitted through a logger made before the pipeline started, while no " +
      "LoggerProvider is registered (after shutdown()): it is dropped, as is every such record until a " +
      "pipeline is started again",
  );
}

const apiRelay = new RelayLoggerProvider(
  () => apiLogsGlobal.holder() as LoggerProvider | undefined,
  onDropped,
);
const legacyRelay = new RelayLoggerProvider(
  () => legacyLogsGlobal.holder() as LoggerProvider | undefined,
  onDropped,
);

/** The global of `@opentelemetry/api` (>= 1.10), the stable logs API: `logs.getLogger`, instrumentations. */
const apiLogsGlobal: LogsGlobal = {
  name: "@opentelemetry/api",
  holder: () => globalSlots[API_KEY]?.logs,
  take: (provider) =>
    logs.setGlobalLoggerProvider(provider as Parameters<typeof logs.setGlobalLoggerProvider>[0]),
  follow() {
    for (const copy of apiCopies()) setDelegate(copy, apiRelay);
  },
  release(provider) {
    if (apiLogsGlobal.holder() !== provider) return;
    // `disable()` removes the global and gives each copy a fresh proxy, as the API does for one copy.
    for (const copy of apiCopies()) copy.disable();
  },
  isProxy: (provider) => apiCopies().some((copy) => copy._proxyLoggerProvider === provider),
};

/** The separate global of `@opentelemetry/api-logs`, which appenders such as winston-transport still use. */
const legacyLogsGlobal: LogsGlobal = {
  name: "@opentelemetry/api-logs",
  // The slot holds a getter that answers with a no-op provider when versions differ: that still counts as taken.
  holder: () => (globalSlots[LEGACY_KEY] === undefined ? undefined : legacyLogs.getLoggerProvider()),
  take(provider) {
    legacyLogs.setGlobalLoggerProvider(provider as Parameters<typeof legacyLogs.setGlobalLoggerProvider>[0]);
    return legacyLogsGlobal.holder() === provider;
  },
  follow: () => setDelegate(legacyLogs as unknown as LogsApiLike, legacyRelay),
  release(provider) {
    if (legacyLogsGlobal.holder() === provider) legacyLogs.disable();
  },
  isProxy: (provider) => (legacyLogs as unknown as LogsApiLike)._proxyLoggerProvider === provider,
};

/** Both logs globals, the stable one first. */
export const LOGS_GLOBALS: readonly LogsGlobal[] = [apiLogsGlobal, legacyLogsGlobal];
