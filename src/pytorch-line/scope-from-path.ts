// The module (= logger) name behind the `path:line]` of a glog-style torch._logging line.
//
// torch modules log through `logging.getLogger(__name__)`, so the dotted module name of the source file is
// the logger name, which is what TORCH_LOGS components and OTel scopes are keyed on. The printed path is
// relative to "the first sys.path entry that contains the file, or absolute" (make_module_path_relative),
// or `relpath(pathname, dirname(dirname(torch.__file__)))` in 2.3/2.4, so it may be `torch/...`,
// `site-packages/torch/...`, `.venv/lib/python3.12/site-packages/torch/...`, an absolute path, or a
// Windows path with backslashes (pytorch-log-format.md §1.3 "Path").

const PACKAGES_DIR = /(?:^|\/)(?:site|dist)-packages\//gi;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Scope of torch records whose source path is not a torch module (`<string>`, `<eval_with_key>.2`, a file
 * outside the `torch` package): only handlers on torch's loggers print these formats, so the record came
 * through a `torch.*` logger, and `torch` is the one scope every such logger belongs to (TORCH_LOGS `all`).
 */
export const FALLBACK_TORCH_SCOPE = "torch";

/**
 * Maps the path of a Python source file to its module name:
 * `…/site-packages/torch/_dynamo/guards.py` → `torch._dynamo.guards`,
 * `torch/_inductor/__init__.py` → `torch._inductor`,
 * `C:\…\Lib\site-packages\torch\_dynamo\utils.py` → `torch._dynamo.utils`,
 * and, outside torch, the import path PyTorch printed relative to its `sys.path` entry:
 * `shop/cart.py` → `shop.cart`, `run_job.py` → `run_job`, `…/site-packages/vllm/config.py` → `vllm.config`;
 * an absolute path outside every `sys.path` entry gives its file's stem (`/home/me/train.py` → `train`).
 *
 * Returns `undefined` when the path is not a `.py` file with identifier parts (`<string>`,
 * `<eval_with_key>.2`, a path cut short). The caller picks the fallback scope, and decides what a module
 * outside torch means (see toLogRecord): a record logged through a user logger from another file shows the
 * caller's path, not the logger's name.
 */
export function scopeFromPath(path: string): string | undefined {
  const normalized = path.replaceAll("\\", "/");
  if (!normalized.endsWith(".py")) return undefined;
  let relative = packageRelative(normalized);
  if (relative === undefined) {
    if (/^(?:\/|[A-Za-z]:\/)/.test(normalized)) relative = normalized.slice(normalized.lastIndexOf("/") + 1);
    else relative = normalized.startsWith("./") ? normalized.slice(2) : normalized;
  }
  const parts = relative.slice(0, -".py".length).split("/");
  if (parts.at(-1) === "__init__" && parts.length > 1) parts.pop();
  if (!parts.every((part) => IDENTIFIER.test(part))) return undefined;
  return parts.join(".");
}

// scopeFromPath of the paths seen lately: a log repeats a few dozen source paths over and over. Bounded:
// emptied when full, so a log of ever new paths costs a rebuild now and then, not memory.
const SCOPES = new Map<string, string | null>();
const MAX_SCOPES = 512;

/** {@link scopeFromPath}, remembered for the paths seen lately (for parsers calling it once per line). */
export function cachedScopeFromPath(path: string): string | undefined {
  const cached = SCOPES.get(path);
  if (cached !== undefined) return cached ?? undefined;
  const scope = scopeFromPath(path);
  if (SCOPES.size >= MAX_SCOPES) SCOPES.clear();
  SCOPES.set(path, scope ?? null);
  return scope;
}

/** Whether a module name is `torch` or inside it. */
export function isTorchModule(name: string): boolean {
  return name === "torch" || name.startsWith("torch.");
}

/** The part of the path that starts at the top-level `torch/` package directory, if any. */
function packageRelative(path: string): string | undefined {
  // An installed torch: whatever follows the last site-packages/dist-packages is the import path, so a
  // `torch` directory higher up (e.g. a venv at /opt/torch/…) is not taken for the package.
  let afterPackages: number | undefined;
  for (const m of path.matchAll(PACKAGES_DIR)) afterPackages = m.index + m[0].length;
  if (afterPackages !== undefined) return path.slice(afterPackages);
  if (path.startsWith("torch/")) return path;
  // A source checkout printed absolutely (its root not on sys.path): the last `torch/` directory is the
  // package, since the checkout itself is often named `pytorch` or sits under a `torch` directory.
  const last = path.lastIndexOf("/torch/");
  return last === -1 ? undefined : path.slice(last + 1);
}
