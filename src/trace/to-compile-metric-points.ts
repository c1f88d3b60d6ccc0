// Compile metrics from trace envelopes (pure): `compilation_metrics*` → duration per phase and counters of
// frames, graph breaks, recompiles and failures; cache artifacts → cache requests. Names, units and
// attribute keys are those of compile-metric-names.ts (which the Grafana dashboards query).
import type { Attributes } from "@opentelemetry/api";
import type { HrTime } from "../pytorch-line/resolve-log-time.ts";
import {
  COMPILE_CACHE_NAME_ATTRIBUTE,
  COMPILE_CACHE_RESULT_ATTRIBUTE,
  COMPILE_FAIL_TYPE_ATTRIBUTE,
  COMPILE_METRIC_RANK_ATTRIBUTE,
  COMPILE_METRICS,
  COMPILE_PHASE_ATTRIBUTE,
} from "./compile-metric-names.ts";
import { eventNameOf } from "./to-trace-log-record.ts";
import type { TraceEnvelope } from "./trace-envelope.ts";

/** A metric point and the instant of the envelope it came from. */
export interface TimedMetricPoint extends CompileMetricPoint {
  readonly time: HrTime | undefined;
}

/** One measurement: a histogram value, a counter increment or a gauge's value. */
export interface CompileMetricPoint {
  readonly name: string;
  readonly kind: "histogram" | "counter" | "gauge";
  readonly unit: string;
  readonly value: number;
  readonly attributes: Attributes;
}

/**
 * `torch.compile.phase` values and their fields: the µs field (PyTorch ≥ late 2024), else the legacy
 * seconds or milliseconds field (older PyTorch; newer ones derive it from the µs field, so it is read only
 * when the µs field is missing or null — never both).
 */
const PHASES: readonly (readonly [phase: string, micros: string, legacy?: string, legacyScale?: number])[] = [
  ["total", "duration_us"],
  ["dynamo", "dynamo_cumulative_compile_time_us", "entire_frame_compile_time_s", 1],
  ["aot_autograd", "aot_autograd_cumulative_compile_time_us", "backend_compile_time_s", 1],
  ["inductor", "inductor_cumulative_compile_time_us", "inductor_compile_time_s", 1],
  ["inductor_code_gen", "inductor_code_gen_cumulative_compile_time_us", "code_gen_time_s", 1],
  ["backward", "backward_cumulative_compile_time_us", "elapsed_time", 1],
  ["dynamo_before_restart", "dynamo_compile_time_before_restart_us", "dynamo_time_before_restart_s", 1],
  ["triton_compile", "triton_compile_time_us"],
  ["pre_grad_passes", "pre_grad_pass_time_us"],
  ["joint_graph_passes", "joint_graph_pass_time_us"],
  ["post_grad_passes", "post_grad_pass_time_us"],
  ["autotune", "compile_time_autotune_time_us"],
  ["gc", "gc_time_us"],
  [
    "remote_fx_graph_cache_get",
    "remote_fx_graph_cache_get_time_us",
    "remote_fx_graph_cache_get_time_ms",
    1e-3,
  ],
  [
    "remote_fx_graph_cache_put",
    "remote_fx_graph_cache_put_time_us",
    "remote_fx_graph_cache_put_time_ms",
    1e-3,
  ],
  ["runtime_cudagraphify", "runtime_cudagraphify_time_us"],
  ["runtime_triton_autotune", "runtime_triton_autotune_time_us"],
  ["structured_logging", "structured_logging_overhead_us", "structured_logging_overhead_s", 1],
];

/** The envelope keys that carry compilation metrics (§7.1, and the 2024 backward variant). */
export function isCompilationMetrics(key: string): boolean {
  return (
    key === "compilation_metrics" ||
    key === "bwd_compilation_metrics" ||
    key === "compilation_metrics_runtime" ||
    key === "bwd_compilation_metrics_runtime" ||
    key === "aot_autograd_backward_compilation_metrics"
  );
}

const CACHE_ARTIFACT = /^(fx_graph|aotautograd)_cache_(hit|miss|bypass)$/;

/**
 * The metric points of one envelope (none for most). `rank` goes on every point. A field that holds a number
 * out of its range gives no point: a negative time or a count that is no non-negative integer is reported to
 * `onBadNumber`; one that overflowed (`1e400` reads as Infinity) is not, as toTraceLogRecord reports it when it
 * leaves it out of the record's metadata.
 *
 * - `torch.compile.duration` (s): one value per phase present (see PHASES);
 * - `torch.compile.frames`: 1 per `compilation_metrics` (forward, compile time);
 * - `torch.compile.graph_breaks`: `num_graph_breaks`, else (older PyTorch) the number of `restart_reasons`;
 * - `torch.compile.recompiles`: 1 when `frame_compile_id` > 0 (a frame compiled again);
 * - `torch.compile.failures`: 1 when `fail_type` is set, with it as `torch.compile.fail_type`;
 * - `torch.compile.cache.requests`: 1 per `fx_graph_cache_hit|miss|bypass` / `aotautograd_cache_hit|miss|bypass` artifact
 *   (one per lookup in every PyTorch version with these caches; the metrics' `*_cache_hit_count` fields are
 *   null in most versions and count the same lookups, so they are not added again).
 */
export function toCompileMetricPoints(
  envelope: TraceEnvelope,
  rank: number | undefined,
  onBadNumber: () => void = () => {},
): CompileMetricPoint[] {
  const base: Attributes = rank === undefined ? {} : { [COMPILE_METRIC_RANK_ATTRIBUTE]: rank };
  const M = COMPILE_METRICS;
  if (envelope.key === "artifact") {
    const cache = CACHE_ARTIFACT.exec(eventNameOf(envelope));
    if (cache === null) return [];
    return [
      counter(M.cacheRequests, 1, {
        ...base,
        [COMPILE_CACHE_NAME_ATTRIBUTE]: cache[1] as string,
        [COMPILE_CACHE_RESULT_ATTRIBUTE]: cache[2] as string,
      }),
    ];
  }
  if (!isCompilationMetrics(envelope.key)) return [];
  const m = envelope.metadata as Record<string, unknown> | null;
  if (m === null || typeof m !== "object") return [];
  const points: CompileMetricPoint[] = [];
  for (const [phase, micros, legacy, scale] of PHASES) {
    const us = m[micros];
    const old = legacy === undefined || typeof us === "number" ? undefined : m[legacy];
    let seconds: number | undefined;
    if (typeof us === "number") seconds = us / 1e6;
    else if (typeof old === "number") seconds = old * (scale ?? 1);
    if (seconds === undefined || !Number.isFinite(seconds)) continue;
    if (seconds < 0) {
      onBadNumber();
      continue;
    }
    points.push({
      name: M.duration.name,
      kind: "histogram",
      unit: M.duration.unit,
      value: seconds,
      attributes: { ...base, [COMPILE_PHASE_ATTRIBUTE]: phase },
    });
  }
  if (envelope.key === "compilation_metrics") {
    points.push(counter(M.frames, 1, base));
    const reported = m.num_graph_breaks;
    if (typeof reported === "number" && !isCount(reported)) {
      if (Number.isFinite(reported)) onBadNumber();
    } else {
      const breaks = isCount(reported)
        ? reported
        : Array.isArray(m.restart_reasons)
          ? m.restart_reasons.length
          : 0;
      points.push(counter(M.graphBreaks, breaks, base));
    }
    points.push(counter(M.recompiles, frameCompileIdOf(envelope, m) > 0 ? 1 : 0, base));
  }
  if (typeof m.fail_type === "string" && m.fail_type !== "") {
    points.push(counter(M.failures, 1, { ...base, [COMPILE_FAIL_TYPE_ATTRIBUTE]: m.fail_type }));
  }
  return points;
}

function counter(
  metric: { readonly name: string; readonly unit: string },
  value: number,
  attributes: Attributes,
): CompileMetricPoint {
  return { name: metric.name, kind: "counter", unit: metric.unit, value, attributes };
}

function frameCompileIdOf(envelope: TraceEnvelope, metrics: Record<string, unknown>): number {
  const fromEnvelope = envelope.fields.frame_compile_id;
  if (isNumber(fromEnvelope)) return fromEnvelope;
  const id = metrics.compile_id;
  const m = typeof id === "string" ? /^(?:!\d+\/)?\d+\/(\d+)$/.exec(id) : null;
  return m === null ? 0 : Number(m[1]);
}

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** What a counter can add: a non-negative integer. */
function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
