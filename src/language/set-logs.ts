import { VALID_SET_LOGS_LEVELS } from "./levels.ts";
import { dottedNameResolver, type ModuleResolver } from "./module-resolver.ts";
import { selfAndAncestors } from "./names.ts";
import type { Registry } from "./registry.ts";
import { suggestNames } from "./suggest-names.ts";
import { TorchLogsError } from "./torch-logs-error.ts";
import { TorchLogsSettings } from "./torch-logs-settings.ts";
import { torchRegistry } from "./torch-registry.ts";

type Level = number | boolean | null | undefined;

/**
 * `torch._logging.set_logs(...)` keywords for the PyTorch registry: component levels (Python level numbers:
 * 10 DEBUG, 20 INFO, 30 WARNING, 40 ERROR, 50 CRITICAL, 0 NOTSET = inherit) and artifact switches. Aliases
 * without a keyword of their own (`pp`, `cache`, …) and module names go through `modules`.
 */
export interface SetLogsOptions {
  all?: Level;
  dynamo?: Level;
  aot?: Level;
  autograd?: Level;
  dynamic?: Level;
  inductor?: Level;
  distributed?: Level;
  c10d?: Level;
  ddp?: Level;
  fsdp?: Level;
  dtensor?: Level;
  onnx?: Level;
  export?: Level;
  /** alias, artifact or module name → level (components, modules) or boolean (artifacts). Applied last. */
  modules?: Readonly<Record<string, number | boolean>> | null;
  /** Artifact keywords (`guards: true`, `output_code: true`, …), and keywords of custom registries. */
  [keyword: string]: Level | Readonly<Record<string, number | boolean>>;
}

export interface BuildSetLogsOptions {
  /** The vocabulary, whose `setLogsKeywords` fixes the application order. Default: `torchRegistry()`. */
  readonly registry?: Registry;
  /** Resolves module names in `modules`. Default `dottedNameResolver`. */
  readonly resolveModule?: ModuleResolver;
}

/**
 * The settings `set_logs(**options)` produces, from the defaults (every call starts afresh, as in PyTorch).
 * Keywords apply in the registry's fixed order, then `modules` in insertion order; later writes win per
 * qualified name. Throws `TorchLogsError` with PyTorch's message as `pytorchMessage`. Unlike PyTorch, a
 * failing call is atomic (nothing is half-applied) and module levels are validated too.
 */
export function buildSetLogsSettings(
  options: SetLogsOptions,
  build: BuildSetLogsOptions = {},
): TorchLogsSettings {
  const registry = build.registry ?? torchRegistry();
  const resolveModule = build.resolveModule ?? dottedNameResolver;
  const keywords = registry.setLogsKeywords;
  const known = new Set([...keywords, "modules"]);
  for (const key of Object.keys(options)) {
    if (known.has(key)) continue;
    const pytorchMessage = `set_logs() got an unexpected keyword argument '${key}'`;
    const isAlias = registry.aliases.has(key) || registry.artifacts.has(key);
    const hint = isAlias
      ? ` "${key}" has no keyword of its own: use setLogs({ modules: { ${key}: … } })`
      : didYouMean(key, known);
    throw new TorchLogsError("unknown-option", `setLogs: unknown option "${key}".${hint}`, {
      item: key,
      suggestions: suggestNames(key, known),
      pytorchMessage,
    });
  }

  const explicit = new Map<string, number>();
  const enabledArtifacts = new Set<string>();
  const addedAliases = new Map<string, readonly string[]>();
  const childLogs = new Set<string>();
  const set = (qname: string, level: number) => {
    explicit.delete(qname);
    explicit.set(qname, level);
  };

  const apply = (name: string, value: unknown) => {
    if (value === undefined || value === null) return;
    const artifact = registry.artifacts.get(name);
    if (artifact) {
      if (typeof value !== "boolean") {
        const pytorchMessage = `Expected bool to enable artifact ${name}, received ${pythonRepr(value)}`;
        throw new TorchLogsError("invalid-artifact-value", `setLogs: ${pytorchMessage} (use true or false)`, {
          item: name,
          pytorchMessage,
        });
      }
      if (value) enabledArtifacts.add(name);
      return;
    }
    const aliasNames = registry.aliases.get(name) ?? addedAliases.get(name);
    if (aliasNames || childLogs.has(name)) {
      const level = checkLevel(name, value);
      for (const qname of aliasNames ?? [name]) set(qname, level);
      return;
    }
    let modules = resolveModule(name);
    if (modules === undefined && registry.qualifiedNames.has(name)) modules = [name];
    if (modules === undefined) {
      const pytorchMessage = `Unrecognized log or artifact name passed to set_logs: ${name}`;
      const candidates = [...registry.aliases.keys(), ...registry.artifacts.keys()];
      throw new TorchLogsError("unknown-name", `setLogs: ${pytorchMessage}.${didYouMean(name, candidates)}`, {
        item: name,
        suggestions: suggestNames(name, candidates),
        pytorchMessage,
      });
    }
    // PyTorch does not validate a new module's level (it calls setLevel(True)); we do.
    const level = checkLevel(name, value);
    for (const module of modules) {
      const underRegistered = [...selfAndAncestors(module)].some(
        (n) => registry.qualifiedNames.has(n) || addedAliases.has(n),
      );
      if (!underRegistered) addedAliases.set(module, [module]);
      else if (!registry.qualifiedNames.has(module)) childLogs.add(module);
      set(module, level);
    }
  };

  // Own properties only: a registry may name a component or artifact `constructor`, `toString` or
  // `__proto__`, which every object literal inherits (or, for `__proto__`, has as an accessor).
  const own = (key: string) => (Object.hasOwn(options, key) ? options[key] : undefined);
  for (const keyword of keywords) {
    const name = keyword === "all" && registry.rootAlias !== undefined ? registry.rootAlias : keyword;
    apply(name, own(keyword));
  }
  const modules = own("modules") as SetLogsOptions["modules"];
  if (modules !== undefined && modules !== null) {
    for (const [name, value] of Object.entries(modules)) apply(name, value);
  }
  return new TorchLogsSettings({ registry, explicit, enabledArtifacts, addedAliases, childLogs });
}

/** Python's bool/int equality makes `False` a valid level (NOTSET) and `True` (== 1) an invalid one. */
function checkLevel(name: string, value: unknown): number {
  const level = value === false ? 0 : value;
  if (typeof level === "number" && VALID_SET_LOGS_LEVELS.includes(level)) return level;
  const pytorchMessage =
    `Unrecognized log level for log ${name}: ${pythonRepr(value)}, ` +
    `valid level values are: ${VALID_SET_LOGS_LEVELS.join(",")}`;
  throw new TorchLogsError(
    "invalid-level",
    `setLogs: ${pytorchMessage} (DEBUG=10, INFO=20, WARNING=30, ERROR=40, CRITICAL=50, NOTSET=0 inherits)`,
    { item: name, pytorchMessage },
  );
}

/** How Python prints a value in these messages (`True`, `None`, `'x'`, `5`). */
function pythonRepr(value: unknown): string {
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null || value === undefined) return "None";
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function didYouMean(name: string, candidates: Iterable<string>): string {
  const suggestions = suggestNames(name, candidates);
  return suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?` : "";
}
