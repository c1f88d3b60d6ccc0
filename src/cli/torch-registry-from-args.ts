// `--pytorch VERSION` and `--python PATH` (with `--python-import MODULE`): which registry a command uses. The
// built-in registry of a release (default: the newest), or the one the user's own interpreter's torch builds.
import type { ModuleSpec } from "../language/module-resolver.ts";
import type { Registry } from "../language/registry.ts";
import { findPytorchRelease, torchRegistry } from "../language/torch-registry.ts";

/** The options every command that reads TORCH_LOGS takes (node:util parseArgs shapes). */
export const REGISTRY_ARGS = {
  pytorch: { type: "string" },
  python: { type: "string" },
  "python-import": { type: "string", multiple: true },
} as const;

export interface RegistryArgs {
  readonly pytorch?: string | undefined;
  readonly python?: string | undefined;
  readonly "python-import"?: readonly string[] | undefined;
}

export interface RegistryChoice {
  readonly registry: Registry;
  /** With `--python`: find_spec's answers for the names asked. */
  readonly modules?: ReadonlyMap<string, ModuleSpec>;
  /** What the user should know about the choice (an interpreter without torch). */
  readonly notes: readonly string[];
}

/**
 * The registry of `--python`'s torch (the names it would resolve are asked in the same run), else the built-in
 * release `--pytorch` names (default: the newest). An interpreter without torch still resolves module names;
 * the registry then is the built-in one, with a note. Throws TorchLogsError for an unknown `--pytorch`,
 * PythonProbeError for an interpreter that cannot run.
 */
export async function torchRegistryFromArgs(
  args: RegistryArgs,
  env: Readonly<Record<string, string | undefined>>,
  moduleNames: readonly string[] = [],
): Promise<RegistryChoice> {
  const release = findPytorchRelease(args.pytorch);
  if (args.python === undefined) return { registry: torchRegistry({ pytorch: release }), notes: [] };
  // Loaded only when asked for, so `explain` and `help` start as fast as before.
  const { probePython } = await import("../python/probe-python.ts");
  const answer = await probePython({
    python: args.python,
    imports: args["python-import"] ?? [],
    modules: moduleNames,
    env,
  });
  if (answer.registry !== undefined) {
    return { registry: torchRegistry({ pytorch: answer.registry }), modules: answer.modules, notes: [] };
  }
  return {
    registry: torchRegistry({ pytorch: release }),
    modules: answer.modules,
    notes: [
      `${args.python} has no torch to read (${answer.registryError}): PyTorch ${release.version}'s registry, ` +
        `module names resolved by ${args.python}`,
    ],
  };
}
