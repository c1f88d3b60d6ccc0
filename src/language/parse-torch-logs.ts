import { escapeControlCharacters } from "./escape-control-characters.ts";
import { formatHelp, formatInvalidSettings, validSettingNames } from "./format-help.ts";
import { formatPythonLevel, PythonLevel } from "./levels.ts";
import { dottedNameResolver, type ModuleResolver } from "./module-resolver.ts";
import { isNameChar, isPythonSpace, selfAndAncestors } from "./names.ts";
import type { Registry } from "./registry.ts";
import { suggestNames } from "./suggest-names.ts";
import { TorchLogsError } from "./torch-logs-error.ts";
import { TorchLogsSettings } from "./torch-logs-settings.ts";
import { torchRegistry } from "./torch-registry.ts";

const MAX_WARNINGS = 20;
const MAX_DIAGNOSTICS = 100;

export interface ParseTorchLogsOptions {
  /** The vocabulary. Default: a fresh `torchRegistry()`. */
  readonly registry?: Registry;
  /**
   * Resolves names that are neither aliases nor artifacts to modules. Default `dottedNameResolver`: a dotted
   * name is a module, a bare unknown name is an error. A registered qualified name is always accepted.
   */
  readonly resolveModule?: ModuleResolver;
  /**
   * Strip one pair of matching outer quotes (`"dynamo"`), as PyTorch does on Windows only. Default `false`.
   */
  readonly stripOuterQuotes?: boolean;
}

/** One parsed item of a TORCH_LOGS value. */
interface Item {
  /** 1-based position in the list. */
  readonly index: number;
  /** Character offset of the item in the original value. */
  readonly offset: number;
  readonly text: string;
}

interface Syntax {
  readonly items: readonly Item[];
  /** The first syntax error, if any (strict parsing stops there; lossy parsing skips the bad items). */
  readonly error?: { readonly offset: number; readonly itemIndex: number; readonly reason: string };
}

/** Lossy parsing's result: the settings from every valid item, and one error per rejected item. */
export interface LossyParseResult {
  readonly settings: TorchLogsSettings;
  readonly diagnostics: readonly TorchLogsError[];
}

/**
 * Parses a TORCH_LOGS value exactly as PyTorch 2.14 does (semantics spec §2). Throws `TorchLogsError`:
 * `help` for `help`/`+help` (the message is the help text), `invalid-settings` for a value that does not parse
 * or names something unknown, `module-not-found` when the resolver refuses a name. `undefined` and `""` give
 * the defaults (PyTorch crashes on `""`: a documented divergence).
 */
export function parseTorchLogs(
  value: string | undefined,
  options: ParseTorchLogsOptions = {},
): TorchLogsSettings {
  return run(value, options, false).settings;
}

/**
 * Like `parseTorchLogs`, but never throws for the value: every valid item is kept and each rejected item is
 * reported as a `TorchLogsError` in `diagnostics`.
 */
export function parseTorchLogsLossy(
  value: string | undefined,
  options: ParseTorchLogsOptions = {},
): LossyParseResult {
  return run(value, options, true);
}

function run(value: string | undefined, options: ParseTorchLogsOptions, lossy: boolean): LossyParseResult {
  const registry = options.registry ?? torchRegistry();
  const resolveModule = options.resolveModule ?? dottedNameResolver;
  const envVar = registry.envVar;
  let input = value ?? "";
  if (options.stripOuterQuotes && input.length >= 2) {
    const q = input[0];
    if ((q === '"' || q === "'") && input.endsWith(q)) input = input.slice(1, -1);
  }
  const diagnostics: TorchLogsError[] = [];
  const warnings: string[] = [];
  if (input === "") {
    if (value === "") warnings.push(`${envVar} is set but empty: treated as unset (PyTorch fails on import)`);
    return { settings: new TorchLogsSettings({ registry, warnings }), diagnostics };
  }
  if (input === "help" || input === "+help") {
    const text = formatHelp(registry, { verbose: input === "+help" });
    const help = new TorchLogsError("help", text, {
      item: input,
      itemIndex: 1,
      offset: 0,
      pytorchMessage: text,
    });
    if (!lossy) throw help;
    return { settings: new TorchLogsSettings({ registry }), diagnostics: [help] };
  }

  const syntax = scan(input);
  if (syntax.error) {
    const { offset, itemIndex, reason } = syntax.error;
    const pytorchMessage = formatInvalidSettings(registry, input);
    // The value as PyTorch quotes it, but with line breaks escaped too: they would forge lines in the message.
    const quoted = formatInvalidSettings(registry, escapeControlCharacters(input));
    const error = new TorchLogsError(
      "invalid-settings",
      `${envVar}: ${reason} at character ${offset + 1} (item ${itemIndex})\n${quoted}`,
      { item: syntax.items[itemIndex - 1]?.text ?? input.slice(offset), itemIndex, offset, pytorchMessage },
    );
    if (!lossy) throw error;
    diagnostics.push(error);
  }

  // PyTorch deletes all whitespace before looking names up; its unknown-name message shows that string.
  const stripped = syntax.error ? "" : syntax.items.map((i) => i.text).join(",");
  const explicit = new Map<string, number>();
  const writtenBy = new Map<string, string>();
  const enabledArtifacts = new Set<string>();
  const addedAliases = new Map<string, readonly string[]>();
  const childLogs = new Set<string>();
  const isRegistered = (name: string) => registry.qualifiedNames.has(name) || addedAliases.has(name);
  const warn = (message: string) => {
    // A megabyte of repeated items must not produce a megabyte of notes.
    if (warnings.length < MAX_WARNINGS) warnings.push(message);
    else if (warnings.length === MAX_WARNINGS) warnings.push("… further notes omitted");
  };

  let omitted = 0;
  const report = (error: TorchLogsError) => {
    // One diagnostic per rejected item, up to a limit: a megabyte of junk must not become gigabytes of text.
    if (diagnostics.length < MAX_DIAGNOSTICS) diagnostics.push(error);
    else omitted++;
  };
  let names: { aliases: number; valid: string[] } | undefined;
  const validNames = () => {
    if (names?.aliases !== addedAliases.size) {
      names = { aliases: addedAliases.size, valid: validSettingNames(registry, addedAliases.keys()) };
    }
    return names.valid;
  };

  for (const item of syntax.items) {
    // Only lossy parsing gets past a syntax error. The item it is in is rejected (and already reported).
    if (item.index === syntax.error?.itemIndex) continue;
    if (!isValidItem(item.text)) {
      report(
        new TorchLogsError(
          "invalid-settings",
          `${envVar}: invalid item "${item.text}" at item ${item.index}`,
          {
            item: item.text,
            itemIndex: item.index,
            offset: item.offset,
          },
        ),
      );
      continue;
    }
    const first = item.text[0];
    const level = first === "+" ? PythonLevel.DEBUG : first === "-" ? PythonLevel.ERROR : PythonLevel.INFO;
    let name = item.text.replaceAll("+", "").replaceAll("-", "");
    if (name === "all" && registry.rootAlias !== undefined) name = registry.rootAlias;

    const set = (qname: string) => {
      const previous = explicit.get(qname);
      if (previous !== undefined && previous !== level) {
        warn(
          `item ${item.index} "${item.text}" overrides ${qname}=${formatPythonLevel(previous)} ` +
            `set by "${writtenBy.get(qname)}" (last write wins)`,
        );
      }
      explicit.delete(qname); // keep the map in last-write order
      explicit.set(qname, level);
      writtenBy.set(qname, item.text);
    };

    const aliasNames = registry.aliases.get(name) ?? addedAliases.get(name);
    if (aliasNames) {
      for (const qname of aliasNames) set(qname);
      continue;
    }
    if (registry.artifacts.has(name)) {
      if (first === "+" || first === "-") {
        warn(`item ${item.index} "${item.text}": a prefix on an artifact is ignored; it enables "${name}"`);
      }
      enabledArtifacts.add(name);
      continue;
    }
    let modules: readonly string[] | undefined;
    try {
      modules = resolveModule(name);
    } catch (cause) {
      const error = asModuleError(cause, name, item, envVar);
      if (!lossy) throw error;
      diagnostics.push(error);
      continue;
    }
    // A registered qualified name is always a valid module item, even where no resolver knows it.
    if (modules === undefined && registry.qualifiedNames.has(name)) modules = [name];
    if (modules !== undefined) {
      for (const module of modules) {
        const underRegistered = [...selfAndAncestors(module)].some(isRegistered);
        if (underRegistered) {
          if (!registry.qualifiedNames.has(module)) childLogs.add(module);
        } else {
          addedAliases.set(module, [module]);
        }
        set(module);
      }
      continue;
    }
    if (lossy && diagnostics.length >= MAX_DIAGNOSTICS) {
      omitted++;
      continue;
    }
    // `help` is a whole value, never an item: suggested for a value of one item (`Help`).
    const candidates = syntax.items.length === 1 ? [...validNames(), "help"] : validNames();
    const suggestions = suggestNames(name, candidates);
    const pytorchMessage = formatInvalidSettings(registry, stripped || item.text, addedAliases.keys());
    const hint =
      suggestions.length > 0 ? ` (did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?)` : "";
    const error = new TorchLogsError(
      "invalid-settings",
      `${envVar}: unknown name "${name}" at item ${item.index}${hint}\n${pytorchMessage}`,
      { item: item.text, itemIndex: item.index, offset: item.offset, suggestions, pytorchMessage },
    );
    if (!lossy) throw error;
    report(error);
  }

  const settings = new TorchLogsSettings({
    registry,
    explicit,
    enabledArtifacts,
    addedAliases,
    childLogs,
    warnings,
  });
  diagnostics.sort((a, b) => (a.itemIndex ?? 0) - (b.itemIndex ?? 0));
  if (omitted > 0) {
    diagnostics.push(
      new TorchLogsError(
        "invalid-settings",
        `${envVar}: ${omitted} more rejected item${omitted === 1 ? "" : "s"} not listed`,
        {},
      ),
    );
  }
  return { settings, diagnostics };
}

/**
 * PyTorch validates the whole value with `((\+|-)?[\w\.]+,\s*)*(\+|-)?[\w\.]+?` (Python `re.fullmatch`). This
 * scanner accepts exactly that language in one pass and says where it fails. Whitespace is allowed only after
 * a comma; each item is an optional single `+`/`-` and one or more `[\w.]`. On error the remaining text is still
 * split into items (on commas, surrounding whitespace trimmed) so lossy parsing can keep the good ones.
 */
function scan(input: string): Syntax {
  const chars = [...input];
  const offsets: number[] = [];
  let utf16 = 0;
  for (const c of chars) {
    offsets.push(utf16);
    utf16 += c.length;
  }
  offsets.push(utf16);
  const items: Item[] = [];
  let error: Syntax["error"];
  let i = 0;
  let itemIndex = 1;
  const fail = (at: number, reason: string) => {
    error ??= { offset: offsets[at] ?? utf16, itemIndex, reason };
  };
  for (;;) {
    const start = i;
    if (chars[i] === "+" || chars[i] === "-") i++;
    const nameStart = i;
    while (i < chars.length && isNameChar(chars[i] ?? "")) i++;
    const text = chars.slice(start, i).join("");
    if (i === nameStart) {
      fail(i, describeUnexpected(chars, i, nameStart > start ? "a name after the prefix" : "a name"));
    }
    if (i < chars.length && chars[i] !== ",") {
      fail(i, describeUnexpected(chars, i, `"," or the end after "${text}"`));
      // Skip to the next comma so the following items can still be read.
      while (i < chars.length && chars[i] !== ",") i++;
    }
    items.push({
      index: itemIndex,
      offset: offsets[start] ?? 0,
      // After an error, the raw item: one with stray whitespace or characters stays invalid and is rejected.
      text: error ? chars.slice(start, i).join("") : text,
    });
    if (i >= chars.length) break;
    i++; // the comma
    while (i < chars.length && isPythonSpace(chars[i] ?? "")) i++;
    itemIndex++;
    if (i >= chars.length) {
      fail(i, "expected an item after the last comma");
      break;
    }
  }
  return error ? { items, error } : { items };
}

function isValidItem(text: string): boolean {
  if (text.length === 0) return false;
  const chars = [...text];
  const body = chars[0] === "+" || chars[0] === "-" ? chars.slice(1) : chars;
  return body.length > 0 && body.every(isNameChar);
}

function describeUnexpected(chars: readonly string[], at: number, expected: string): string {
  const found = chars[at];
  if (found === undefined) return `expected ${expected}, found the end`;
  // JSON quoting escapes C0 controls but not C1 or bidi ones (the error escapes what is left).
  const shown = JSON.stringify(found);
  if (isPythonSpace(found))
    return `unexpected whitespace ${shown} (whitespace is allowed only after a comma)`;
  if (found === "+" || found === "-") return `unexpected ${shown} (use one "+" or "-", only before a name)`;
  if (found === ",") return `expected ${expected}, found "," (empty item)`;
  return `unexpected ${shown}, expected ${expected} (names use letters, digits, "_" and ".")`;
}

function asModuleError(cause: unknown, name: string, item: Item, envVar: string): TorchLogsError {
  if (cause instanceof TorchLogsError) {
    return new TorchLogsError(
      cause.kind,
      `${envVar}: cannot resolve module "${name}" at item ${item.index}: ${cause.message}`,
      { item: item.text, itemIndex: item.index, offset: item.offset, pytorchMessage: cause.pytorchMessage },
    );
  }
  return new TorchLogsError(
    "module-not-found",
    `${envVar}: the module resolver failed on "${name}" at item ${item.index}: ${String(cause)}`,
    { item: item.text, itemIndex: item.index, offset: item.offset },
  );
}
