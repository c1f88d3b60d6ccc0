// TORCH_LOGS as an OpenTelemetry Collector `filter` processor: the same decisions, enforced at the collector
// for records from sources that cannot run the processor. A filter drops a record when ANY condition is true.

import { escapeControlCharacters } from "../language/escape-control-characters.ts";
import { DEFAULT_LEVEL, formatPythonLevel } from "../language/levels.ts";
import { selfAndAncestors } from "../language/names.ts";
import { pythonLevelToSeverityNumber } from "../language/severity.ts";
import type { TorchLogsSettings } from "../language/torch-logs-settings.ts";
import { ARTIFACT_ATTRIBUTE } from "../otel/attributes.ts";
import type { UngovernedScopes } from "../otel/scope-filter.ts";

export interface CollectorFilterOptions {
  /**
   * The artifact attribute; `false` when artifacts are not read from an attribute (the processor's option of the
   * same name). Default `torch.artifact`.
   */
  readonly artifactAttribute?: string | false;
  /** Also drop scopes no component governs (PyTorch's behaviour). Default `"pass"`. */
  readonly ungovernedScopes?: UngovernedScopes;
  /**
   * `"log_conditions"`: the filter processor syntax of collector v0.146 and later (`scope.name`,
   * `log.severity_number`). `"legacy"`: `logs.log_record` with `instrumentation_scope.name`, `severity_number`.
   * Default `"log_conditions"`.
   */
  readonly syntax?: "log_conditions" | "legacy";
  /**
   * The processor's id in the config: `filter` or `filter/NAME` (see {@link filterProcessorIdError}). Default
   * `filter/torch_logs`.
   */
  readonly processorName?: string;
}

/** The collector's component type: a letter, then letters, digits and `_` (component/identifiable.go). */
const COMPONENT_TYPE = /^[a-zA-Z][0-9a-zA-Z_]{0,62}$/;
/** The collector's component name: no whitespace or separators, controls or symbols (component/identifiable.go). */
const COMPONENT_NAME = /^[^\p{Z}\p{C}\p{S}]+$/u;
const MAX_NAME_BYTES = 1024;

/**
 * Why `id` cannot name the filter processor in a collector config, or `undefined` when it can: a component id
 * is `type[/name]`, the type of this processor is `filter`, and the name follows the collector's own rules, so
 * the id can neither add YAML keys (a line break) nor be cut short (` #`).
 */
export function filterProcessorIdError(id: string): string | undefined {
  const slash = id.indexOf("/");
  const type = slash === -1 ? id : id.slice(0, slash);
  const name = slash === -1 ? undefined : id.slice(slash + 1);
  const shown = escapeControlCharacters(JSON.stringify(id));
  const expected = 'expected a collector component id "filter" or "filter/NAME", e.g. "filter/torch_logs"';
  if (!COMPONENT_TYPE.test(type)) return `${expected}, got ${shown}`;
  if (type !== "filter") return `${expected} (the type of the filter processor is "filter"), got ${shown}`;
  if (name === undefined) return undefined;
  if (!COMPONENT_NAME.test(name) || new TextEncoder().encode(name).length > MAX_NAME_BYTES) {
    return `${expected}: NAME is at most 1024 bytes without spaces, control characters or symbols, got ${shown}`;
  }
  return undefined;
}

const SEVERITY_NAMES: Record<number, string> = {
  0: "SEVERITY_NUMBER_UNSPECIFIED",
  5: "SEVERITY_NUMBER_DEBUG",
  9: "SEVERITY_NUMBER_INFO",
  13: "SEVERITY_NUMBER_WARN",
  17: "SEVERITY_NUMBER_ERROR",
  21: "SEVERITY_NUMBER_FATAL",
};

interface Paths {
  readonly scope: string;
  readonly severity: string;
  readonly eventName: string;
  /** Undefined when artifacts are not read from an attribute. */
  readonly artifact: string | undefined;
}

/**
 * The OTTL conditions that drop exactly what the processor drops. A record's artifact is found as the processor
 * finds it: its eventName when that is a registered artifact, else the artifact of a PyTorch artifact logger
 * name (`<module>.__<artifact>`), else the artifact attribute. Severity UNSPECIFIED bypasses levels, as in the
 * processor.
 */
export function collectorFilterConditions(
  settings: TorchLogsSettings,
  options: CollectorFilterOptions = {},
): string[] {
  const legacy = options.syntax === "legacy";
  const paths: Paths = {
    scope: legacy ? "instrumentation_scope.name" : "scope.name",
    severity: legacy ? "severity_number" : "log.severity_number",
    eventName: legacy ? "event_name" : "log.event_name",
    artifact:
      options.artifactAttribute === false
        ? undefined
        : `${legacy ? "attributes" : "log.attributes"}[${ottlString(options.artifactAttribute ?? ARTIFACT_ATTRIBUTE)}]`,
  };
  const registered = new Set([...settings.registry.qualifiedNames.keys(), ...settings.addedAliases.keys()]);
  const governed = under(paths, [...registered]);
  const explicit = [...settings.explicit].filter(([, level]) => level > 0);
  const explicitNames = explicit.map(([name]) => name);
  const artifacts = [...settings.registry.artifacts.values()];
  const artifactIn = artifactTest(
    paths,
    artifacts.map((a) => a.name),
  );
  const enabled = artifacts.filter((a) => settings.isArtifactEnabled(a.name)).map((a) => a.name);
  const offByDefault = artifacts
    .filter((a) => a.offByDefault && !settings.isArtifactEnabled(a.name))
    .map((a) => a.name);
  const notEnabledArtifact = enabled.length > 0 ? ` and not (${artifactIn(enabled)})` : "";
  const below = (level: number) => {
    const severity = pythonLevelToSeverityNumber(level);
    return `${paths.severity} > SEVERITY_NUMBER_UNSPECIFIED and ${paths.severity} < ${severityName(severity)}`;
  };

  const conditions: string[] = [];
  if (options.ungovernedScopes === "drop") conditions.push(`not ${governed}`);
  // Governed scopes with no explicitly set ancestor-or-self: the default, WARNING.
  const explicitSet = new Set(explicitNames);
  const allCovered = [...registered].every((name) =>
    [...selfAndAncestors(name)].some((a) => explicitSet.has(a)),
  );
  if (!allCovered) {
    const defaultRegion =
      explicitNames.length > 0 ? `${governed} and not ${under(paths, explicitNames)}` : governed;
    conditions.push(`${defaultRegion} and ${below(DEFAULT_LEVEL)}${notEnabledArtifact}`);
  }
  // One condition per explicit name, for the scopes whose nearest explicit ancestor-or-self it is.
  for (const [name, level] of explicit) {
    const deeper = explicitNames.filter((other) => other !== name && isStrictAncestor(name, other));
    const region =
      deeper.length > 0 ? `${under(paths, [name])} and not ${under(paths, deeper)}` : under(paths, [name]);
    conditions.push(`${region} and ${below(level)}${notEnabledArtifact}`);
  }
  if (offByDefault.length > 0) conditions.push(`${governed} and (${artifactIn(offByDefault)})`);
  if (enabled.length > 0) {
    conditions.push(`${governed} and (${artifactIn(enabled)}) and ${below(10)}`);
  }
  return conditions;
}

/** A complete `processors:` snippet with comments, ready to paste into a collector config. */
export function formatCollectorFilterConfig(
  settings: TorchLogsSettings,
  value: string | undefined,
  options: CollectorFilterOptions = {},
): string {
  const name = options.processorName ?? "filter/torch_logs";
  const idError = filterProcessorIdError(name);
  if (idError !== undefined) throw new RangeError(`processorName: ${idError}`);
  // Punctuation a name may hold (`#`, `:`, quotes) is safest inside quotes.
  const key = /^[\w./-]+$/.test(name) ? name : yamlSingleQuoted(name);
  const conditions = collectorFilterConditions(settings, options);
  const levels = [...settings.aliasLevels()]
    .filter(([, level]) => level !== DEFAULT_LEVEL)
    .map(([alias, level]) => `${alias}=${formatPythonLevel(level)}`);
  // Comments end at any line break YAML knows (NEL, LS and PS too, which JSON.stringify leaves as they are):
  // every comment line is escaped, so the value cannot end its comment and add keys.
  const header = [
    `# Generated by torch-logs-otel collector-filter from ${settings.registry.envVar}=${JSON.stringify(value ?? "")}.`,
    `# Drops what TORCH_LOGS drops (any condition true => dropped). Components: ${levels.join(", ") || "all at WARNING"}.`,
    `# Artifacts on: ${[...settings.enabledArtifacts].join(", ") || "none"}. Severity UNSPECIFIED bypasses levels.`,
    options.syntax === "legacy"
      ? "# Syntax: filter processor before collector v0.146 (logs.log_record)."
      : "# Syntax: filter processor of collector v0.146 and later (log_conditions).",
    `# Add "${name}" to the processors of your logs pipeline, after memory_limiter and before batch.`,
  ];
  const list = conditions.map(
    (c) => `${options.syntax === "legacy" ? "        " : "      "}- ${yamlSingleQuoted(c)}`,
  );
  const body =
    options.syntax === "legacy"
      ? [`  ${key}:`, "    error_mode: ignore", "    logs:", "      log_record:", ...list]
      : [`  ${key}:`, "    error_mode: ignore", "    log_conditions:", ...list];
  const comments = header.map((line) => escapeControlCharacters(line));
  return `${comments.join("\n")}\nprocessors:\n${body.join("\n")}\n`;
}

/** A regex test for "the scope is one of these names or below one"; names below another listed name add nothing. */
function under(paths: Paths, names: readonly string[]): string {
  const set = new Set(names);
  const topmost = [...set].filter(
    (name) => ![...selfAndAncestors(name)].some((a) => a !== name && set.has(a)),
  );
  const alternatives = topmost.sort().map(escapeRegex).join("|");
  return `IsMatch(${paths.scope}, ${ottlString(`^(${alternatives})(\\..*)?$`)})`;
}

/**
 * "The record's artifact is one of these", in the processor's order: a registered artifact named by the eventName
 * decides; else the artifact of a PyTorch artifact logger name (`<module>.__<artifact>`, the part after the last
 * `.__`, not at the start); else the attribute.
 */
function artifactTest(paths: Paths, registered: readonly string[]): (names: readonly string[]) => string {
  const anyEvent = isOneOf(paths.eventName, registered);
  const anyScope = scopeArtifactIsOneOf(paths, registered);
  return (names) => {
    const alternatives = [
      isOneOf(paths.eventName, names),
      `not ${anyEvent} and ${scopeArtifactIsOneOf(paths, names)}`,
      ...(paths.artifact === undefined
        ? []
        : [`not ${anyEvent} and not ${anyScope} and ${isOneOf(paths.artifact, names)}`]),
    ];
    return alternatives.map((a) => `(${a})`).join(" or ");
  };
}

function scopeArtifactIsOneOf(paths: Paths, names: readonly string[]): string {
  return `IsMatch(${paths.scope}, ${ottlString(`^.+\\.__(${names.map(escapeRegex).join("|")})$`)})`;
}

function isOneOf(path: string, values: readonly string[]): string {
  return `IsMatch(${path}, ${ottlString(`^(${values.map(escapeRegex).join("|")})$`)})`;
}

function isStrictAncestor(ancestor: string, name: string): boolean {
  for (const candidate of selfAndAncestors(name))
    if (candidate !== name && candidate === ancestor) return true;
  return false;
}

function severityName(severity: number): string {
  return SEVERITY_NAMES[severity] ?? String(severity);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** An OTTL string literal: double quotes, with `\` and `"` escaped. */
function ottlString(text: string): string {
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

function yamlSingleQuoted(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
