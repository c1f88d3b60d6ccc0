// PyTorch's `help`/`+help` text and its invalid-settings message, byte for byte
// (torch/_logging/_internal.py `help_message`, `_invalid_settings_err_msg`; semantics spec §4).
import type { Registry } from "./registry.ts";

export interface FormatHelpOptions {
  /** `+help`: list every artifact under "All registered names". Default `false` (visible artifacts only). */
  readonly verbose?: boolean;
  /** Aliases added by open registration, listed with the registry's. Default: none. */
  readonly extraAliases?: Iterable<string>;
}

const EXAMPLES = `Examples:
  TORCH_LOGS="+dynamo,aot" will set the log level of TorchDynamo to
  logging.DEBUG and AOT to logging.INFO

  TORCH_LOGS="-dynamo,+inductor" will set the log level of TorchDynamo to
  logging.ERROR and TorchInductor to logging.DEBUG

  TORCH_LOGS="aot_graphs" will enable the aot_graphs artifact

  TORCH_LOGS="+dynamo,schedule" will enable set the log level of TorchDynamo
  to logging.DEBUG and enable the schedule artifact

  TORCH_LOGS="+some.random.module,schedule" will set the log level of
  some.random.module to logging.DEBUG and enable the schedule artifact

  TORCH_LOGS="+torch._functorch._aot_autograd" will set the log level of
  torch._functorch._aot_autograd and all its submodules to logging.DEBUG
  (directory-based logging)

  TORCH_LOGS_FORMAT="%(levelname)s: %(message)s" or any provided format
  string will set the output format
  Valid keys are "levelname", "message", "pathname", "levelno", "lineno",
  "filename" and "name".

  TORCH_LOGS_OUT=/tmp/output.txt will output the logs to /tmp/output.txt as
  well. This is useful when the output is long.
`;

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
  const examples = renameEnvVar(EXAMPLES, registry.envVar);
  return `\n${registry.envVar} Info\n\n${examples}\n\n${heading}\n${names.map((n) => `  ${n}\n`).join("")}`;
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
