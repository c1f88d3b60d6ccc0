// `explain --python PATH`: asks a Python interpreter what PyTorch would ask it. PyTorch resolves a TORCH_LOGS
// name that is neither an alias nor an artifact with `importlib.util.find_spec(name)` and, for a package,
// walks its submodules (torch-logs-semantics.md §2.4, §2.5). One child process answers for every name.
import { spawnSync } from "node:child_process";
import type { ModuleSpec } from "../language/module-resolver.ts";

// find_spec imports parent packages and the walk imports the package, as PyTorch does; import errors during
// the walk are swallowed, as pkgutil.walk_packages(onerror=...) does for PyTorch.
const PROBE = `
import importlib, importlib.util, json, pkgutil, sys
out = {}
for name in json.loads(sys.stdin.read()):
    try:
        spec = importlib.util.find_spec(name)
    except Exception as e:
        out[name] = {"found": False, "error": str(e)}
        continue
    if spec is None:
        out[name] = {"found": False}
        continue
    modules = [name]
    if spec.submodule_search_locations is not None:
        try:
            package = importlib.import_module(name)
            for info in pkgutil.walk_packages(package.__path__, name + ".", onerror=lambda _: None):
                modules.append(info.name)
        except Exception:
            pass
    out[name] = {"found": True, "modules": modules}
sys.stdout.write(json.dumps(out))
`;

/** A Python interpreter that could not answer: named with the reason, for the CLI to print (exit 1). */
export class PythonProbeError extends Error {}

/** `find_spec` (and the package walk) for each name, through the interpreter at `python`. */
export function probePythonModules(python: string, names: readonly string[]): Map<string, ModuleSpec> {
  if (names.length === 0) return new Map();
  const result = spawnSync(python, ["-c", PROBE], {
    input: JSON.stringify(names),
    encoding: "utf8",
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.error !== undefined) {
    throw new PythonProbeError(`--python ${python}: cannot run it (${result.error.message})`);
  }
  if (result.status !== 0) {
    const reason = result.stderr.trim().split("\n").at(-1) ?? `exit code ${result.status}`;
    throw new PythonProbeError(`--python ${python}: the module probe failed: ${reason}`);
  }
  try {
    return new Map(Object.entries(JSON.parse(result.stdout) as Record<string, ModuleSpec>));
  } catch {
    throw new PythonProbeError(`--python ${python}: unexpected output from the module probe`);
  }
}
