// The TORCH_LOGS filter of the commands that read PyTorch's output (`ingest`, `trace`): live settings with
// PyTorch's registry and the open module resolver.

import { unresolvedModuleNote } from "../language/explain-settings.ts";
import type { Registry } from "../language/registry.ts";
import { torchRegistry } from "../language/torch-registry.ts";
import { TorchLogs } from "../otel/torch-logs.ts";
import { noticingOpenResolver } from "./open-module-resolver.ts";

/**
 * Live settings for `value` with `registry` (default: the newest PyTorch release's) and the open resolver;
 * `undefined` when there is no value (no filter). Throws TorchLogsError for a bad value in strict mode. Module
 * names only an interpreter could confirm are accepted, as PyTorch accepts any importable module, and each is
 * noted through `onWarning` (the rule every command follows).
 */
export function torchLogsForInput(
  value: string | undefined,
  lossy: boolean,
  onWarning: (message: string) => void,
  registry: Registry = torchRegistry(),
): TorchLogs | undefined {
  if (value === undefined) return undefined;
  const { resolveModule, unresolved } = noticingOpenResolver(registry);
  const torchLogs = new TorchLogs({
    registry,
    resolveModule,
    settings: value,
    mode: lossy ? "lossy" : "strict",
    onWarning,
  });
  for (const name of unresolved) onWarning(unresolvedModuleNote(name));
  return torchLogs;
}
