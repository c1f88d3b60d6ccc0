// Maps one trace envelope to an OpenTelemetry log record (pure): event name, compile id, rank, code
// location, bounded metadata, and the payload as the body exactly as PyTorch hashed it.
import type { Attributes } from "@opentelemetry/api";
import type { MappedLogRecord } from "../delivery/mapped-log-record.ts";
import { pythonLevelToSeverityNumber, pythonLevelToSeverityText } from "../language/severity.ts";
import type { HrTime } from "../pytorch-line/resolve-log-time.ts";
import { cachedScopeFromPath, FALLBACK_TORCH_SCOPE } from "../pytorch-line/scope-from-path.ts";
import type { CompileTraceContext } from "./chromium-span-builder.ts";
import type { StringTable } from "./string-table.ts";
import { flattenFields, TRACE_ATTRIBUTES } from "./trace-attributes.ts";
import { formatCompileId, isIndex, type TraceEnvelope, traceContextOf } from "./trace-envelope.ts";
import { torchLogsArtifactOf } from "./trace-event-kinds.ts";

/** A mapped log record plus its OTel event name and, for a compile with spans, their trace. */
export interface TraceLogRecord extends MappedLogRecord {
  readonly eventName: string;
  /** The trace of the record's compile and the span that started it (ChromiumSpanBuilder.compileTrace). */
  readonly spanContext?: CompileTraceContext;
}

/** What the file tells about every record in it. */
export interface TraceFileInfo {
  /** Base name of the file (`log.file.name`). */
  readonly fileName: string;
  /** The rank in the file name, when it has one. */
  readonly rank?: number;
}

export interface ToTraceLogRecordOptions {
  readonly file: TraceFileInfo;
  /** The file's string table so far (stacks are resolved through it). */
  readonly strings: StringTable;
  /** The record's instant (see TraceClock); absent when the prefix is not a valid date. */
  readonly timestamp: HrTime | undefined;
  /** Links the record to its compile's trace, given the compile id. Default: no link. */
  readonly compileTrace?: (compileId: string) => CompileTraceContext | undefined;
  /**
   * Called for each number of the record left out because it is out of range: a metadata field that overflowed
   * (`1e400`), a process id or line number too long to be exact. (The context keys are counted apart: see
   * countBadContextNumbers.) Default: none.
   */
  readonly onBadNumber?: () => void;
}

const LEVELS: ReadonlyMap<string, number> = new Map([
  ["V", 10],
  ["I", 20],
  ["W", 30],
  ["E", 40],
  ["C", 50],
]);

/** The rank of a TORCH_TRACE file name (`dedicated_log_torch_trace_rank_3_x1y2.log` → 3). */
export function rankFromFileName(fileName: string): number | undefined {
  const m = /^dedicated_log_torch_trace_rank_(\d+)(?:[_.]|$)/.exec(fileName);
  const rank = m === null ? undefined : Number(m[1]);
  return isIndex(rank) ? rank : undefined;
}

/** The event name: the event key, or for `artifact` envelopes the artifact's `name`. */
export function eventNameOf(envelope: TraceEnvelope): string {
  if (envelope.key === "artifact") {
    const name = (envelope.metadata as { name?: unknown } | null)?.name;
    if (typeof name === "string" && name !== "") return name;
  }
  return envelope.key;
}

/**
 * - scope: the calling module (`torch/_dynamo/convert_frame.py` → `torch._dynamo.convert_frame`), else `torch`;
 * - severity: the glog letter's Python level (`V` → DEBUG);
 * - eventName: {@link eventNameOf}; the key also as `torch.trace.event`;
 * - body: the payload (its MD5 is `has_payload` unless `torch.trace.payload.md5` says otherwise), or the
 *   metadata as JSON when there is none;
 * - attributes: see {@link TRACE_ATTRIBUTES}.
 */
export function toTraceLogRecord(envelope: TraceEnvelope, options: ToTraceLogRecordOptions): TraceLogRecord {
  const a = TRACE_ATTRIBUTES;
  const f = envelope.fields;
  const eventName = eventNameOf(envelope);
  const attributes: Attributes = { [a.event]: envelope.key };
  // Each compile key exactly when it is a number it can be (PyTorch wrote `compiled_autograd_id: null` in 2024-12).
  const context = traceContextOf(envelope);
  if (context.frameId !== undefined) attributes[a.frameId] = context.frameId;
  if (context.frameCompileId !== undefined) attributes[a.frameCompileId] = context.frameCompileId;
  if (context.attempt !== undefined) attributes[a.attempt] = context.attempt;
  if (context.compiledAutogradId !== undefined) attributes[a.compiledAutogradId] = context.compiledAutogradId;
  const compileId = formatCompileId(context);
  if (compileId !== undefined) attributes[a.compileId] = compileId;
  const rank = options.file.rank ?? context.rank;
  if (rank !== undefined) attributes[a.rank] = rank;
  if (options.file.rank !== undefined && context.rank !== undefined && context.rank !== options.file.rank) {
    attributes[a.envelopeRank] = context.rank;
  }
  const artifact = torchLogsArtifactOf(eventName);
  if (artifact !== undefined) attributes[a.artifact] = artifact;
  const onBadNumber = options.onBadNumber ?? (() => {});
  if (isIndex(envelope.pid)) attributes[a.processId] = envelope.pid;
  else onBadNumber();
  attributes[a.filePath] = envelope.path;
  if (isIndex(envelope.lineno)) attributes[a.lineNumber] = envelope.lineno;
  else onBadNumber();
  attributes[a.logFileName] = options.file.fileName;
  const metadata = envelope.metadata;
  for (let bad = flattenFields(attributes, a.metadataPrefix, metadata, "stack"); bad > 0; bad--)
    onBadNumber();
  const fields =
    metadata !== null && typeof metadata === "object" ? (metadata as Record<string, unknown>) : {};
  const own = options.strings.formatStack(fields.stack);
  const envelopeStack = options.strings.formatStack(f.stack);
  const stack = own ?? envelopeStack;
  if (stack !== undefined) attributes[a.stacktrace] = stack;
  if (own !== undefined && envelopeStack !== undefined) attributes[a.envelopeStacktrace] = envelopeStack;
  const userStack = options.strings.formatStack(fields.user_stack);
  if (userStack !== undefined) attributes[a.userStacktrace] = userStack;
  if (envelope.md5 !== undefined) attributes[a.payloadMd5] = envelope.md5;
  const levelno = LEVELS.get(envelope.level) ?? 10;
  const spanContext = compileId === undefined ? undefined : options.compileTrace?.(compileId);
  return {
    scope: cachedScopeFromPath(envelope.path) ?? FALLBACK_TORCH_SCOPE,
    ...(options.timestamp !== undefined && { timestamp: options.timestamp }),
    severityNumber: pythonLevelToSeverityNumber(levelno),
    severityText: pythonLevelToSeverityText(levelno),
    eventName,
    body: envelope.payload ?? JSON.stringify(metadata),
    attributes,
    ...(spanContext !== undefined && { spanContext }),
  };
}
