// The distinct graph breaks of one trace file (tlparse #118, pytorch#153669: "a summary of distinct graph breaks
// for end users who just want to fix their graph breaks"). A graph break is a `dynamo_graph_break_reason`
// artifact (PyTorch ≥ late 2024: "Graph break in user code at FILE:LINE\nGraph Break Reason: …"), or, in a file
// without such artifacts so far, a restart reason of `compilation_metrics` (older PyTorch, no user frame). Two
// graph breaks are the same when their reason's first line and their user frame are: the summary has one record
// per distinct one, with its count and first and last compile id, and `torch.compile.graph_break.occurrences`
// counts each as it is read.
import type { Attributes } from "@opentelemetry/api";
import { ARTIFACT_ATTRIBUTE, RANK_ATTRIBUTE } from "../otel/attributes.ts";
import type { HrTime } from "../pytorch-line/resolve-log-time.ts";
import {
  COMPILE_METRIC_RANK_ATTRIBUTE,
  COMPILE_METRICS,
  GRAPH_BREAK_REASON_ATTRIBUTE,
  GRAPH_BREAK_USER_FRAME_ATTRIBUTE,
} from "./compile-metric-names.ts";
import { DERIVED_EVENTS, derivedRecord } from "./derived-record.ts";
import type { TimedMetricPoint } from "./to-compile-metric-points.ts";
import type { TraceLogRecord } from "./to-trace-log-record.ts";

/** Attributes of a `torch.compile.graph_break_summary` record besides reason, user frame and rank. */
export const GRAPH_BREAK_ATTRIBUTES = {
  reason: GRAPH_BREAK_REASON_ATTRIBUTE,
  userFrame: GRAPH_BREAK_USER_FRAME_ATTRIBUTE,
  count: "torch.compile.graph_break.count",
  firstCompileId: "torch.compile.graph_break.first_compile_id",
  lastCompileId: "torch.compile.graph_break.last_compile_id",
  /** The graph break's page on PyTorch's graph-break site (`gb0059`), when the reason links it. */
  id: "torch.compile.graph_break.id",
} as const;

export interface GraphBreak {
  /** The reason's first line: `Failed to trace builtin operator`. */
  readonly title: string;
  /** `FILE:LINE` of the user code, `` when unknown. */
  readonly userFrame: string;
  /** The whole reason (without the traceback). */
  readonly reason: string;
  readonly id?: string;
}

/** Distinct graph breaks kept per file; later new ones are counted as `(other graph breaks)`. */
const MAX_DISTINCT = 1000;
/** The longest reason title kept as an attribute (the metric's label). */
const MAX_TITLE = 200;
const ENCOUNTERED = /^Encountered graph break when attempting to trace [^\n]*\n+/;

function titleOf(reason: string): string {
  const line = reason.replace(ENCOUNTERED, "").trimStart().split("\n")[0] ?? "";
  return line.length > MAX_TITLE ? `${line.slice(0, MAX_TITLE)}…` : line;
}

function idOf(reason: string): string | undefined {
  return /compile-graph-break-site\/gb\/(gb\d+)\.html/.exec(reason)?.[1];
}

/** The graph break of a `dynamo_graph_break_reason` payload; undefined for another text. */
export function graphBreakOfReason(payload: string): GraphBreak | undefined {
  const m =
    /^Graph break in user code at (.*)\nGraph Break Reason: ([\s\S]*?)(?:\n+User code traceback:[\s\S]*)?$/.exec(
      payload,
    );
  if (m === null) return undefined;
  const reason = (m[2] as string).trimEnd();
  const id = idOf(reason);
  return { title: titleOf(reason), userFrame: m[1] as string, reason, ...(id !== undefined && { id }) };
}

/** A restart reason of `compilation_metrics` as a graph break without a user frame. */
export function graphBreakOfRestart(reason: string): GraphBreak {
  const id = idOf(reason);
  return { title: titleOf(reason), userFrame: "", reason, ...(id !== undefined && { id }) };
}

interface Entry extends GraphBreak {
  count: number;
  readonly firstCompileId: string | undefined;
  lastCompileId: string | undefined;
  lastTime: HrTime | undefined;
}

export class GraphBreakSummary {
  readonly #rank: number | undefined;
  readonly #entries = new Map<string, Entry>();
  /** Whether the file has shown a `dynamo_graph_break_reason`: its restart reasons are then not counted again. */
  #artifacts = false;

  constructor(rank: number | undefined) {
    this.#rank = rank;
  }

  /** A `dynamo_graph_break_reason` artifact; returns its occurrence metric point. */
  addReason(payload: string, compileId: string | undefined, time: HrTime | undefined): TimedMetricPoint[] {
    const graphBreak = graphBreakOfReason(payload);
    if (graphBreak === undefined) return [];
    this.#artifacts = true;
    return [this.#add(graphBreak, compileId, time)];
  }

  /** The restart reasons of a `compilation_metrics`, counted only in a file without graph-break artifacts. */
  addRestarts(reasons: unknown, compileId: string | undefined, time: HrTime | undefined): TimedMetricPoint[] {
    if (this.#artifacts || !Array.isArray(reasons)) return [];
    return reasons.flatMap((r) =>
      typeof r === "string" ? [this.#add(graphBreakOfRestart(r), compileId, time)] : [],
    );
  }

  #add(graphBreak: GraphBreak, compileId: string | undefined, time: HrTime | undefined): TimedMetricPoint {
    let key = `${graphBreak.title}\0${graphBreak.userFrame}`;
    let entry = this.#entries.get(key);
    if (entry === undefined && this.#entries.size >= MAX_DISTINCT) {
      key = "\0other";
      entry = this.#entries.get(key);
      graphBreak = {
        title: "(other graph breaks)",
        userFrame: "",
        reason: "(more distinct graph breaks than are kept)",
      };
    }
    if (entry === undefined) {
      entry = {
        ...graphBreak,
        count: 0,
        firstCompileId: compileId,
        lastCompileId: compileId,
        lastTime: time,
      };
      this.#entries.set(key, entry);
    }
    entry.count++;
    entry.lastCompileId = compileId;
    entry.lastTime = time;
    const attributes: Attributes = {
      [GRAPH_BREAK_REASON_ATTRIBUTE]: entry.title,
      [GRAPH_BREAK_USER_FRAME_ATTRIBUTE]: entry.userFrame,
    };
    if (this.#rank !== undefined) attributes[COMPILE_METRIC_RANK_ATTRIBUTE] = this.#rank;
    const metric = COMPILE_METRICS.graphBreakOccurrences;
    return { name: metric.name, kind: "counter", unit: metric.unit, value: 1, attributes, time };
  }

  /** One record per distinct graph break, the most frequent first. */
  records(): TraceLogRecord[] {
    const a = GRAPH_BREAK_ATTRIBUTES;
    return [...this.#entries.values()]
      .sort((x, y) => y.count - x.count)
      .map((entry) => {
        const attributes: Attributes = {
          [ARTIFACT_ATTRIBUTE]: "graph_breaks",
          [a.reason]: entry.title,
          [a.userFrame]: entry.userFrame,
          [a.count]: entry.count,
        };
        if (this.#rank !== undefined) attributes[RANK_ATTRIBUTE] = this.#rank;
        if (entry.firstCompileId !== undefined) attributes[a.firstCompileId] = entry.firstCompileId;
        if (entry.lastCompileId !== undefined) attributes[a.lastCompileId] = entry.lastCompileId;
        if (entry.id !== undefined) attributes[a.id] = entry.id;
        const where = entry.userFrame === "" ? "" : ` at ${entry.userFrame}`;
        return derivedRecord({
          eventName: DERIVED_EVENTS.graphBreakSummary,
          scope: "torch._dynamo",
          level: 30,
          body: `Graph break ×${entry.count}${where} (compiles ${entry.firstCompileId ?? "?"} … ${entry.lastCompileId ?? "?"}): ${entry.reason}`,
          attributes,
          timestamp: entry.lastTime,
        });
      });
  }
}
