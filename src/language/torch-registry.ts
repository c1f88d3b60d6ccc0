import { Registry, type RegistryOptions } from "./registry.ts";
import { TORCH_ARTIFACTS, TORCH_COMPONENTS, TORCH_SET_LOGS_KEYWORDS } from "./torch-registry-data.ts";

/**
 * A fresh copy of PyTorch 2.14.1's registry: 19 aliases (`torch` is the root that `all` names), 54 artifacts,
 * and `set_logs`' keywords in its fixed order. Extend it with `registerComponent`/`registerArtifact`.
 */
export function torchRegistry(options: Pick<RegistryOptions, "envVar"> = {}): Registry {
  return new Registry({
    rootAlias: "torch",
    envVar: options.envVar ?? "TORCH_LOGS",
    setLogsKeywords: TORCH_SET_LOGS_KEYWORDS,
  }).registerAll(TORCH_COMPONENTS, TORCH_ARTIFACTS);
}
