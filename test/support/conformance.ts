// Loads the conformance vectors recorded from real PyTorch, one folder per release: 2.14.1 (../shared/conformance,
// vendored here) and those tools/pytorch/record_conformance.py recorded (2.15.0, …), and the module-resolution
// facts each vector carries (`python_modules`) or, for the shared 2.14.1 files, their `assumes` notes state.
import { readdirSync, readFileSync } from "node:fs";
import {
  createModuleSpecResolver,
  createModuleTableResolver,
  type ModuleResolver,
  type ModuleSpec,
  type SetLogsOptions,
} from "../../src/index.ts";

export type Probe =
  | { logger: string; level: string; emitted: boolean }
  | { artifact: string; module: string; level: string; emitted: boolean };

export interface TorchLogsVector {
  id: string;
  env: string | null;
  assumes?: string;
  /** What `find_spec` (and the package walk) said for each name resolved as a module (recorded vectors). */
  python_modules?: Record<string, ModuleSpec>;
  expect: {
    error: boolean;
    kind?: "invalid_settings" | "help" | "python_import_machinery" | "crash";
    error_type?: string;
    message_starts_with?: string;
    message_contains?: string[];
    message_not_contains?: string[];
    message_exact_2_14_1_registry?: string;
    /** The release's whole message (recorded vectors). */
    message_exact?: string;
    levels?: Record<string, string>;
    alias_levels_by_qname?: Record<string, Record<string, string>>;
    qname_levels?: Record<string, string>;
    explicit?: Record<string, string>;
    explicit_includes?: Record<string, string>;
    artifacts_enabled?: string[];
    artifacts_disabled?: string[];
    registered_aliases_added?: string[];
    child_logs_added?: string[];
    emits?: Probe[];
  };
}

export interface SetLogsVector {
  id: string;
  env: string | null;
  calls: SetLogsOptions[];
  assumes?: string;
  python_modules?: Record<string, ModuleSpec>;
  expect: {
    call_results: ("ok" | { error: true; error_type: string; message: string })[];
    levels: Record<string, string>;
    alias_levels_by_qname?: Record<string, Record<string, string>>;
    qname_levels: Record<string, string>;
    state_explicit?: Record<string, string>;
    state_explicit_includes?: Record<string, string>;
    artifacts_enabled: string[];
    registered_aliases_added?: string[];
    emits: Probe[];
  };
}

const FIXTURES = new URL("../fixtures/conformance/", import.meta.url);

function load<T>(version: string, name: string): T[] {
  return JSON.parse(readFileSync(new URL(`${version}/${name}`, FIXTURES), "utf8")) as T[];
}

/** One release's recorded vectors. */
export interface ConformanceRelease {
  /** The folder name: the PyTorch version the vectors were recorded from (`2.15.0`). */
  readonly version: string;
  readonly torchLogs: readonly TorchLogsVector[];
  readonly setLogs: readonly SetLogsVector[];
}

/** Every release folder under test/fixtures/conformance, newest first. */
export const conformanceReleases: readonly ConformanceRelease[] = readdirSync(FIXTURES, {
  withFileTypes: true,
})
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort((a, b) => b.localeCompare(a, "en", { numeric: true }))
  .map((version) => ({
    version,
    torchLogs: load<TorchLogsVector>(version, "torch_logs_vectors.json"),
    setLogs: load<SetLogsVector>(version, "set_logs_vectors.json"),
  }));

/** The shared 2.14.1 vectors (../shared/conformance). */
export const torchLogsVectors = load<TorchLogsVector>("2.14.1", "torch_logs_vectors.json");
export const setLogsVectors = load<SetLogsVector>("2.14.1", "set_logs_vectors.json");

/**
 * How a vector's module names resolve: exactly as the recording interpreter answered (`python_modules`), else
 * the reference environment of the shared vectors' `assumes` notes.
 */
export function moduleResolverOf(vector: { python_modules?: Record<string, ModuleSpec> }): ModuleResolver {
  const modules = vector.python_modules;
  return modules === undefined
    ? referenceModuleResolver
    : createModuleSpecResolver(new Map(Object.entries(modules)));
}

/**
 * The reference environment of the vectors' `assumes` notes (CPython 3.11 with torch): json is a package with
 * decoder/encoder/scanner/tool; os is a plain module; torch.utils.hooks, torch._dynamo.guards,
 * torch._inductor.scheduler and torch._inductor.cudagraph_trees are plain modules; torch._logging,
 * torch._dynamo and torch._functorch._aot_autograd are packages; there are no top-level some, a or dynamo.
 * Of torch._dynamo's 117 submodules only those the vectors list are included.
 */
export const referenceModuleResolver: ModuleResolver = createModuleTableResolver({
  packages: [
    "json",
    "torch",
    "torch.utils",
    "torch._logging",
    "torch._dynamo",
    "torch._dynamo.backends",
    "torch._inductor",
    "torch._functorch",
    "torch._functorch._aot_autograd",
  ],
  modules: [
    "json.decoder",
    "json.encoder",
    "json.scanner",
    "json.tool",
    "os",
    "torch.utils.hooks",
    "torch._dynamo._trace_wrapped_higher_order_op",
    "torch._dynamo.aot_compile",
    "torch._dynamo.aot_compile_types",
    "torch._dynamo.backends.common",
    "torch._dynamo.backends.cudagraphs",
    "torch._dynamo.guards",
    "torch._inductor.scheduler",
    "torch._inductor.cudagraph_trees",
  ],
});
