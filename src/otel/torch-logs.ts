import type { ModuleResolver } from "../language/module-resolver.ts";
import { parseTorchLogs, parseTorchLogsLossy } from "../language/parse-torch-logs.ts";
import type { Registry } from "../language/registry.ts";
import { buildSetLogsSettings, type SetLogsOptions } from "../language/set-logs.ts";
import type { TorchLogsError } from "../language/torch-logs-error.ts";
import { TorchLogsSettings } from "../language/torch-logs-settings.ts";
import { type TorchRegistryOptions, torchRegistry } from "../language/torch-registry.ts";
import { type Environment, readEnvVar } from "./env.ts";
import { warnOnce } from "./warn-once.ts";

export interface TorchLogsOptions {
  /** The vocabulary. Default: `torchRegistry({ pytorch })`. */
  readonly registry?: Registry;
  /**
   * The PyTorch release whose registry is the vocabulary when no `registry` is given: `"2.15"`, `"2.14.1"`,
   * `"2.13"` (see `PYTORCH_VERSIONS`), or the registry of an installed torch (`readTorchRegistry`). Default:
   * the newest release (PyTorch 2.15.0).
   */
  readonly pytorch?: TorchRegistryOptions["pytorch"];
  /** Resolves module names. Default: `dottedNameResolver`. */
  readonly resolveModule?: ModuleResolver;
  /**
   * Where settings come from: `"env"` reads `registry.envVar` (default `TORCH_LOGS`), a string is parsed as a
   * TORCH_LOGS value, a `TorchLogsSettings` is used as is. Default `"env"`.
   */
  readonly settings?: "env" | string | TorchLogsSettings;
  /** The environment to read. Default: `process.env`. */
  readonly env?: Environment;
  /**
   * `"strict"` throws on a bad value; `"lossy"` keeps every valid item and reports the rest through `onWarning`.
   * Default `"strict"`.
   */
  readonly mode?: "strict" | "lossy";
  /**
   * Where warnings go (ignored `setLogs` calls, lossy diagnostics). Default: `diag.warn` when a diag logger is
   * installed, else a process warning (`process.emitWarning`, once per message).
   */
  readonly onWarning?: (message: string, error?: TorchLogsError) => void;
  /** Strip one pair of outer quotes from the env value, as PyTorch does on Windows. Default: on win32 only. */
  readonly stripOuterQuotes?: boolean;
}

export type SettingsListener = (settings: TorchLogsSettings, generation: number) => void;

/**
 * The live TORCH_LOGS state one process shares: current settings, a generation counter bumped on every change
 * (for a caller's own caches), `setLogs`/`update` to change it at run time, and `subscribe` to hear of each
 * change (the processor and the logger facade follow it that way; the configurator reads it per new Logger).
 */
export class TorchLogs {
  readonly registry: Registry;
  readonly #resolveModule: ModuleResolver | undefined;
  readonly #onWarning: ((message: string, error?: TorchLogsError) => void) | undefined;
  readonly #envPresent: boolean;
  #settings: TorchLogsSettings;
  #generation = 0;
  readonly #listeners = new Set<SettingsListener>();

  constructor(options: TorchLogsOptions = {}) {
    this.registry = options.registry ?? torchRegistry({ pytorch: options.pytorch });
    this.#resolveModule = options.resolveModule;
    this.#onWarning = options.onWarning;
    const source = options.settings ?? "env";
    let envPresent = false;
    let value: string | undefined;
    if (source instanceof TorchLogsSettings) {
      this.#settings = source;
    } else {
      if (source === "env") {
        const read = readEnvVar(this.registry.envVar, options.env);
        envPresent = read.present;
        value = read.value;
      } else {
        value = source;
      }
      const parseOptions = {
        registry: this.registry,
        ...(this.#resolveModule ? { resolveModule: this.#resolveModule } : {}),
        stripOuterQuotes: options.stripOuterQuotes ?? process.platform === "win32",
      };
      if (options.mode === "lossy") {
        const { settings, diagnostics } = parseTorchLogsLossy(value, parseOptions);
        for (const d of diagnostics) this.#warn(d.message, d);
        this.#settings = settings;
      } else {
        this.#settings = parseTorchLogs(value, parseOptions);
      }
    }
    this.#envPresent = envPresent;
  }

  get settings(): TorchLogsSettings {
    return this.#settings;
  }

  /** Bumped by every `update`/`setLogs`; starts at 0. */
  get generation(): number {
    return this.#generation;
  }

  /** Replaces the settings. Every processor, configurator cache and logger facade bound here follows. */
  update(settings: TorchLogsSettings): void {
    this.#settings = settings;
    this.#generation++;
    for (const listener of this.#listeners) {
      // One failing listener must not keep the others (processors, loggers) on the old settings.
      try {
        listener(settings, this.#generation);
      } catch (error) {
        this.#warn(`a settings listener threw: ${String(error)}`);
      }
    }
  }

  /**
   * PyTorch's `set_logs`: starts from the defaults every call. When the settings came from the environment
   * variable and it is present (even empty), the call is ignored with one warning, as in PyTorch: the
   * environment always wins. A failing call throws and changes nothing.
   */
  setLogs(options: SetLogsOptions = {}): TorchLogsSettings {
    if (this.#envPresent) {
      this.#warn(
        `Using ${this.registry.envVar} environment variable for log settings, ignoring call to set_logs`,
      );
      return this.#settings;
    }
    const settings = buildSetLogsSettings(options, {
      registry: this.registry,
      ...(this.#resolveModule ? { resolveModule: this.#resolveModule } : {}),
    });
    this.update(settings);
    return settings;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: SettingsListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #warn(message: string, error?: TorchLogsError): void {
    if (this.#onWarning) this.#onWarning(message, error);
    else warnOnce(`torch-logs-otel: ${message}`);
  }
}
