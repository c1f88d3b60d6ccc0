// The TORCH_LOGS filter of the commands that read PyTorch's output (`ingest`, `trace`): live settings with
// PyTorch's registry and the open module resolver.
import type { Registry } from "../language/registry.ts";
import { torchRegistry } from "../language/torch-registry.ts";
import { TorchLogs } from "../otel/torch-logs.ts";
import { openModuleResolver } from "./open-module-resolver.ts";

/**
 * Live settings for `value` with `registry` (default: the newest PyTorch release's) and the open resolver; `undefined` when there is no value
 * (no filter). Throws TorchLogsError for a bad value in strict mode.
 */
export function torchLogsForInput(
  value: string | undefined,
  lossy: boolean,
  onWarning: (message: string) => void,
  registry: Registry = torchRegistry(),
): TorchLogs | undefined {
  if (value === undefined) return undefined;
  return new TorchLogs({
    registry,
    resolveModule: openModuleResolver(registry),
    settings: value,
    mode: lossy ? "lossy" : "strict",
    onWarning,
  });
}
