// The TORCH_LOGS filter of the commands that read PyTorch's output (`ingest`, `trace`) and of `explain`:
// PyTorch accepted the value that produced the output, so any module name in it was importable there.
import { validSettingNames } from "../language/format-help.ts";
import { createOpenModuleResolver, type ModuleResolver } from "../language/module-resolver.ts";
import type { Registry } from "../language/registry.ts";
import { isNearMiss } from "../language/suggest-names.ts";
import { torchRegistry } from "../language/torch-registry.ts";
import { TorchLogs } from "../otel/torch-logs.ts";

/** Every dotted name is an importable module, except near-misses of registered names (`aot_grpahs`): typos. */
export function openModuleResolver(registry: Registry): ModuleResolver {
  const names = validSettingNames(registry);
  return createOpenModuleResolver((name) => isNearMiss(name, names));
}

/**
 * Live settings for `value` with PyTorch's registry and the open resolver; `undefined` when there is no value
 * (no filter). Throws TorchLogsError for a bad value in strict mode.
 */
export function torchLogsForInput(
  value: string | undefined,
  lossy: boolean,
  onWarning: (message: string) => void,
): TorchLogs | undefined {
  if (value === undefined) return undefined;
  const registry = torchRegistry();
  return new TorchLogs({
    registry,
    resolveModule: openModuleResolver(registry),
    settings: value,
    mode: lossy ? "lossy" : "strict",
    onWarning,
  });
}
