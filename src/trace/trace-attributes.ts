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
  /**
   * The envelope's own `stack` when the metadata has a `stack` too (`expression_created`, `guard_added`), which
   * `code.stacktrace` then holds.
   */
  envelopeStacktrace: "torch.trace.envelope_stacktrace",
  /**
   * The user code's stack of the metadata (`user_stack`: `symbolic_shape_specialization`, `guard_added_fast`,
   * `create_symbol` …), resolved through the string table as `code.stacktrace` is.
   */
  userStacktrace: "torch.trace.user_stacktrace",
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

/**
 * The resource attribute of the PyTorch release that wrote the files: the `pytorch_version` of the
 * `torch_version` artifact PyTorch (2.15+) writes at the start of every trace file.
 */
export const TORCH_VERSION_ATTRIBUTE = "torch.version";

/** The release a `torch_version` artifact's payload names (`{"pytorch_version": "2.15.0+cu132", …}`). */
export function torchVersionOf(payload: string | undefined): string | undefined {
  try {
    const version = (JSON.parse(payload ?? "") as { pytorch_version?: unknown } | null)?.pytorch_version;
    return typeof version === "string" && version !== "" ? version : undefined;
  } catch {
    return undefined;
  }
}

/** At most this many fields of one metadata object or `args` become attributes. */
export const MAX_FLATTENED_FIELDS = 64;
/**
 * A metadata string (or a structured value as JSON text) longer than this is cut, with `…` appended: a record's
 * metadata attributes stay small (log stores such as Loki limit structured metadata per entry to 64 KB); the
 * body of a record without payload is its whole metadata.
 */
export const MAX_ATTRIBUTE_CHARS = 4096;

/**
 * The same for a chromium event's `args` on a span: PyTorch puts whole configs there (`dynamo_config`, 5 KB) and
 * cache keys' components (37 KB in tlparse's test inputs), and a span is their only carrier.
 */
export const MAX_ARG_CHARS = 65_536;

/**
 * Adds `prefix + key` for each field: scalars as they are, arrays and objects as JSON text; null skipped, and
 * numbers that overflowed (JSON's `1e400` reads as Infinity, which no exporter can write). Returns how many
 * such numbers were left out.
 */
export function flattenFields(
  target: Attributes,
  prefix: string,
  fields: unknown,
  skip?: string,
  maxChars = MAX_ATTRIBUTE_CHARS,
): number {
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
    const value = attributeValueOf(field, maxChars);
    if (value === undefined) continue;
    if (++count > MAX_FLATTENED_FIELDS) break;
    target[prefix + key] = value;
  }
  return bad;
}

function attributeValueOf(value: unknown, maxChars: number): AttributeValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "number" || typeof value === "boolean") return value;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
