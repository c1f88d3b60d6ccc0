// What the logs APIs' placeholders are pointed at: a LoggerProvider whose loggers deliver to whatever provider
// holds the global *now*.
//
// A logger taken from the API before any provider is registered is a `ProxyLogger` of that API copy's
// `ProxyLoggerProvider`. On its first use after a registration it asks the placeholder for the real logger and
// keeps it for good; `disable()` (our `shutdown()`) gives the API a fresh placeholder but leaves the old one,
// and every ProxyLogger, pointing at the old provider. So after `startTorchLogs()` → `shutdown()` →
// `startTorchLogs()`, such a logger still fed the shut-down pipeline, whose Loggers drop records silently.
// Pointing the placeholders at this relay instead makes them follow every later registration.

import type { Logger, LoggerOptions, LoggerProvider, LogRecord } from "@opentelemetry/api";

/**
 * A relay for one logs global: `holder` reads the provider registered on it now, if any; `onDropped` is called
 * for each record emitted while there is none.
 */
export class RelayLoggerProvider implements LoggerProvider {
  readonly #holder: () => LoggerProvider | undefined;
  readonly #onDropped: () => void;

  constructor(holder: () => LoggerProvider | undefined, onDropped: () => void) {
    this.#holder = holder;
    this.#onDropped = onDropped;
  }

  getLogger(name: string, version?: string, options?: LoggerOptions): Logger {
    return new RelayLogger(this.#holder, this.#onDropped, name, version, options);
  }
}

class RelayLogger implements Logger {
  readonly #holder: () => LoggerProvider | undefined;
  readonly #onDropped: () => void;
  readonly #name: string;
  readonly #version: string | undefined;
  readonly #options: LoggerOptions | undefined;
  #provider: LoggerProvider | undefined;
  #logger: Logger | undefined;

  constructor(
    holder: () => LoggerProvider | undefined,
    onDropped: () => void,
    name: string,
    version: string | undefined,
    options: LoggerOptions | undefined,
  ) {
    this.#holder = holder;
    this.#onDropped = onDropped;
    this.#name = name;
    this.#version = version;
    this.#options = options;
  }

  emit(logRecord: LogRecord): void {
    const logger = this.#current();
    if (logger === undefined) this.#onDropped();
    else logger.emit(logRecord);
  }

  enabled(options?: Parameters<Logger["enabled"]>[0]): boolean {
    return this.#current()?.enabled(options) ?? false;
  }

  /** The logger of the provider holding the global now (one lookup while it stays the same). */
  #current(): Logger | undefined {
    const provider = this.#holder();
    if (provider !== this.#provider) {
      this.#provider = provider;
      this.#logger = provider?.getLogger(this.#name, this.#version, this.#options);
    }
    return this.#logger;
  }
}
