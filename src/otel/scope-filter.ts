import { PythonLevel } from "../language/levels.ts";
import { pythonLevelToSeverityNumber, severityNumberToPythonLevel } from "../language/severity.ts";
import type { ArtifactDecision, ScopeDecision, TorchLogsSettings } from "../language/torch-logs-settings.ts";

/** What to do with scopes TORCH_LOGS does not govern. */
export type UngovernedScopes = "pass" | "drop";

/** A threshold no severity reaches. */
export const NEVER = Number.POSITIVE_INFINITY;
const DEBUG_SEVERITY = pythonLevelToSeverityNumber(PythonLevel.DEBUG);

/**
 * One scope's compiled filter: the integer thresholds `onEmit` and `enabled()` compare severities against.
 * Severity UNSPECIFIED (0) bypasses the thresholds, as it bypasses the SDK's `minimumSeverity`.
 */
export interface ScopeFilter {
  readonly decision: ScopeDecision;
  /** An ungoverned scope under `"pass"`: every record passes, whatever its severity (even a NaN one). */
  readonly passesAll: boolean;
  /** Set when the scope is a PyTorch artifact logger name, `<module>.__<artifact>`. */
  readonly scopeArtifact: ArtifactDecision | undefined;
  /** Records without an artifact attribute pass at or above this severity; `Infinity` = never. */
  readonly minimumSeverity: number;
  /**
   * A record with no eventName and no artifact attribute whose severity is a number at or above this passes
   * with no further check (the processor's fast path); any other record takes the full decision.
   */
  readonly passesFrom: number;
  /** The lowest severity any record of this scope could pass at (for `enabled()`, which sees no attributes). */
  readonly enabledSeverity: number;
}

/**
 * Compiles the filter for one scope name: done once per scope and settings in force. `attributeArtifacts`:
 * whether records may name their artifact in an attribute, which `enabled()` cannot see. Default `true`.
 */
export function compileScopeFilter(
  settings: TorchLogsSettings,
  scope: string,
  ungoverned: UngovernedScopes,
  attributeArtifacts = true,
): ScopeFilter {
  const split = splitArtifactScope(scope, settings);
  const decision = settings.scope(split ? split.module : scope);
  if (!decision.governed) {
    const passesAll = ungoverned === "pass";
    const threshold = passesAll ? 0 : NEVER;
    return scopeFilter(decision, passesAll, undefined, threshold, threshold);
  }
  if (split) {
    const artifact = split.artifact;
    const minimumSeverity = artifact.enabled
      ? DEBUG_SEVERITY
      : artifact.offByDefault
        ? NEVER
        : decision.minimumSeverity;
    return scopeFilter(decision, false, artifact, minimumSeverity, minimumSeverity);
  }
  // An enabled artifact passes at DEBUG from any governed scope, and enabled() cannot see the attribute.
  const anyArtifactEnabled = attributeArtifacts && settings.enabledArtifacts.size > 0;
  const enabledSeverity = anyArtifactEnabled
    ? Math.min(DEBUG_SEVERITY, decision.minimumSeverity)
    : decision.minimumSeverity;
  return scopeFilter(decision, false, undefined, decision.minimumSeverity, enabledSeverity);
}

/** Every filter is built here, so all have one shape (property order) and the processor's loads stay monomorphic. */
function scopeFilter(
  decision: ScopeDecision,
  passesAll: boolean,
  scopeArtifact: ArtifactDecision | undefined,
  minimumSeverity: number,
  enabledSeverity: number,
): ScopeFilter {
  return {
    decision,
    passesAll,
    scopeArtifact,
    minimumSeverity,
    // UNSPECIFIED (0) and fractions below TRACE take the full path, which knows how they compare.
    passesFrom: passesAll ? Number.NEGATIVE_INFINITY : Math.max(minimumSeverity, 1),
    enabledSeverity,
  };
}

/** What a processor applies when compiling a scope's filter failed (a bug): pass everything, govern nothing. */
export const UNFILTERED: ScopeFilter = Object.freeze(
  scopeFilter(
    Object.freeze({
      scope: "",
      governed: false,
      qualifiedName: undefined,
      aliases: [],
      level: 0,
      minimumSeverity: 0,
    }),
    true,
    undefined,
    0,
    0,
  ),
);

/** `torch._dynamo.guards.__guards` → module `torch._dynamo.guards`, artifact `guards` (PyTorch's artifact logger names). */
function splitArtifactScope(
  scope: string,
  settings: TorchLogsSettings,
): { module: string; artifact: ArtifactDecision } | undefined {
  const at = scope.lastIndexOf(".__");
  if (at <= 0) return undefined;
  const name = scope.slice(at + 3);
  if (!settings.registry.artifacts.has(name)) return undefined;
  return { module: scope.slice(0, at), artifact: settings.artifact(name) };
}

/** A severity as the filter compares it: a number that is not one (NaN, a string) is UNSPECIFIED (0). */
export function severityOf(severity: unknown): number {
  return typeof severity === "number" && !Number.isNaN(severity) ? severity : 0;
}

/** The Python level of a severity; UNSPECIFIED is above every threshold, as the SDK's minimumSeverity treats it. */
export function levelOf(severity: number): number {
  return severity === 0 ? Number.POSITIVE_INFINITY : severityNumberToPythonLevel(severity);
}

/** A plain record (no artifact) of severity `severity` against a threshold; UNSPECIFIED passes unless `NEVER`. */
export function reaches(severity: number, threshold: number): boolean {
  return severity >= threshold || (severity === 0 && threshold !== NEVER);
}
