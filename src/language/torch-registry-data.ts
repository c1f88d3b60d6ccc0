// The PyTorch 2.14.1 TORCH_LOGS registry as data, in registration order (torch/_logging/_registrations.py,
// read from the executed 2.14.1 wheel: ../shared/spec/torch-logs-semantics.md §10). Descriptions are verbatim.

/** A component: the alias used in TORCH_LOGS and the qualified logger names (OTel scopes) it sets. */
export interface ComponentDefinition {
  readonly alias: string;
  readonly qualifiedNames: readonly string[];
}

/** An artifact: a named on/off debug channel. */
export interface ArtifactDefinition {
  readonly name: string;
  /** The registry description, shown by `help`. Default `""`. */
  readonly description?: string;
  /** Listed by plain `help` (all artifacts are listed by `+help`). Default `false`. */
  readonly visible?: boolean;
  /** Emitted only when named explicitly; a component level never shows it. Default `false`. */
  readonly offByDefault?: boolean;
  /** A Python %-style format used instead of the torch line format for this artifact. Default: none. */
  readonly logFormat?: string;
}

export const TORCH_COMPONENTS: readonly ComponentDefinition[] = [
  {
    alias: "async_compile",
    qualifiedNames: ["torch._inductor.async_compile", "torch._inductor.compile_worker.tracked_process_pool"],
  },
  { alias: "cache", qualifiedNames: ["torch._inductor.remote_cache", "torch._inductor.fb.remote_cache"] },
  {
    alias: "dynamo",
    qualifiedNames: [
      "torch._dynamo",
      "torch.fx.experimental.symbolic_shapes",
      "torch.fx.experimental.sym_node",
      "torch.fx.experimental.recording",
    ],
  },
  { alias: "fake_tensor", qualifiedNames: ["torch._subclasses.fake_tensor"] },
  { alias: "aot", qualifiedNames: ["torch._functorch.aot_autograd", "torch._functorch._aot_autograd"] },
  { alias: "autograd", qualifiedNames: ["torch.autograd"] },
  { alias: "inductor", qualifiedNames: ["torch._inductor", "torch._inductor.cudagraph_trees"] },
  { alias: "flex_gemm", qualifiedNames: ["torch._inductor.kernel.flex_gemm.debug"] },
  {
    alias: "dynamic",
    qualifiedNames: [
      "torch.fx.experimental.symbolic_shapes",
      "torch.fx.experimental.sym_node",
      "torch.fx.experimental.recording",
    ],
  },
  { alias: "torch", qualifiedNames: ["torch"] },
  {
    alias: "distributed",
    qualifiedNames: [
      "torch.distributed",
      "torch._dynamo.backends.distributed",
      "torch.nn.parallel.distributed",
    ],
  },
  { alias: "c10d", qualifiedNames: ["torch.distributed.distributed_c10d", "torch.distributed.rendezvous"] },
  { alias: "ddp", qualifiedNames: ["torch.nn.parallel.distributed", "torch._dynamo.backends.distributed"] },
  { alias: "pp", qualifiedNames: ["torch.distributed.pipelining"] },
  { alias: "fsdp", qualifiedNames: ["torch.distributed.fsdp", "torch.distributed._composable.fsdp"] },
  { alias: "dtensor", qualifiedNames: ["torch.distributed._tensor", "torch.distributed.tensor"] },
  { alias: "onnx", qualifiedNames: ["torch.onnx"] },
  { alias: "native_dsl", qualifiedNames: ["torch._native"] },
  {
    alias: "export",
    qualifiedNames: [
      "torch._dynamo",
      "torch.export",
      "torch.export.dynamic_shapes",
      "torch.fx.experimental.symbolic_shapes",
      "torch.fx.experimental.sym_node",
      "torch.fx.experimental.recording",
      "torch._export.converter",
      "torch._export.non_strict_utils",
      "torch._export.serde.serialize",
      "torch.fx.experimental.proxy_tensor",
    ],
  },
];

export const TORCH_ARTIFACTS: readonly ArtifactDefinition[] = [
  {
    name: "cudagraphs",
    description: "Logs information from wrapping inductor generated code with cudagraphs.",
  },
  {
    name: "native_dsl_compile",
    description:
      "Emits a log line and a tlparse record per torch._native DSL compile-cache call (compiles and cache hits). Off by default: this fires on every op call.",
    offByDefault: true,
  },
  {
    name: "guards",
    description:
      "This prints the guards for every compiled Dynamo frame. It does not tell you where the guards come from.",
    visible: true,
  },
  { name: "verbose_guards", description: "", offByDefault: true },
  {
    name: "bytecode",
    description:
      "Prints the original and modified bytecode from Dynamo. Mostly useful if you're debugging our bytecode generation in Dynamo.",
    offByDefault: true,
  },
  {
    name: "graph",
    description:
      "Prints the dynamo traced graph (prior to AOTDispatch) in a table. If you prefer python code use `graph_code` instead. ",
  },
  { name: "graph_code", description: "Like `graph`, but gives you the Python code instead." },
  {
    name: "graph_code_verbose",
    description: "Verbose FX pass logs, e.g. from tensorify_python_scalars and runtime_assert.",
  },
  { name: "graph_sizes", description: "Prints the sizes of all FX nodes in the dynamo graph." },
  {
    name: "trace_source",
    description:
      "As we execute bytecode, prints the file name / line number we are processing and the actual source code. Useful with `bytecode`",
  },
  {
    name: "trace_call",
    description:
      "Like trace_source, but it will give you the per-expression blow-by-blow if your Python is recent enough.",
  },
  {
    name: "trace_bytecode",
    description: "As we trace bytecode, prints the instruction and the current stack.",
  },
  {
    name: "aot_graphs",
    description:
      "Prints the FX forward and backward graph generated by AOTDispatch, after partitioning. Useful to understand what's being given to Inductor",
    visible: true,
  },
  {
    name: "aot_joint_graph",
    description:
      "Print FX joint graph from AOTAutograd, prior to partitioning. Useful for debugging partitioning",
  },
  {
    name: "aot_graphs_effects",
    description:
      "Prints the FX forward and backward graph generated by AOTDispatch, useful for debugging effects processing.",
    visible: true,
  },
  {
    name: "pre_grad_graphs",
    description:
      "Prints the FX graph before inductor pre grad passes. Useful to understand what's being given to Inductor before grad passes",
  },
  {
    name: "post_grad_graphs",
    description:
      "Prints the FX graph generated by post grad passes. Useful to understand what's being given to Inductor after post grad passes",
  },
  { name: "ir_pre_fusion", description: "Prints the IR before inductor fusion passes.", offByDefault: true },
  { name: "ir_post_fusion", description: "Prints the IR after inductor fusion passes.", offByDefault: true },
  {
    name: "compiled_autograd",
    description:
      "Prints various logs in compiled_autograd, including but not limited to the graphs. Useful for debugging compiled_autograd.",
    visible: true,
  },
  {
    name: "compiled_autograd_verbose",
    description:
      "Will affect performance. Prints compiled_autograd logs with C++ info e.g. autograd node -> fx node mapping",
    offByDefault: true,
  },
  {
    name: "ddp_graphs",
    description:
      "Only relevant for compiling DDP. DDP splits into multiple graphs to trigger comms early. This will print each individual graph here.",
  },
  {
    name: "recompiles",
    description: "Prints the reason why we recompiled a graph. Very, very useful.",
    visible: true,
  },
  {
    name: "recompiles_verbose",
    description:
      "Prints all guard checks that fail during a recompilation. At runtime, Dynamo will stop at the first failed check for each failing guard. So not all logged failing checks are actually ran by Dynamo.",
    visible: true,
    offByDefault: true,
  },
  {
    name: "graph_breaks",
    description:
      "Prints whenever Dynamo decides that it needs to graph break (i.e. create a new graph). Useful for debugging why torch.compile has poor performance",
    visible: true,
  },
  {
    name: "side_effects",
    description:
      "Prints all side effects that Dynamo codegenerates, including mutations to variables, attributes, cells, and globals. Useful for debugging side effect handling",
    visible: true,
  },
  {
    name: "not_implemented",
    description:
      "Prints log messages whenever we return NotImplemented in a multi-dispatch, letting you trace through each object we attempted to dispatch to",
  },
  {
    name: "output_code",
    description: "Prints the code that Inductor generates (either Triton or C++)",
    visible: true,
    offByDefault: true,
  },
  {
    name: "kernel_code",
    description: "Prints the code that Inductor generates (on a per-kernel basis)",
    visible: true,
    offByDefault: true,
  },
  {
    name: "schedule",
    description: "Inductor scheduler information. Useful if working on Inductor fusion algo",
    offByDefault: true,
  },
  { name: "perf_hints", description: "", offByDefault: true },
  { name: "onnx_diagnostics", description: "", offByDefault: true },
  { name: "compute_dependencies", description: "", offByDefault: true },
  {
    name: "fusion",
    description: "Detailed Inductor fusion decisions. More detailed than 'schedule'",
    offByDefault: true,
  },
  { name: "loop_ordering", description: "Logs related to loop ordering", offByDefault: true },
  { name: "loop_tiling", description: "Logs related to loop ordering", offByDefault: true },
  { name: "auto_chunker", description: "Logs related to the auto chunker", offByDefault: true },
  { name: "overlap", description: "Detailed Inductor compute/comm overlap decisions", offByDefault: true },
  {
    name: "overlap_scheduling",
    description: "Detailed Inductor overlap scheduling pass information",
    offByDefault: true,
  },
  {
    name: "partitioned_scatter",
    description: "Inductor partitioned scatter pass decisions and memory accounting",
    offByDefault: true,
  },
  { name: "sym_node", description: "Logs extra info for various SymNode operations", offByDefault: true },
  {
    name: "trace_shape_events",
    description: "Logs traces for every ShapeEnv operation that we record for replay",
    offByDefault: true,
  },
  {
    name: "cudagraph_static_inputs",
    description: "Logs static inputs handling in dynamo, AOT, and cudagraphs",
    offByDefault: true,
  },
  { name: "benchmarking", description: "Detailed Inductor benchmarking information.", offByDefault: true },
  { name: "incremental", description: "Incremental autotuning logs.", offByDefault: true },
  {
    name: "node_runtime_estimation",
    description: "Node runtime estimation for compile-time optimization decisions.",
    offByDefault: true,
  },
  {
    name: "autotuning",
    description: "Autotuning choice logs, such as kernel source, perf, and tuning parameters.",
    offByDefault: true,
  },
  {
    name: "autotuning_inputs",
    description: "Per-kernel input tensor shapes/dtypes/strides logged during autotuning.",
    offByDefault: true,
  },
  {
    name: "graph_region_expansion",
    description: "Logs detailed steps of the duplicate graph region tracker expansion algorithm",
    offByDefault: true,
  },
  {
    name: "inductor_metrics",
    description: "Logs Inductor metrics, such as num_bytes, nodes_num_elem, node_runtimes",
    offByDefault: true,
  },
  {
    name: "hierarchical_compile",
    description: "Logs debug info for hierarchical compilation",
    offByDefault: true,
  },
  {
    name: "annotation",
    description: "Logs detailed steps of the creating annotation on graph nodes",
    offByDefault: true,
  },
  { name: "custom_format_test_artifact", description: "Testing only", logFormat: "" },
  { name: "caching", description: "Detailed Inductor caching information.", offByDefault: true },
];

/**
 * The `set_logs` keywords in the fixed order PyTorch 2.14.1 applies them (its internal call order, not the
 * caller's). `all` stands for the `torch` alias. Aliases and artifacts not listed have no keyword and go
 * through `modules`.
 */
export const TORCH_SET_LOGS_KEYWORDS: readonly string[] = [
  "all",
  "dynamo",
  "aot",
  "autograd",
  "inductor",
  "dynamic",
  "bytecode",
  "aot_graphs",
  "aot_joint_graph",
  "ddp_graphs",
  "distributed",
  "c10d",
  "ddp",
  "fsdp",
  "dtensor",
  "graph",
  "graph_code",
  "graph_code_verbose",
  "graph_breaks",
  "side_effects",
  "graph_sizes",
  "guards",
  "recompiles",
  "recompiles_verbose",
  "trace_source",
  "trace_call",
  "trace_bytecode",
  "output_code",
  "kernel_code",
  "schedule",
  "perf_hints",
  "pre_grad_graphs",
  "post_grad_graphs",
  "ir_pre_fusion",
  "ir_post_fusion",
  "onnx",
  "onnx_diagnostics",
  "fusion",
  "overlap",
  "sym_node",
  "export",
  "cudagraphs",
  "compiled_autograd",
  "compiled_autograd_verbose",
  "cudagraph_static_inputs",
  "benchmarking",
  "autotuning",
  "autotuning_inputs",
  "incremental",
  "graph_region_expansion",
  "inductor_metrics",
  "hierarchical_compile",
  "compute_dependencies",
  "caching",
  "partitioned_scatter",
];
