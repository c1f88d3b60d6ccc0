import { formatPythonLevel } from "./levels.ts";
import type { TorchLogsSettings } from "./torch-logs-settings.ts";

export interface ExplainSettingsOptions {
  /**
   * Module names the value uses that nothing resolved: PyTorch accepts each only if `import NAME` succeeds in
   * the interpreter that runs it. Each gets a line saying so. Default: none.
   */
  readonly unresolvedModules?: readonly string[];
  /** More lines for the notes (where the registry came from, …). Default: none. */
  readonly notes?: readonly string[];
}

/**
 * A readable table of what settings do: each component with its effective level (per qualified name where an
 * alias is mixed), the enabled artifacts, and notes. `value` is shown in the heading as given; the registry's
 * PyTorch version, when it has one, with it.
 */
export function explainSettings(
  settings: TorchLogsSettings,
  value: string | undefined,
  options: ExplainSettingsOptions = {},
): string {
  const { registry } = settings;
  const lines: string[] = [];
  lines.push(
    value === undefined
      ? `${registry.envVar} is not set: defaults`
      : `${registry.envVar}=${JSON.stringify(value)}`,
  );
  if (registry.pytorchVersion !== undefined) lines.push(`registry: PyTorch ${registry.pytorchVersion}`);
  lines.push("");
  const rows: [string, string, string][] = [["component", "level", "scopes (qualified names)"]];
  const uniform = settings.aliasLevels();
  for (const [alias, names] of settings.aliases) {
    const label = alias === registry.rootAlias ? `all (${alias})` : alias;
    const level = uniform.get(alias);
    if (level !== undefined) {
      rows.push([label, formatPythonLevel(level), names.join(", ")]);
      continue;
    }
    names.forEach((name, i) => {
      rows.push([i === 0 ? label : "", formatPythonLevel(settings.effectiveLevel(name)), name]);
    });
  }
  const width0 = Math.max(...rows.map((r) => r[0].length));
  const width1 = Math.max(...rows.map((r) => r[1].length));
  for (const [a, b, c] of rows) lines.push(`  ${a.padEnd(width0)}  ${b.padEnd(width1)}  ${c}`.trimEnd());
  const childLogs = [...settings.explicit].filter(([name]) => settings.childLogs.has(name));
  if (childLogs.length > 0) {
    lines.push("");
    lines.push("modules set below a component:");
    for (const [name, level] of childLogs) lines.push(`  ${name}  ${formatPythonLevel(level)}`);
  }
  lines.push("");
  const enabled = [...registry.artifacts.keys()].filter((a) => settings.isArtifactEnabled(a));
  lines.push(`artifacts enabled: ${enabled.length > 0 ? enabled.join(", ") : "none"}`);
  const offByDefault = [...registry.artifacts.values()].filter(
    (a) => a.offByDefault && !settings.isArtifactEnabled(a.name),
  );
  if (offByDefault.length > 0) {
    lines.push(`off by default (name them to see them): ${offByDefault.map((a) => a.name).join(", ")}`);
  }
  lines.push("other artifacts follow the level of the module that logs them");
  const unresolved = (options.unresolvedModules ?? []).map(unresolvedModuleNote);
  const notes = [...settings.warnings, ...unresolved, ...(options.notes ?? [])];
  if (notes.length > 0) {
    lines.push("");
    lines.push("notes:");
    for (const note of notes) lines.push(`  - ${note}`);
  }
  return `${lines.join("\n")}\n`;
}

/** What every command says of a module name it accepted without an interpreter to confirm it. */
export function unresolvedModuleNote(name: string): string {
  return `PyTorch accepts \`${name}\` only if \`import ${name}\` succeeds; check with --python`;
}
