import { Registry, type RegistryOptions } from "./registry.ts";
import type { ArtifactDefinition, ComponentDefinition, TorchRegistryData } from "./registry-definitions.ts";
import { TorchLogsError } from "./torch-logs-error.ts";
import { TORCH_RELEASES } from "./torch-releases.ts";

export interface TorchRegistryOptions extends Pick<RegistryOptions, "envVar"> {
  /**
   * The PyTorch release whose registry to use: `"2.15"`, `"2.15.0"`, `"2.14"`, … (see `PYTORCH_VERSIONS`), or
   * a registry read from an installed torch (`readTorchRegistry`). Default: the newest release.
   */
  readonly pytorch?: string | TorchRegistryData;
}

/** The newest release's components, artifacts and `set_logs` keywords, as data (PyTorch 2.15.0). */
export const TORCH_COMPONENTS: readonly ComponentDefinition[] = newestRelease().components;
export const TORCH_ARTIFACTS: readonly ArtifactDefinition[] = newestRelease().artifacts;
export const TORCH_SET_LOGS_KEYWORDS: readonly string[] = newestRelease().setLogsKeywords;

/** The PyTorch releases whose registries are built in, newest first (`2.15.0`, `2.14.1`, …). */
export const PYTORCH_VERSIONS: readonly string[] = TORCH_RELEASES.map((r) => r.version);

/**
 * A fresh copy of a PyTorch release's registry (default: the newest, PyTorch 2.15.0): its aliases (`torch` is
 * the root that `all` names), its artifacts, `set_logs`' keywords in their fixed order and its help text. Each
 * is generated from the release's wheel by tools/pytorch/generate_registry.py. Extend it with
 * `registerComponent`/`registerArtifact`.
 */
export function torchRegistry(options: TorchRegistryOptions = {}): Registry {
  const data = typeof options.pytorch === "object" ? options.pytorch : findPytorchRelease(options.pytorch);
  return new Registry({
    rootAlias: "torch",
    envVar: options.envVar ?? "TORCH_LOGS",
    setLogsKeywords: data.setLogsKeywords,
    helpExamples: data.helpExamples,
    pytorchVersion: data.version,
  }).registerAll(data.components, data.artifacts);
}

/**
 * The built-in release a version names: `"2.14"` is the newest 2.14.x, `"2.14.1"` exactly that one, a local
 * tag (`"2.15.0+cpu"`) is ignored. `undefined` gives the newest. Throws a TorchLogsError of kind
 * `unknown-option` naming the versions there are.
 */
export function findPytorchRelease(version: string | undefined): TorchRegistryData {
  if (version === undefined) return newestRelease();
  const wanted = version.trim().replace(/^v/, "").split("+")[0] ?? "";
  const found = TORCH_RELEASES.find(
    (r) => r.version === wanted || (wanted.split(".").length === 2 && r.version.startsWith(`${wanted}.`)),
  );
  if (found !== undefined) return found;
  throw new TorchLogsError(
    "unknown-option",
    `unknown PyTorch version "${version}": the registries built in are ${PYTORCH_VERSIONS.join(", ")} ` +
      `(for another torch, read its registry with --python / readTorchRegistry)`,
    { item: version },
  );
}

function newestRelease(): TorchRegistryData {
  const newest = TORCH_RELEASES[0];
  if (newest === undefined) throw new Error("no PyTorch release is built in");
  return newest;
}
