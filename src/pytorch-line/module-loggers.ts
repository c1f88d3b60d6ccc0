// The loggers a torch record may have gone through, when the module at its printed path logs through another
// module's logger.
//
// The glog formats print the call site's path, not the logger's name, and a module's own logger
// (`logging.getLogger(__name__)`) has the module's name. A few torch modules print through another module's
// logger: torch/_dynamo/pgo.py and variables/builder.py print "marking … as dynamic" through
// `torch.fx.experimental.symbolic_shapes`, compile_fx.py prints output code through
// `torch._inductor.codecache.__output_code`. Those records are governed by that logger's TORCH_LOGS setting
// (`dynamic`), not the path's (`dynamo`). The table (torch-module-loggers.ts) is generated from PyTorch's
// source by tools/pytorch/generate_module_loggers.py.
import { TORCH_MODULE_LOGGERS } from "./torch-module-loggers.ts";

export type { ModuleLoggersRow } from "./torch-module-loggers.ts";

export interface OtherLogger {
  /** The logger's module part: the scope of its records. */
  readonly scope: string;
  /** Set for an artifact logger (`<module>.__<artifact>`): only records tagged with it go through it. */
  readonly artifact: string | undefined;
  /** Inclusive line ranges, flattened: `[first, last, first, last, …]`. */
  readonly lines: readonly number[];
}

export interface ModuleLoggers {
  readonly ownLogger: boolean;
  readonly others: readonly OtherLogger[];
}

/**
 * Module name → its loggers, in the generated table's order; built once from its rows (a dozen). Also what
 * tools/filelog-module-loggers.ts writes into the collector's filelog config.
 */
export const MODULE_LOGGERS: ReadonlyMap<string, ModuleLoggers> = new Map(
  TORCH_MODULE_LOGGERS.map(([module, ownLogger, loggers]) => [
    module,
    { ownLogger, others: loggers.map(([logger, lines]) => otherLogger(logger, lines)) },
  ]),
);

/**
 * The scopes (logger names without an artifact suffix) a record printed from `module`'s file at line `lineno`,
 * tagged with `artifact` or not, may have been logged on, most likely first: the logger whose calls sit at that
 * line in a release scanned, then the module's own, then its other loggers of that kind. `undefined` when the
 * module logs through its own name only (every module but a dozen): its name is the scope.
 */
export function findRecordLoggers(
  module: string,
  lineno: number | undefined,
  artifact: string | undefined,
): readonly string[] | undefined {
  const entry = MODULE_LOGGERS.get(module);
  if (entry === undefined) return undefined;
  const kind = entry.others.filter((other) => other.artifact === artifact);
  const atLine = kind.filter((other) => lineno !== undefined && coversLine(other.lines, lineno));
  const scopes = new Set<string>(atLine.map((other) => other.scope));
  if (entry.ownLogger) scopes.add(module);
  for (const other of kind) scopes.add(other.scope);
  if (scopes.size === 0 || (scopes.size === 1 && scopes.has(module))) return undefined;
  return [...scopes];
}

function otherLogger(logger: string, lines: string): OtherLogger {
  const at = logger.lastIndexOf(".__");
  const ranges: number[] = [];
  for (const range of lines.split(",")) {
    const [first, last = first] = range.split("-").map(Number);
    if (first !== undefined && last !== undefined) ranges.push(first, last);
  }
  return at <= 0
    ? { scope: logger, artifact: undefined, lines: ranges }
    : { scope: logger.slice(0, at), artifact: logger.slice(at + 3), lines: ranges };
}

function coversLine(ranges: readonly number[], line: number): boolean {
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    if (line >= (ranges[i] ?? 0) && line <= (ranges[i + 1] ?? -1)) return true;
  }
  return false;
}
