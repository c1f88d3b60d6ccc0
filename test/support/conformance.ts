// Loads the conformance vectors recorded from real PyTorch 2.14.1 (../shared/conformance, vendored here)
// and the module-resolution facts their `assumes` notes state.
import { readFileSync } from "node:fs";
import { createModuleTableResolver, type ModuleResolver, type SetLogsOptions } from "../../src/index.ts";

export type Probe =
  | { logger: string; level: string; emitted: boolean }
  | { artifact: string; module: string; level: string; emitted: boolean };

export interface TorchLogsVector {
  id: string;
  env: string | null;
  assumes?: string;
  expect: {
    error: boolean;
    kind?: "invalid_settings" | "help" | "python_import_machinery" | "crash";
    error_type?: string;
    message_starts_with?: string;
    message_contains?: string[];
    message_not_contains?: string[];
    message_exact_2_14_1_registry?: string;
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

function load<T>(name: string): T[] {
  return JSON.parse(readFileSync(new URL(`../fixtures/conformance/${name}`, import.meta.url), "utf8")) as T[];
}

export const torchLogsVectors = load<TorchLogsVector>("torch_logs_vectors.json");
export const setLogsVectors = load<SetLogsVector>("set_logs_vectors.json");

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
