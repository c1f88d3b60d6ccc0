import { diag } from "@opentelemetry/api";
import { TorchLogger, type TorchLoggerOptions } from "./torch-logger.ts";
import { TorchLogs } from "./torch-logs.ts";

export interface GetLoggerOptions extends TorchLoggerOptions {
  /** The live settings. Default: the one `setDefaultTorchLogs` set (startTorchLogs does), else `TORCH_LOGS` read lossily. */
  readonly torchLogs?: TorchLogs;
}

type Loggers = Map<string, TorchLogger>;

// One logger per (settings, name, artifact): repeated getLogger calls return the same object, and a settings
// change re-binds each once. Keyed weakly by the TorchLogs so dropping one frees its loggers.
const byTorchLogs = new WeakMap<TorchLogs, Loggers>();
let defaultTorchLogs: TorchLogs | undefined;

/** Sets the `TorchLogs` that `getLogger` uses when none is given (e.g. the one `startTorchLogs` made). */
export function setDefaultTorchLogs(torchLogs: TorchLogs | undefined): void {
  defaultTorchLogs = torchLogs;
}

function resolveTorchLogs(options: GetLoggerOptions): TorchLogs {
  if (options.torchLogs) return options.torchLogs;
  // Loggers made before (or without) startTorchLogs still follow TORCH_LOGS; a bad value must not throw
  // from a getLogger call at module load, so the default is lossy and reports through diag.
  defaultTorchLogs ??= new TorchLogs({
    mode: "lossy",
    onWarning: (message) => diag.warn(`torch-logs-otel: ${message}`),
  });
  return defaultTorchLogs;
}

function loggerFor(
  torchLogs: TorchLogs,
  qualifiedName: string,
  artifact: string | undefined,
  options: GetLoggerOptions,
) {
  let loggers = byTorchLogs.get(torchLogs);
  if (!loggers) {
    const created: Loggers = new Map();
    loggers = created;
    byTorchLogs.set(torchLogs, created);
    torchLogs.subscribe(() => {
      for (const logger of created.values()) logger.configure();
    });
  }
  const key = `${qualifiedName}\u0000${artifact ?? ""}`;
  let logger = loggers.get(key);
  if (!logger) {
    logger = new TorchLogger(torchLogs, qualifiedName, artifact, options);
    loggers.set(key, logger);
  }
  return logger;
}

/** PyTorch's `logging.getLogger(__name__)` for TORCH_LOGS-governed code: `getLogger("torch._dynamo.guards")`. */
export function getLogger(qualifiedName: string, options: GetLoggerOptions = {}): TorchLogger {
  return loggerFor(resolveTorchLogs(options), qualifiedName, undefined, options);
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
  const torchLogs = resolveTorchLogs(options);
  if (!torchLogs.registry.artifacts.has(artifact)) {
    throw new Error(
      `Artifact name: '${artifact}' not registered, register it with registry.registerArtifact({ name: "${artifact}" })`,
    );
  }
  return loggerFor(torchLogs, qualifiedName, artifact, options);
}
