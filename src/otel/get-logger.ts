import { TorchLogger, type TorchLoggerOptions } from "./torch-logger.ts";
import { TorchLogs } from "./torch-logs.ts";

export interface GetLoggerOptions extends TorchLoggerOptions {
  /**
   * The live settings. Default: the process default — the `TorchLogs` of the running `startTorchLogs`
   * pipeline (or one set with `setDefaultTorchLogs`), else TORCH_LOGS read lossily. Loggers on the default
   * follow it when it changes, so a module-level `getLogger()` made before `startTorchLogs` still obeys the
   * pipeline's `setLogs`.
   */
  readonly torchLogs?: TorchLogs;
}

/**
 * The loggers bound to one TorchLogs: one logger per (name, artifact, options), so repeated getLogger calls
 * return the same object, and every logger re-configured once per settings change. Loggers for an explicit
 * `loggerProvider` are kept per provider, weakly: they do not keep a provider the application dropped alive.
 */
class LoggerSet {
  readonly #global = new Map<string, TorchLogger>();
  readonly #byProvider = new WeakMap<object, Map<string, TorchLogger>>();
  readonly #providerLoggers = new Set<WeakRef<TorchLogger>>();
  #torchLogs: TorchLogs;
  #unsubscribe: () => void;

  constructor(torchLogs: TorchLogs) {
    this.#torchLogs = torchLogs;
    this.#unsubscribe = this.#subscribe(torchLogs);
  }

  get(qualifiedName: string, artifact: string | undefined, options: TorchLoggerOptions): TorchLogger {
    const key = [qualifiedName, artifact ?? "", options.artifactAttribute ?? ""].join("\u0000");
    const provider = options.loggerProvider;
    let loggers = this.#global;
    if (provider !== undefined) {
      loggers = this.#byProvider.get(provider) ?? new Map();
      this.#byProvider.set(provider, loggers);
    }
    const existing = loggers.get(key);
    if (existing) return existing;
    const logger = new TorchLogger(this.#torchLogs, qualifiedName, artifact, options);
    loggers.set(key, logger);
    if (provider !== undefined) this.#providerLoggers.add(new WeakRef(logger));
    return logger;
  }

  /** Moves every logger of this set to other settings. */
  rebind(torchLogs: TorchLogs): void {
    if (torchLogs === this.#torchLogs) return;
    this.#unsubscribe();
    this.#torchLogs = torchLogs;
    this.#unsubscribe = this.#subscribe(torchLogs);
    this.#each((logger) => logger.bind(torchLogs));
  }

  #subscribe(torchLogs: TorchLogs): () => void {
    return torchLogs.subscribe(() => this.#each((logger) => logger.configure()));
  }

  #each(visit: (logger: TorchLogger) => void): void {
    for (const logger of this.#global.values()) visit(logger);
    for (const ref of this.#providerLoggers) {
      const logger = ref.deref();
      if (logger === undefined) this.#providerLoggers.delete(ref);
      else visit(logger);
    }
  }
}

const explicitSets = new WeakMap<TorchLogs, LoggerSet>();
let defaultTorchLogs: TorchLogs | undefined;
let defaultSet: LoggerSet | undefined;

/**
 * Sets the process default `TorchLogs` (`startTorchLogs` does; `undefined` goes back to TORCH_LOGS). Loggers
 * made on the default move to it.
 */
export function setDefaultTorchLogs(torchLogs: TorchLogs | undefined): void {
  defaultTorchLogs = torchLogs;
  if (defaultSet) defaultSet.rebind(currentDefault());
}

/** The process default `TorchLogs`, if one was set or created. */
export function getDefaultTorchLogs(): TorchLogs | undefined {
  return defaultTorchLogs;
}

function currentDefault(): TorchLogs {
  // Loggers made before (or without) startTorchLogs still follow TORCH_LOGS; a bad value must not throw
  // from a getLogger call at module load, so this default is lossy and warns (TorchLogs' default: diag, or a
  // process warning).
  defaultTorchLogs ??= new TorchLogs({ mode: "lossy" });
  return defaultTorchLogs;
}

function setFor(options: GetLoggerOptions): LoggerSet {
  if (options.torchLogs) {
    let set = explicitSets.get(options.torchLogs);
    if (!set) {
      set = new LoggerSet(options.torchLogs);
      explicitSets.set(options.torchLogs, set);
    }
    return set;
  }
  defaultSet ??= new LoggerSet(currentDefault());
  return defaultSet;
}

/** PyTorch's `logging.getLogger(__name__)` for TORCH_LOGS-governed code: `getLogger("torch._dynamo.guards")`. */
export function getLogger(qualifiedName: string, options: GetLoggerOptions = {}): TorchLogger {
  return setFor(options).get(qualifiedName, undefined, options);
}

/**
 * PyTorch's `torch._logging.getArtifactLogger(__name__, "graph_code")`: records carry the artifact attribute
 * and follow the artifact's switch. Throws for an unregistered artifact, as PyTorch does.
 */
export function getArtifactLogger(
  qualifiedName: string,
  artifact: string,
  options: GetLoggerOptions = {},
): TorchLogger {
  const set = setFor(options);
  const registry = (options.torchLogs ?? currentDefault()).registry;
  if (!registry.artifacts.has(artifact)) {
    throw new Error(
      `Artifact name: '${artifact}' not registered, register it with registry.registerArtifact({ name: "${artifact}" })`,
    );
  }
  return set.get(qualifiedName, artifact, options);
}
