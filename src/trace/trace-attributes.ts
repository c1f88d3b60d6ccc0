// Attribute keys of what `trace` emits, and the bounded flattening of PyTorch's metadata objects into them.
import type { Attributes, AttributeValue } from "@opentelemetry/api";
import { ARTIFACT_ATTRIBUTE, COMPILE_ID_ATTRIBUTE, RANK_ATTRIBUTE } from "../otel/attributes.ts";
import { LINE_ATTRIBUTES } from "../pytorch-line/line-attributes.ts";

/**
 * OTel semantic conventions where one exists (`code.*`, `process.pid`, `log.file.name`, `code.stacktrace`),
 * the keys `ingest` writes for the same prefix fields (LINE_ATTRIBUTES), `torch.trace.*` for the trace file's own fields.
 */
export const TRACE_ATTRIBUTES = {
  /** The envelope's event key (`dynamo_output_graph`, `artifact`, `compilation_metrics`, …). */
  event: "torch.trace.event",
  /** PyTorch's TraceId form: `0/0`, `0/0_1`, `!0/2/0` (spans: `args.compile_id`, no attempt). */
  compileId: COMPILE_ID_ATTRIBUTE,
  frameId: LINE_ATTRIBUTES.frameId,
  frameCompileId: LINE_ATTRIBUTES.frameCompileId,
  attempt: LINE_ATTRIBUTES.attempt,
  compiledAutogradId: LINE_ATTRIBUTES.compiledAutogradId,
  /** From the file name (`dedicated_log_torch_trace_rank_2_…`), else the envelope's `rank`. */
  rank: RANK_ATTRIBUTE,
  /** The TORCH_LOGS artifact the event corresponds to, where one does (`graph_code`, `guards`, …). */
  artifact: ARTIFACT_ATTRIBUTE,
  processId: LINE_ATTRIBUTES.processId,
  filePath: LINE_ATTRIBUTES.filePath,
  lineNumber: LINE_ATTRIBUTES.lineNumber,
  logFileName: LINE_ATTRIBUTES.logFileName,
  /** A stack of the metadata (`dynamo_start`) or envelope, resolved through the string table. */
  stacktrace: "code.stacktrace",
  /** `ok`, `ok-crlf` or `mismatch`: the payload against `has_payload`. */
  payloadMd5: "torch.trace.payload.md5",
  /** Prefix of the metadata's fields: `torch.trace.metadata.name`, `…encoding`. */
  metadataPrefix: "torch.trace.metadata.",
  /** Prefix of a chromium event's `args` on spans and span events: `torch.trace.args.fn_name`. */
  argsPrefix: "torch.trace.args.",
  /** `true` on a span whose end event never came (closed at the end of its file). */
  unclosed: "torch.trace.span.unclosed",
  /** The envelope's `rank` when it disagrees with the file name's. */
  envelopeRank: "torch.trace.envelope_rank",
  /**
   * How many `torch._dynamo.reset()` calls came before, in the file, when any did: compile ids start from `0/0`
   * again after each, so this and `torch.compile_id` name a compile (compile-traces.ts).
   */
  dynamoResets: "torch.trace.dynamo_resets",
} as const;

/** At most this many fields of one metadata object or `args` become attributes. */
export const MAX_FLATTENED_FIELDS = 64;
/** A string (or a structured value as JSON text) longer than this is cut, with `…` appended. */
export const MAX_ATTRIBUTE_CHARS = 4096;

/**
 * Adds `prefix + key` for each field: scalars as they are, arrays and objects as JSON text; null skipped, and
 * numbers that overflowed (JSON's `1e400` reads as Infinity, which no exporter can write). Returns how many
 * such numbers were left out.
 */
export function flattenFields(target: Attributes, prefix: string, fields: unknown, skip?: string): number {
  if (fields === null || typeof fields !== "object" || Array.isArray(fields)) return 0;
  let count = 0;
  let bad = 0;
  for (const key in fields) {
    if (key === skip) continue;
    const field = (fields as Record<string, unknown>)[key];
    if (typeof field === "number" && !Number.isFinite(field)) {
      bad++;
      continue;
    }
    const value = attributeValueOf(field);
    if (value === undefined) continue;
    if (++count > MAX_FLATTENED_FIELDS) break;
    target[prefix + key] = value;
  }
  return bad;
}

function attributeValueOf(value: unknown): AttributeValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "number" || typeof value === "boolean") return value;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_ATTRIBUTE_CHARS ? `${text.slice(0, MAX_ATTRIBUTE_CHARS)}…` : text;
}
