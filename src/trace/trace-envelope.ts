// The shapes of one record of a TORCH_TRACE file (torch-trace-format.md §2–§3): the glog prefix, the JSON
// envelope (one event key plus context keys) and its payload. TorchTraceReader makes them.
import type { PytorchLogTime } from "../pytorch-line/pytorch-log-line.ts";

/**
 * The envelope keys PyTorch's `trace_structured` adds beside the event key (§3.2); the event key is the
 * one key that is none of these (PyTorch asserts it never is).
 */
export const TRACE_CONTEXT_KEYS: ReadonlySet<string> = new Set([
  "rank",
  "compiled_autograd_id",
  "frame_id",
  "frame_compile_id",
  "attempt",
  "has_payload",
  "stack",
  "severity",
  "timestamp",
  "pathname",
  "thread",
]);

/** How a payload compared with the envelope's `has_payload` MD5. */
export type PayloadMd5Status =
  /** The payload as read hashes to `has_payload`. */
  | "ok"
  /** Only after removing a trailing `\r` from each line (a CRLF copy of the file). */
  | "ok-crlf"
  /** Neither: hand-edited, stripped or cut; the payload is kept as read. */
  | "mismatch";

/** One envelope line and the payload lines after it. */
export interface TraceEnvelope {
  /** 1-based physical line of the envelope line in its file. */
  readonly lineNumber: number;
  /** glog level letter (`V` for every trace record). */
  readonly level: string;
  /** The prefix's local time (no year, no zone): see TraceClock. */
  readonly time: PytorchLogTime;
  /** The prefix's third field: the process id (a thread ident in 2024-04/05 logs). */
  readonly pid: number;
  /** The calling source file as printed. */
  readonly path: string;
  readonly lineno: number;
  /** The event key: `dynamo_start`, `artifact`, `chromium_event`, `str`, … */
  readonly key: string;
  /** The event key's value: an object (often `{}`), a `[string, index]` pair for `str`. */
  readonly metadata: unknown;
  /** The whole envelope object. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** `has_payload`, when present. */
  readonly declaredMd5?: string;
  /** The payload: tab markers removed, lines joined by `\n` (absent without `has_payload`). */
  readonly payload?: string;
  readonly md5?: PayloadMd5Status;
}

/** Context keys of an envelope as numbers, each absent when missing or not a non-negative (safe) integer. */
export interface TraceContext {
  readonly rank?: number;
  readonly frameId?: number;
  readonly frameCompileId?: number;
  readonly attempt?: number;
  readonly compiledAutogradId?: number;
}

export function traceContextOf(envelope: TraceEnvelope): TraceContext {
  const f = envelope.fields;
  const context: {
    rank?: number;
    frameId?: number;
    frameCompileId?: number;
    attempt?: number;
    compiledAutogradId?: number;
  } = {};
  if (isIndex(f.rank)) context.rank = f.rank;
  if (isIndex(f.frame_id)) context.frameId = f.frame_id;
  if (isIndex(f.frame_compile_id)) context.frameCompileId = f.frame_compile_id;
  if (isIndex(f.attempt)) context.attempt = f.attempt;
  if (isIndex(f.compiled_autograd_id)) context.compiledAutogradId = f.compiled_autograd_id;
  return context;
}

/**
 * How many context keys of the envelope hold something other than a non-negative integer (a number out of
 * range, `1e400`, a string): each is left out of the envelope's context. A key that is null means "none".
 */
export function countBadContextNumbers(envelope: TraceEnvelope): number {
  const f = envelope.fields;
  let bad = 0;
  for (const value of [f.rank, f.frame_id, f.frame_compile_id, f.attempt, f.compiled_autograd_id])
    if (value !== undefined && value !== null && !isIndex(value)) bad++;
  return bad;
}

/** A non-negative integer that is exact as a number. */
export function isIndex(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/**
 * PyTorch's `TraceId` string (the console log's `[..]` tag): `F/C`, `!A`, `!A/F/C`, plus `_N` when the
 * attempt is not 0; `undefined` when the envelope has no compile id.
 */
export function formatCompileId(context: TraceContext): string | undefined {
  const { frameId, frameCompileId, compiledAutogradId, attempt } = context;
  const frame = frameId !== undefined && frameCompileId !== undefined ? `${frameId}/${frameCompileId}` : "";
  let id: string;
  if (compiledAutogradId !== undefined)
    id = frame === "" ? `!${compiledAutogradId}` : `!${compiledAutogradId}/${frame}`;
  else if (frame !== "") id = frame;
  else return undefined;
  return attempt !== undefined && attempt !== 0 ? `${id}_${attempt}` : id;
}
