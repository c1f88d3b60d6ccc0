// How the Python-facing commands (`ingest`, `trace`, `explain`, `collector-filter`) resolve module names:
// PyTorch accepted the value that produced the output, so any module name in it was importable there.
// Language layer only, so `explain` and `collector-filter` start without loading OpenTelemetry.
import { validSettingNames } from "../language/format-help.ts";
import { createOpenModuleResolver, type ModuleResolver } from "../language/module-resolver.ts";
import type { Registry } from "../language/registry.ts";
import { isNearMiss } from "../language/suggest-names.ts";

/**
 * Every dotted name is an importable module, except near-misses of registered names (`aot_grpahs`) and of
 * `help` (`Help`): typos, which PyTorch refuses ("Invalid log settings") unless such a module exists.
 */
export function openModuleResolver(registry: Registry): ModuleResolver {
  const names = [...validSettingNames(registry), "help"];
  return createOpenModuleResolver((name) => isNearMiss(name, names));
}

/**
 * The open resolver, remembering the names it accepted that the registry does not hold: the ones only an
 * interpreter could confirm (`--python`), which every command then notes.
 */
export function noticingOpenResolver(registry: Registry): {
  readonly resolveModule: ModuleResolver;
  readonly unresolved: ReadonlySet<string>;
} {
  const open = openModuleResolver(registry);
  const unresolved = new Set<string>();
  return {
    resolveModule: (name) => {
      const modules = open(name);
      if (modules !== undefined && !registry.qualifiedNames.has(name)) unresolved.add(name);
      return modules;
    },
    unresolved,
  };
}
