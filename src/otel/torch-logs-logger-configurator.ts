import type { InstrumentationScope } from "@opentelemetry/core";
import type { LoggerConfig, LoggerConfigurator } from "@opentelemetry/sdk-logs";
import type { TorchLogsSettings } from "../language/torch-logs-settings.ts";
import { compileScopeFilter, NEVER, type UngovernedScopes } from "./scope-filter.ts";
import { TorchLogs } from "./torch-logs.ts";

export interface TorchLogsLoggerConfiguratorOptions {
  /** What to do with scopes no component governs. Default `"pass"` (no minimum); `"drop"` disables them. */
  readonly ungovernedScopes?: UngovernedScopes;
  /**
   * Whether records may name their artifact in an attribute (the processor's `artifactAttribute` is not
   * `false`). While an artifact is on, such records must reach the processor at DEBUG. Default `true`.
   */
  readonly attributeArtifacts?: boolean;
}

/**
 * A sdk-logs `LoggerConfigurator` that gives each scope TORCH_LOGS' threshold as `minimumSeverity`, so the SDK
 * drops records before building them. The SDK asks once per Logger and caches the answer: the configuration is
 * fixed when the Logger is created, and a later `setLogs` cannot loosen it. Pair it with the processor (which
 * follows `setLogs`) when settings change at run time; given a `TorchLogs`, it reads the settings in force
 * at each Logger's creation.
 */
export function createTorchLogsLoggerConfigurator(
  settings: TorchLogsSettings | TorchLogs,
  options: TorchLogsLoggerConfiguratorOptions = {},
): LoggerConfigurator {
  const ungoverned = options.ungovernedScopes ?? "pass";
  return (scope: InstrumentationScope): Required<LoggerConfig> => {
    const current = settings instanceof TorchLogs ? settings.settings : settings;
    const filter = compileScopeFilter(current, scope.name, ungoverned, options.attributeArtifacts ?? true);
    const never = filter.enabledSeverity === NEVER;
    return { enabled: !never, minimumSeverity: never ? 0 : filter.enabledSeverity, traceBased: false };
  };
}
