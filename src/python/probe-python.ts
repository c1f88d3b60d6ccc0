// Runs probe_torch_registry.py in the user's interpreter: that torch's TORCH_LOGS registry and find_spec's
// answers for module names, read back from a temporary file (the probe's own channel: what packages print on
// import goes to stdout/stderr and cannot corrupt the answer).
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ModuleSpec } from "../language/module-resolver.ts";
import type { TorchRegistryData } from "../language/registry-definitions.ts";
import { PythonProbeError } from "./python-probe-error.ts";

// From src/python/ (a clone) and from dist/python/ (the package, which ships src/) alike.
const PROBE_SCRIPT = fileURLToPath(new URL("../../src/python/probe_torch_registry.py", import.meta.url));

export interface ProbePythonOptions {
  /** The interpreter: a path or a command on PATH (`python3`, `.venv/bin/python`). */
  readonly python: string;
  /** Modules to import after torch and before reading the registry (code that registers names). Default: none. */
  readonly imports?: readonly string[];
  /** Names to resolve as PyTorch's TORCH_LOGS parser does. Default: none. */
  readonly modules?: readonly string[];
  /** How long the interpreter may take (importing torch takes seconds). Default 120 000 ms. */
  readonly timeoutMs?: number;
  /**
   * The interpreter's environment (PYTHONPATH, …); TORCH_LOGS is left out (the probe removes it too).
   * Default: this process' environment.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface PythonProbeAnswer {
  /** The registry of the interpreter's torch; absent when torch could not be imported. */
  readonly registry?: TorchRegistryData;
  /** Why there is no registry (`ModuleNotFoundError: No module named 'torch'`). */
  readonly registryError?: string;
  /** find_spec's answer for each name asked. */
  readonly modules: ReadonlyMap<string, ModuleSpec>;
}

interface RawRegistry extends Omit<TorchRegistryData, "version"> {
  readonly python?: string;
}

/** Asks the interpreter; throws PythonProbeError when it cannot run or gives no answer. */
export async function probePython(options: ProbePythonOptions): Promise<PythonProbeAnswer> {
  const { python } = options;
  const dir = await mkdtemp(join(tmpdir(), "torch-logs-otel-probe-"));
  const out = join(dir, "answer.json");
  try {
    const request = JSON.stringify({ imports: options.imports ?? [], modules: options.modules ?? [] });
    const env = options.env === undefined ? undefined : withoutTorchLogs(options.env);
    const failure = await run(python, [PROBE_SCRIPT, out], request, options.timeoutMs ?? 120_000, env);
    let text: string;
    try {
      text = await readFile(out, "utf8");
    } catch {
      throw new PythonProbeError(`--python ${python}: ${failure ?? "the probe wrote no answer"}`);
    }
    let answer: { registry?: RawRegistry; registryError?: string; modules?: Record<string, ModuleSpec> };
    try {
      answer = JSON.parse(text);
    } catch {
      throw new PythonProbeError(`--python ${python}: the probe's answer is not JSON`);
    }
    const raw = answer.registry;
    return {
      ...(raw !== undefined && {
        registry: {
          version: raw.torchVersion,
          torchVersion: raw.torchVersion,
          gitVersion: raw.gitVersion ?? null,
          components: raw.components,
          artifacts: raw.artifacts,
          setLogsKeywords: raw.setLogsKeywords,
          helpExamples: raw.helpExamples,
        },
      }),
      ...(answer.registryError !== undefined && { registryError: answer.registryError }),
      modules: new Map(Object.entries(answer.modules ?? {})),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the interpreter; resolves to why it failed (undefined when it exited 0). */
function run(
  python: string,
  args: string[],
  input: string,
  timeout: number,
  env: Record<string, string | undefined> | undefined,
): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      python,
      args,
      { timeout, maxBuffer: 64 * 1024 * 1024, encoding: "utf8", ...(env !== undefined && { env }) },
      (error, _stdout, stderr) => {
        if (error === null) return resolve(undefined);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "EACCES") {
          return reject(new PythonProbeError(`--python ${python}: cannot run it (${error.message})`));
        }
        const last = stderr.trim().split("\n").at(-1);
        resolve(
          error.killed ? `no answer within ${timeout} ms` : `the probe failed: ${last || error.message}`,
        );
      },
    );
    child.stdin?.end(input);
  });
}

function withoutTorchLogs(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const { TORCH_LOGS: _, ...rest } = env;
  return rest;
}
