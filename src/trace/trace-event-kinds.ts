// The event kinds of TORCH_TRACE files `trace` knows (an event kind is an envelope key, or for `artifact`
// envelopes the artifact's name): those of torch-trace-format.md §3.4 and §3.5, and every kind PyTorch 2.15's
// source writes (tools/pytorch/list_trace_kinds.py; docs/torch-trace-format-additions.md) — each with the TORCH_LOGS
// artifact that prints the same thing to the console, where one does, so `--torch-logs` selects trace records
// as it selects console records. An event of another kind is read like any other (event name, metadata as
// attributes, payload as body) and counted in the summary as of an unknown kind: a new PyTorch release shows
// there what to add.

/** A known kind with no TORCH_LOGS artifact of its own (a component record). */
const NONE = undefined;

/** Event kind → the TORCH_LOGS artifact. A Map: kinds come from the file (`constructor` must find nothing). */
const KINDS: ReadonlyMap<string, string | undefined> = new Map([
  // §3.4 envelope keys
  ["dynamo_start", NONE],
  ["dynamo_output_graph", "graph_code"],
  ["dynamo_guards", "guards"],
  ["dynamo_cpp_guards_str", "guards"],
  ["describe_storage", NONE],
  ["describe_tensor", NONE],
  ["describe_source", NONE],
  ["create_symbol", NONE],
  ["create_unbacked_symbol", NONE],
  ["symbolic_shape_specialization", NONE],
  ["guard_added_fast", NONE],
  ["guard_added", NONE],
  ["propagate_real_tensors", NONE],
  ["propagate_real_tensors_provenance", NONE],
  ["expression_created", NONE],
  ["missing_fake_kernel", NONE],
  ["mismatched_fake_kernel", NONE],
  ["exported_program", NONE],
  ["export", NONE],
  ["aot_forward_graph", "aot_graphs"],
  ["aot_backward_graph", "aot_graphs"],
  ["aot_inference_graph", "aot_graphs"],
  ["aot_joint_graph", "aot_graphs"],
  ["inductor_pre_grad_graph", "pre_grad_graphs"],
  ["inductor_post_grad_graph", "post_grad_graphs"],
  ["inductor_output_code", "output_code"],
  ["graph_dump", NONE],
  ["optimize_ddp_split_graph", "ddp_graphs"],
  ["optimize_ddp_split_child", "ddp_graphs"],
  ["compiled_autograd_graph", "compiled_autograd"],
  ["dump_file", NONE],
  ["link", NONE],
  ["artifact", NONE],
  ["chromium_event", NONE],
  ["compilation_metrics", NONE],
  ["bwd_compilation_metrics", NONE],
  ["compilation_metrics_runtime", NONE],
  ["bwd_compilation_metrics_runtime", NONE],
  ["aot_autograd_backward_compilation_metrics", NONE],
  ["memoizer_artifacts", NONE],
  ["str", NONE],
  // §3.5 artifact names
  ["before_pre_grad_graph", "pre_grad_graphs"],
  ["after_pre_grad_graph", "pre_grad_graphs"],
  ["before_post_grad_graph", "post_grad_graphs"],
  ["after_post_grad_graph", "post_grad_graphs"],
  ["before_joint_graph", NONE],
  ["after_joint_graph", NONE],
  ["before_recompile_pre_grad", NONE],
  ["after_recompile_pre_grad", NONE],
  ["before_recompile_post_grad", NONE],
  ["after_recompile_post_grad", NONE],
  ["aot_forward_graph_fw_metadata", NONE],
  ["torch._functorch.config", NONE],
  ["fx_graph_runnable", NONE],
  ["dynamo_error", NONE],
  ["dynamo_graph_break_reason", "graph_breaks"],
  ["make_fx_fail_partial", NONE],
  ["recompile_reasons", "recompiles"],
  ["fx_graph_cache_hit", NONE],
  ["fx_graph_cache_miss", NONE],
  ["fx_graph_cache_hash", NONE],
  ["aotautograd_cache_hit", NONE],
  ["aotautograd_cache_miss", NONE],
  ["aotautograd_cache_bypass", NONE],
  ["aotautograd_cache_hash", NONE],
  ["triton_kernel_info", NONE],
  ["inductor_collective_schedule", NONE],
  ["inductor_runtime_and_tensor_meta", NONE],
  ["graph_execution", NONE],
  ["inductor_graph_execution", NONE],
  ["inductor_post_to_pre_grad_nodes", NONE],
  ["inductor_provenance_tracking_node_mappings", NONE],
  ["inductor_triton_kernel_to_post_grad_nodes", NONE],
  ["inductor_provenance_tracking_kernel_stack_traces", NONE],
  // PyTorch 2.15 beyond the spec: recorded (docs/torch-trace-format-additions.md §1) …
  ["torch_version", NONE],
  ["aot_autograd_runtime_wrappers", NONE],
  ["compile_worker_status", NONE],
  ["compile_worker_sidecar_death", NONE],
  // … and written by its source (§2: `trace_structured_artifact` and `trace_structured("artifact")` literals)
  ...[
    "after_activation_quantization_bwd_aten_pass",
    "after_activation_quantization_fwd_aten_pass",
    "aot_forward_graph_fw_subclass_metadata",
    "aot_inference_graph_after_hop_passes",
    "aot_joint_graph_sync_decision_cross_ranks",
    "aot_saved_tensors_hooks_graphs",
    "aotautograd_cache_pickle_failure",
    "before_activation_quantization_bwd_aten_pass",
    "before_activation_quantization_fwd_aten_pass",
    "compiled_autograd_compile_reasons",
    "compiled_autograd_graph_pre_reordering",
    "compiler_collective",
    "dynamo_cache_bypass",
    "dynamo_cache_entries",
    "dynamo_cache_exception",
    "dynamo_side_effects",
    "eager_compile_backwards_failure",
    "fx_bucketing_passes_all_gather_buckets",
    "fx_bucketing_passes_reduce_scatter_buckets",
    "fx_compute_nodes_runtime_estimation",
    "fx_graph_bundled_cache_hit",
    "fx_interpreter_error",
    "fx_net_acc_splitter_finder_events",
    "get_extra_remote_code_state",
    "inductor_autotune_at_compile_time_code",
    "inductor_fx_passes_overlap_bucketing",
    "inductor_overlap_cyclic_extra_deps",
    "inductor_spmd_graph_mismatch",
    "invoke_subgraph_backward_duplicate",
    "min_cut_failed_edge_list",
    "min_cut_failed_fx_graph",
    "min_cut_failed_svg",
    "min_cut_information",
    "overlap_scheduling_graph_after",
    "overlap_scheduling_graph_before",
    "pge_profile_vs_analytical",
    "post_decomp_comms",
    "pre_bucketing_collective_sizes",
    "pre_bucketing_collective_sizes_after",
    "pre_bucketing_fsdp_collectives",
    "pre_decomp_comms",
    "precompile_cache_bypass",
    "put_local_code_state",
    "reorder_communication_preserving_peak_memory",
    "scheduler_nodes_before_comm_overlap",
    "sink_waits_iterative_info",
  ].map((name) => [name, NONE] as const),
]);

/**
 * Artifact names PyTorch builds at run time: Dynamo's `<code name>_ORIGINAL_BYTECODE` / `_MODIFIED_BYTECODE`
 * (torch/_dynamo/convert_frame.py; `bytecode` prints the same on the console).
 */
const PATTERNS: readonly (readonly [RegExp, string | undefined])[] = [
  [/_(?:ORIGINAL|MODIFIED)_BYTECODE$/, "bytecode"],
];

/** Whether `trace` knows the kind of an event (by its event name: the key, or an artifact's name). */
export function isKnownEventKind(eventName: string): boolean {
  return KINDS.has(eventName) || PATTERNS.some(([pattern]) => pattern.test(eventName));
}

/** The TORCH_LOGS artifact that prints the same thing to the console; undefined for component records. */
export function torchLogsArtifactOf(eventName: string): string | undefined {
  if (KINDS.has(eventName)) return KINDS.get(eventName);
  return PATTERNS.find(([pattern]) => pattern.test(eventName))?.[1];
}
