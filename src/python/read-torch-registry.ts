import type { TorchRegistryData } from "../language/registry-definitions.ts";
import { probePython } from "./probe-python.ts";
import { PythonProbeError } from "./python-probe-error.ts";

export interface ReadTorchRegistryOptions {
  /** The interpreter whose torch to read: a path or a command on PATH. */
  readonly python: string;
  /**
   * Modules to import after `import torch` and before reading: your code that registers names
   * (`torch._logging.register_log`, `register_artifact`). Default: none.
   */
  readonly imports?: readonly string[];
  /** How long the interpreter may take. Default 120 000 ms. */
  readonly timeoutMs?: number;
  /** The interpreter's environment (PYTHONPATH, a venv's variables). Default: this process' environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The TORCH_LOGS registry of the torch installed in a Python interpreter — any version, nightlies, names that
 * device backends register on import — for `torchRegistry({ pytorch })`, `new TorchLogs({ pytorch })` or
 * `startTorchLogs({ pytorch })`. Throws PythonProbeError when the interpreter cannot run or has no torch.
 */
export async function readTorchRegistry(options: ReadTorchRegistryOptions): Promise<TorchRegistryData> {
  const answer = await probePython(options);
  if (answer.registry === undefined) {
    throw new PythonProbeError(`--python ${options.python}: no torch to read (${answer.registryError})`);
  }
  return answer.registry;
}
