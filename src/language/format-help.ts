// PyTorch's `help`/`+help` text and its invalid-settings message, byte for byte
// (torch/_logging/_internal.py `help_message`, `_invalid_settings_err_msg`; semantics spec §4).
import type { Registry } from "./registry.ts";
import { TORCH_RELEASES } from "./torch-releases.ts";

export interface FormatHelpOptions {
  /** `+help`: list every artifact under "All registered names". Default `false` (visible artifacts only). */
  readonly verbose?: boolean;
  /** Aliases added by open registration, listed with the registry's. Default: none. */
  readonly extraAliases?: Iterable<string>;
}

/** Python's `sorted()` on str: by code point, not by UTF-16 unit or locale. */
export function pythonSorted(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => {
    const x = [...a];
    const y = [...b];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
      if (d !== 0) return d;
    }
    return x.length - y.length;
  });
}

/** The text of `TORCH_LOGS=help` (or `+help` with `verbose`), identical to PyTorch's for its registry. */
export function formatHelp(registry: Registry, options: FormatHelpOptions = {}): string {
  const verbose = options.verbose ?? false;
  const aliases = pythonSorted(new Set([...registry.aliases.keys(), ...(options.extraAliases ?? [])]));
  const artifactLines = pythonSorted(
    [...registry.artifacts.values()]
      .filter((a) => verbose || a.visible)
      .map((a) => `${a.name.padEnd(30)}\t${a.description}`),
  );
  const heading = verbose
    ? "All registered names"
    : `Visible registered names (use ${registry.envVar}='+help' for full list)`;
  const names = [...(registry.rootAlias === undefined ? [] : ["all"]), ...aliases, ...artifactLines];
  const examples = renameEnvVar(
    registry.helpExamples ?? TORCH_RELEASES[0]?.helpExamples ?? "",
    registry.envVar,
  );
  return `\n${registry.envVar} Info\n${examples}\n\n${heading}\n${names.map((n) => `  ${n}\n`).join("")}`;
}

/** Every name a TORCH_LOGS item may use, sorted as PyTorch lists them in "Valid settings". */
export function validSettingNames(registry: Registry, extraAliases: Iterable<string> = []): string[] {
  return pythonSorted(
    new Set([
      ...(registry.rootAlias === undefined ? [] : ["all"]),
      ...registry.aliases.keys(),
      ...extraAliases,
      ...registry.artifacts.keys(),
    ]),
  );
}

/** PyTorch's invalid-settings message for `value` (raw for syntax errors, whitespace-free for unknown names). */
export function formatInvalidSettings(
  registry: Registry,
  value: string,
  extraAliases: Iterable<string> = [],
): string {
  const valid = validSettingNames(registry, extraAliases).join(", ");
  return (
    `\nInvalid log settings: ${value}, must be a comma separated list of fully\n` +
    `qualified module names, registered log names or registered artifact names.\n` +
    `For more info on various settings, try ${registry.envVar}="help"\n` +
    `Valid settings:\n${valid}\n`
  );
}

function renameEnvVar(text: string, envVar: string): string {
  return envVar === "TORCH_LOGS" ? text : text.replaceAll('TORCH_LOGS="', `${envVar}="`);
}
