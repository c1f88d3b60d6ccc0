// The metrics `torch-logs-otel trace` emits from `compilation_metrics*` envelopes: one table that the
// exporter, the docs and the Grafana dashboards (collector/grafana/) all read, so a renamed metric fails a test
// instead of emptying a panel. OTel naming (dotted, unit in `unit`, not in the name); a Prometheus OTLP
// receiver turns `torch.compile.duration` (unit s) into `torch_compile_duration_seconds_*` and the counters
// into `…_total`, and the attribute `torch.rank` into the label `torch_rank`.

/** Attribute on every compile metric point: the rank (from the trace file's name, else the envelope). */
export const COMPILE_METRIC_RANK_ATTRIBUTE = "torch.rank";

/** Attribute of `torch.compile.duration`: which phase the time was spent in. */
export const COMPILE_PHASE_ATTRIBUTE = "torch.compile.phase";

/** Attribute of `torch.compile.failures`: PyTorch's `fail_type` (an exception class name). */
export const COMPILE_FAIL_TYPE_ATTRIBUTE = "torch.compile.fail_type";

/** Attributes of `torch.compile.cache.requests`: which cache, and `hit`, `miss` or `bypass`. */
export const COMPILE_CACHE_NAME_ATTRIBUTE = "torch.compile.cache.name";
export const COMPILE_CACHE_RESULT_ATTRIBUTE = "torch.compile.cache.result";

/** Attribute of `torch.compile.rank_divergence`: what ranks disagree on (compare-ranks.ts). */
export const DIVERGENCE_KIND_ATTRIBUTE = "torch.compile.divergence.kind";

/** Attributes of `torch.compile.graph_break.occurrences`: a graph break's reason (its first line) and user frame. */
export const GRAPH_BREAK_REASON_ATTRIBUTE = "torch.compile.graph_break.reason";
export const GRAPH_BREAK_USER_FRAME_ATTRIBUTE = "torch.compile.graph_break.user_frame";

export interface CompileMetricName {
  readonly name: string;
  readonly kind: "histogram" | "counter" | "gauge";
  readonly unit: string;
  readonly description: string;
  /** Attribute keys besides `torch.rank`. */
  readonly attributes: readonly string[];
}

export const COMPILE_METRICS = {
  duration: {
    name: "torch.compile.duration",
    kind: "histogram",
    unit: "s",
    description: "Time spent compiling one frame, per phase",
    attributes: [COMPILE_PHASE_ATTRIBUTE],
  },
  frames: {
    name: "torch.compile.frames",
    kind: "counter",
    unit: "{frame}",
    description: "Frames compiled (one per compilation_metrics envelope)",
    attributes: [],
  },
  graphBreaks: {
    name: "torch.compile.graph_breaks",
    kind: "counter",
    unit: "{break}",
    description: "Graph breaks",
    attributes: [],
  },
  recompiles: {
    name: "torch.compile.recompiles",
    kind: "counter",
    unit: "{recompile}",
    description: "Recompilations of a frame already compiled",
    attributes: [],
  },
  cacheRequests: {
    name: "torch.compile.cache.requests",
    kind: "counter",
    unit: "{request}",
    description: "Compile cache lookups, by cache and result",
    attributes: [COMPILE_CACHE_NAME_ATTRIBUTE, COMPILE_CACHE_RESULT_ATTRIBUTE],
  },
  failures: {
    name: "torch.compile.failures",
    kind: "counter",
    unit: "{failure}",
    description: "Failed compiles, by fail_type",
    attributes: [COMPILE_FAIL_TYPE_ATTRIBUTE],
  },
  graphBreakOccurrences: {
    name: "torch.compile.graph_break.occurrences",
    kind: "counter",
    unit: "{break}",
    description: "Graph breaks by reason and user frame: the distinct graph breaks, most frequent first",
    attributes: [GRAPH_BREAK_REASON_ATTRIBUTE, GRAPH_BREAK_USER_FRAME_ATTRIBUTE],
  },
  rankDivergence: {
    name: "torch.compile.rank_divergence",
    kind: "gauge",
    // A unit in braces adds no suffix to the Prometheus name (`1` would add `_ratio`).
    unit: "{rank}",
    description:
      "1 when this rank disagrees with the largest group of ranks on compile ids, cache hits, collectives or tensor metadata; 0 when it agrees",
    attributes: [DIVERGENCE_KIND_ATTRIBUTE],
  },
} as const satisfies Readonly<Record<string, CompileMetricName>>;
