// Do the ranks of one job agree (pure)? tlparse's `--all-ranks-html` warns when ranks diverge in compile ids,
// in the order of compile-cache hits and misses, in the collective operations of their graphs or in the graphs'
// tensor metadata — a divergence that can hang a distributed job. Here each kind of divergence gives one record
// per rank saying which ranks it agrees with, and `torch.compile.rank_divergence` is 0 for every rank of a kind
// where all ranks agree, 1 for the ranks outside the largest group where they do not.
import type { Attributes } from "@opentelemetry/api";
import { RANK_ATTRIBUTE } from "../otel/attributes.ts";
import type { HrTime } from "../pytorch-line/resolve-log-time.ts";
import {
  COMPILE_METRIC_RANK_ATTRIBUTE,
  COMPILE_METRICS,
  DIVERGENCE_KIND_ATTRIBUTE,
} from "./compile-metric-names.ts";
import { DERIVED_EVENTS, derivedRecord } from "./derived-record.ts";
import {
  DIVERGENCE_KINDS,
  type DivergenceKind,
  type ParityFinding,
  type RankDigest,
  type RankSummary,
} from "./rank-summary.ts";
import type { TimedMetricPoint } from "./to-compile-metric-points.ts";
import type { TraceLogRecord } from "./to-trace-log-record.ts";
import { TRACE_ATTRIBUTES } from "./trace-attributes.ts";
import { formatCompileId } from "./trace-envelope.ts";

/** Attributes of a `torch.compile.rank_divergence` record besides `torch.rank` and the kind. */
export const DIVERGENCE_ATTRIBUTES = {
  /** The ranks that agree with this one, as tlparse lists them: `0, 2`. */
  group: "torch.compile.divergence.group",
  /** How many groups of agreeing ranks there are. */
  groups: "torch.compile.divergence.groups",
} as const;

const WHAT: Readonly<Record<DivergenceKind, readonly [subject: string, items: string]>> = {
  compile_ids: ["compile ids", "compile ids"],
  cache: ["orders of compile-cache hits and misses", "cache lookups"],
  collectives: ["collective operation sequences", "collective ops"],
  tensor_meta: ["inductor tensor metadata of the graphs", "graphs"],
};

/** Attributes of a `torch.compile.collectives_parity` record besides `torch.rank` and the compile's. */
export const PARITY_ATTRIBUTES = {
  /** Σ over kinds of collective of |scheduled − issued by the code|. */
  offset: "torch.compile.collectives.offset",
  /** Collective calls of the code beyond its `wait_tensor` calls. */
  missingWaits: "torch.compile.collectives.missing_waits",
} as const;

export interface RankComparison {
  readonly records: TraceLogRecord[];
  readonly points: TimedMetricPoint[];
}

/**
 * What a run's ranks tell at its end: each rank's compiles whose code and schedule disagree on collectives, and
 * the comparison of the ranks (compareRanks).
 */
export function rankReport(summaries: readonly RankSummary[], timestamp: HrTime | undefined): RankComparison {
  const records = summaries.flatMap((s) => s.parityFindings().map((f) => parityRecord(s.rank, f, timestamp)));
  const comparison = compareRanks(
    summaries.map((s) => s.digest()),
    timestamp,
  );
  return { records: [...records, ...comparison.records], points: comparison.points };
}

function parityRecord(rank: number, finding: ParityFinding, timestamp: HrTime | undefined): TraceLogRecord {
  const [ca, frame, frameCompile, attempt] = finding.dir
    .split("_")
    .map((n) => (n === "-" ? undefined : Number(n)));
  const context = {
    ...(ca !== undefined && { compiledAutogradId: ca }),
    ...(frame !== undefined && { frameId: frame }),
    ...(frameCompile !== undefined && { frameCompileId: frameCompile }),
    ...(attempt !== undefined && { attempt }),
  };
  const attributes: Attributes = {
    [RANK_ATTRIBUTE]: rank,
    [PARITY_ATTRIBUTES.offset]: finding.offset,
    [PARITY_ATTRIBUTES.missingWaits]: finding.missingWaits,
  };
  const compileId = formatCompileId(context);
  if (compileId !== undefined) attributes[TRACE_ATTRIBUTES.compileId] = compileId;
  if (context.compiledAutogradId !== undefined)
    attributes[TRACE_ATTRIBUTES.compiledAutogradId] = context.compiledAutogradId;
  if (context.frameId !== undefined) attributes[TRACE_ATTRIBUTES.frameId] = context.frameId;
  if (context.frameCompileId !== undefined)
    attributes[TRACE_ATTRIBUTES.frameCompileId] = context.frameCompileId;
  if (context.attempt !== undefined) attributes[TRACE_ATTRIBUTES.attempt] = context.attempt;
  const counts = (c: Readonly<Record<string, number>>) =>
    Object.entries(c)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(", ") || "none";
  return derivedRecord({
    eventName: DERIVED_EVENTS.collectivesParity,
    scope: "torch.distributed",
    level: 30,
    body:
      `Rank ${rank}, compile ${compileId ?? finding.dir}: the code issues other collectives than scheduled ` +
      `(offset ${finding.offset}; scheduled: ${counts(finding.scheduled)}; in the code: ${counts(finding.inCode)}), ` +
      `${finding.missingWaits} without a wait`,
    attributes,
    timestamp,
  });
}

/** Compares the ranks' digests (one per rank); nothing for fewer than two ranks. */
export function compareRanks(digests: readonly RankDigest[], timestamp: HrTime | undefined): RankComparison {
  const out: RankComparison = { records: [], points: [] };
  if (digests.length < 2) return out;
  const sorted = [...digests].sort((a, b) => a.rank - b.rank);
  for (const kind of DIVERGENCE_KINDS) {
    // tlparse compares tensor metadata only among the ranks that logged some.
    const taking = kind === "tensor_meta" ? sorted.filter((d) => d.sequences[kind].length > 0) : sorted;
    const groups = new Map<string, number[]>();
    for (const d of taking)
      groups.set(d.sequences[kind].hash, [...(groups.get(d.sequences[kind].hash) ?? []), d.rank]);
    let largest: number[] = [];
    for (const ranks of groups.values()) if (ranks.length > largest.length) largest = ranks;
    for (const d of sorted) {
      const group = groups.get(d.sequences[kind].hash);
      const diverges = groups.size > 1 && group !== undefined && group !== largest;
      out.points.push({
        name: COMPILE_METRICS.rankDivergence.name,
        kind: "gauge",
        unit: COMPILE_METRICS.rankDivergence.unit,
        value: diverges ? 1 : 0,
        attributes: { [COMPILE_METRIC_RANK_ATTRIBUTE]: d.rank, [DIVERGENCE_KIND_ATTRIBUTE]: kind },
        time: timestamp,
      });
      if (groups.size > 1 && group !== undefined)
        out.records.push(divergenceRecord(kind, d, group, [...groups.values()], timestamp));
    }
  }
  return out;
}

function divergenceRecord(
  kind: DivergenceKind,
  digest: RankDigest,
  group: readonly number[],
  groups: readonly (readonly number[])[],
  timestamp: HrTime | undefined,
): TraceLogRecord {
  const [subject, items] = WHAT[kind];
  const sequence = digest.sequences[kind];
  const shown = `${sequence.head.join(", ")}${sequence.length > sequence.head.length ? ", …" : ""}`;
  const attributes: Attributes = {
    [RANK_ATTRIBUTE]: digest.rank,
    [DIVERGENCE_KIND_ATTRIBUTE]: kind,
    [DIVERGENCE_ATTRIBUTES.group]: group.join(", "),
    [DIVERGENCE_ATTRIBUTES.groups]: groups.length,
  };
  return derivedRecord({
    eventName: DERIVED_EVENTS.rankDivergence,
    scope: "torch.distributed",
    level: 30,
    body:
      `The ranks' ${subject} differ (${groups.map((g) => `[${g.join(", ")}]`).join(" ")}); ` +
      `rank ${digest.rank} ${group.length === 1 ? "agrees with no other rank" : `agrees with ranks ${group.filter((r) => r !== digest.rank).join(", ")}`}. ` +
      `Its ${sequence.length} ${items}: ${shown}`,
    attributes,
    timestamp,
  });
}
