import { TorchLogsError } from "./torch-logs-error.ts";

/**
 * How a TORCH_LOGS name that is neither an alias nor an artifact becomes a module (PyTorch asks Python's
 * `importlib.util.find_spec`). Return the module names the item sets — the module itself first, then, for a
 * package, its submodules — or `undefined` when there is no such module (an invalid-settings error follows).
 * Throw a `TorchLogsError` of kind `module-not-found` for names that cannot be modules at all.
 */
export type ModuleResolver = (name: string) => readonly string[] | undefined;

/**
 * The default: a dotted name (`myapp.db`, `torch._dynamo.guards`) is a module with no submodules; a bare name
 * that is not registered is an error, so typos such as `dynamo_` are caught. Names with an empty segment
 * (`.dynamo`, `dynamo.`, `torch..utils`) are refused, as Python's import machinery refuses them.
 */
export const dottedNameResolver: ModuleResolver = (name) => {
  if (!name.includes(".")) return undefined;
  if (name.split(".").includes("")) {
    throw new TorchLogsError(
      "module-not-found",
      `"${name}" is not a module name: a dotted name needs a non-empty part between every pair of dots`,
      { item: name },
    );
  }
  return [name];
};

export interface ModuleTable {
  /** Importable plain modules and packages, by full dotted name. */
  readonly modules: readonly string[];
  /** The packages among them. A package's submodules are the table's names below it, in table order. */
  readonly packages: readonly string[];
}

/**
 * A resolver over a fixed module table that behaves like `importlib.util.find_spec` on a Python environment
 * holding exactly those modules: a missing parent package raises `No module named 'x'`, a child of a plain
 * module raises `__path__ attribute not found on …`, a leading dot raises the relative-import error, and a
 * package expands to itself plus every submodule (directory-based logging, PyTorch 2.13+).
 */
export function createModuleTableResolver(table: ModuleTable): ModuleResolver {
  const modules = new Set(table.modules);
  const packages = new Set(table.packages);
  for (const pkg of packages) modules.add(pkg);
  const ordered = [...modules];
  const notFound = (message: string, name: string) =>
    new TorchLogsError("module-not-found", message, { item: name, pytorchMessage: message });

  return (name) => {
    if (name.startsWith(".")) {
      throw notFound(`no package specified for '${name}' (required for relative module names)`, name);
    }
    const dot = name.lastIndexOf(".");
    if (dot >= 0) {
      const parent = name.slice(0, dot);
      // `__import__(parent)` imports every prefix in turn and fails at the first one that is missing.
      const parts = parent.split(".");
      for (let i = 1; i <= parts.length; i++) {
        const prefix = parts.slice(0, i).join(".");
        if (!modules.has(prefix)) throw notFound(`No module named '${prefix}'`, name);
        if (i < parts.length && !packages.has(prefix)) {
          throw notFound(
            `No module named '${parts.slice(0, i + 1).join(".")}'; '${prefix}' is not a package`,
            name,
          );
        }
      }
      if (!packages.has(parent)) {
        throw notFound(`__path__ attribute not found on '${parent}' while trying to find '${name}'`, name);
      }
    }
    if (!modules.has(name)) return undefined;
    if (!packages.has(name)) return [name];
    return [name, ...ordered.filter((m) => m.startsWith(`${name}.`))];
  };
}

/** Tries each resolver in turn; the first that knows the name (or throws) decides. */
export function chainModuleResolvers(...resolvers: readonly ModuleResolver[]): ModuleResolver {
  return (name) => {
    for (const resolve of resolvers) {
      const found = resolve(name);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

const IDENTIFIER = /^[\p{L}\p{Nl}_][\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}]*$/u;

/**
 * Accepts every name an importable Python module could have (dotted identifiers: `mypkg`, `json.decoder`) as
 * that module, without asking Python. For readers of output PyTorch already printed (`ingest`): PyTorch
 * accepted the value, so any module name in it was importable there. `near` is an optional guard for
 * interactive use: a bare name it returns true for (a near-miss of a registered name such as `Dynamo`) is
 * left unresolved, so the caller's "did you mean" error follows.
 */
export function createOpenModuleResolver(near?: (name: string) => boolean): ModuleResolver {
  return (name) => {
    if (name.split(".").includes("")) return dottedNameResolver(name);
    if (!name.split(".").every((part) => IDENTIFIER.test(part))) return undefined;
    if (near !== undefined && !name.includes(".") && near(name)) return undefined;
    return [name];
  };
}

/** What `importlib.util.find_spec` said about one name, as the CLI's `--python` probe reports it. */
export interface ModuleSpec {
  /** `find_spec` returned a spec. */
  readonly found: boolean;
  /** For a package: itself then every module `pkgutil.walk_packages` yields (PyTorch 2.13+ expansion). */
  readonly modules?: readonly string[];
  /** The message of the exception `find_spec` raised (`No module named 'some'`). */
  readonly error?: string;
}

/** A resolver answering from a table of `find_spec` results; names not in the table are unknown. */
export function createModuleSpecResolver(specs: ReadonlyMap<string, ModuleSpec>): ModuleResolver {
  return (name) => {
    const spec = specs.get(name);
    if (spec === undefined || (!spec.found && spec.error === undefined)) return undefined;
    if (spec.error !== undefined) {
      throw new TorchLogsError("module-not-found", spec.error, { item: name, pytorchMessage: spec.error });
    }
    return spec.modules ?? [name];
  };
}
