// The records `trace` derives from what it read, beside the one record per envelope: a compile's configuration,
// the graph-break summary, collectives parity, rank divergence. They carry their event name as
// `torch.trace.event` too, so one query finds every record of a kind, read or derived.
import type { Attributes } from "@opentelemetry/api";
import { pythonLevelToSeverityNumber, pythonLevelToSeverityText } from "../language/severity.ts";
import type { HrTime } from "../pytorch-line/resolve-log-time.ts";
import type { CompileTraceContext } from "./compile-traces.ts";
import type { TraceLogRecord } from "./to-trace-log-record.ts";
import { TRACE_ATTRIBUTES } from "./trace-attributes.ts";

/** The event names of the derived records. */
export const DERIVED_EVENTS = {
  /** One per compile: the dynamo, inductor, functorch and compiler configuration in effect (compile-config.ts). */
  config: "torch.compile.config",
  /** One per distinct graph break per file (reason and user frame), at the end of the file. */
  graphBreakSummary: "torch.compile.graph_break_summary",
  /** One per compile whose generated code issues other collectives than its scheduler planned. */
  collectivesParity: "torch.compile.collectives_parity",
  /** One per rank per kind of disagreement between ranks, at the end of the run. */
  rankDivergence: "torch.compile.rank_divergence",
} as const;

export interface DerivedRecordOptions {
  readonly eventName: string;
  readonly scope: string;
  /** Python level: 10 DEBUG, 30 WARNING. */
  readonly level: number;
  readonly body: string;
  readonly attributes: Attributes;
  readonly timestamp: HrTime | undefined;
  readonly spanContext?: CompileTraceContext;
}

export function derivedRecord(options: DerivedRecordOptions): TraceLogRecord {
  return {
    scope: options.scope,
    ...(options.timestamp !== undefined && { timestamp: options.timestamp }),
    severityNumber: pythonLevelToSeverityNumber(options.level),
    severityText: pythonLevelToSeverityText(options.level),
    eventName: options.eventName,
    body: options.body,
    attributes: { [TRACE_ATTRIBUTES.event]: options.eventName, ...options.attributes },
    ...(options.spanContext !== undefined && { spanContext: options.spanContext }),
  };
}
