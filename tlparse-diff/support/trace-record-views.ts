// How a `trace` log record looks from tlparse's side: its metadata object, the file tlparse names after it,
// the frames of its stacks.
import type { TraceLog } from "./trace-output-index.ts";

const METADATA = "torch.trace.metadata.";

/**
 * The envelope's metadata: the body of a record without payload is the metadata as JSON; a record with a payload
 * (it has `torch.trace.payload.md5`) carries the metadata's fields as `torch.trace.metadata.*` attributes.
 */
export function metadataOf(log: TraceLog): Record<string, unknown> | undefined {
  if (log.attributes["torch.trace.payload.md5"] === undefined) {
    try {
      const value = JSON.parse(log.body) as unknown;
      return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(log.attributes))
    if (key.startsWith(METADATA)) fields[key.slice(METADATA.length)] = value;
  return fields;
}

/** Envelope keys whose payload tlparse writes to `<key>.txt` (its SentinelFileParser, DynamoOutputGraphParser). */
const SENTINELS = new Set([
  "optimize_ddp_split_graph",
  "compiled_autograd_graph",
  "aot_forward_graph",
  "aot_backward_graph",
  "aot_inference_graph",
  "aot_joint_graph",
  "inductor_post_grad_graph",
  "inductor_pre_grad_graph",
  "dynamo_cpp_guards_str",
  "dynamo_output_graph",
  "dynamo_guards",
  "compilation_metrics",
  "bwd_compilation_metrics",
  "aot_autograd_backward_compilation_metrics",
]);

/** The stem of the compile-directory entry tlparse makes of the record, or undefined when it makes none. */
export function tlparseStemOf(log: TraceLog): string | undefined {
  const m = metadataOf(log) ?? {};
  const name = typeof m.name === "string" ? m.name : undefined;
  switch (log.key) {
    case "graph_dump":
    case "artifact":
    case "link":
      return name;
    case "dump_file":
      return name === undefined ? undefined : `dump_file/${name}`;
    case "optimize_ddp_split_child":
      return name === undefined ? undefined : `optimize_ddp_split_child_${name}`;
    case "inductor_output_code": {
      const file = typeof m.filename === "string" ? m.filename : undefined;
      const base = file?.split("/").pop();
      const stem = base === undefined ? undefined : base.replace(/\.[^.]*$/, "");
      return stem === undefined ? "inductor_output_code" : `inductor_output_code_${stem}`;
    }
    default:
      return SENTINELS.has(log.key) ? log.key : undefined;
  }
}

export interface Frame {
  readonly file: string;
  readonly line: number;
  readonly name: string;
}

/** The frames of a PyTorch stack (`[{filename, line, name}]`, file names interned in `table`). */
export function framesOf(stack: unknown, table: readonly (string | null)[]): Frame[] {
  if (!Array.isArray(stack)) return [];
  return stack.flatMap((frame) => {
    if (frame === null || typeof frame !== "object") return [];
    const f = frame as Record<string, unknown>;
    const file =
      typeof f.uninterned_filename === "string"
        ? f.uninterned_filename
        : typeof f.filename === "number"
          ? (table[f.filename] ?? "(unknown)")
          : "(unknown)";
    return [{ file, line: Number(f.line), name: String(f.name) }];
  });
}

/**
 * tlparse's `simplify_filename`, which it applies to every file name it shows: the path after `#link-tree/`, or
 * after a `…-seed-nspid…/` directory (Meta's packaged executables).
 */
export function simplifyFilename(file: string): string {
  const tree = file.split("#link-tree/");
  if (tree.length > 1) return tree[1] as string;
  const m = /[^/]+-seed-nspid[^/]+\//.exec(file);
  return m === null ? file : file.slice(m.index + m[0].length);
}

/**
 * Whether a Python-traceback text (`code.stacktrace`) holds these frames in this order (other frames may come
 * between: tlparse drops Dynamo's own `convert_frame` frames from a compile's stack). With `simplified`, the
 * frames are as tlparse shows them (simplifyFilename).
 */
export function tracebackHas(traceback: unknown, frames: readonly Frame[], simplified = false): boolean {
  if (typeof traceback !== "string") return frames.length === 0;
  const lines = [...traceback.matchAll(/^ {2}File "(.*)", line (-?\d+), in (.*)$/gm)].map((m) => ({
    file: simplified ? simplifyFilename(m[1] as string) : (m[1] as string),
    line: Number(m[2]),
    name: m[3] as string,
  }));
  let at = 0;
  for (const frame of frames) {
    let found = false;
    while (!found && at < lines.length) {
      const l = lines[at++] as Frame;
      found = l.file === frame.file && l.line === frame.line && l.name === frame.name;
    }
    if (!found) return false;
  }
  return true;
}

/**
 * Numbers as equal as two readings of one JSON number can be: tlparse reads JSON with serde_json's fast float
 * parser, which is not correctly rounded (0.013095855712890625 in the file reads as …623); `trace` reads it as
 * JavaScript does, exactly. Within 2 ulps is the same number.
 */
export function sameNumber(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 2 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return sameNumber(a, b);
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
