// A large TORCH_TRACE file made of real ones, as a long job writes it: the files copied again and again, each
// copy a new set of compiles (frame ids moved on by a stride, in the envelopes and in the chromium events'
// `compile_id`, the payloads' MD5 written anew) and every envelope of one rank. Not the same compile ids
// repeated: a reader that keeps something per compile, or takes a repeated `dynamo_start` for a
// `torch._dynamo.reset()`, meets the input a real job gives it.
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";

/** Frame ids of one copy are moved on by this much (real files use fewer frames). */
const FRAME_STRIDE = 1000;

interface Envelope {
  readonly fields: Record<string, unknown>;
  readonly prefix: string;
  readonly payload: string | undefined;
}

function parse(text: string): (Envelope | string)[] {
  const out: (Envelope | string)[] = [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const start = line.indexOf("] {");
    if (line.startsWith("\t") || start === -1) {
      out.push(line);
      continue;
    }
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(line.slice(start + 2)) as Record<string, unknown>;
    } catch {
      out.push(line);
      continue;
    }
    let payload: string | undefined;
    if (typeof fields.has_payload === "string") {
      const payloadLines: string[] = [];
      while (lines[i + 1]?.startsWith("\t")) payloadLines.push((lines[++i] as string).slice(1));
      payload = payloadLines.join("\n");
    }
    out.push({ fields, prefix: line.slice(0, start + 2), payload });
  }
  return out;
}

function shiftCompileId(id: unknown, by: number): unknown {
  if (typeof id !== "string") return id;
  return id.replace(
    /^(!\d+\/)?(\d+)(?=\/)/,
    (_, ca: string | undefined, frame: string) => `${ca ?? ""}${Number(frame) + by}`,
  );
}

/** One copy of the parsed files as text, with frame ids moved on by `copy` strides and every envelope of `rank`. */
function copyText(items: readonly (Envelope | string)[], copy: number, rank: number): string {
  const by = copy * FRAME_STRIDE;
  let text = "";
  for (const item of items) {
    if (typeof item === "string") {
      text += `${item}\n`;
      continue;
    }
    const fields = { ...item.fields };
    if (typeof fields.frame_id === "number") fields.frame_id += by;
    if (fields.str === undefined) fields.rank = rank;
    let payload = item.payload;
    if (fields.chromium_event !== undefined && payload !== undefined) {
      try {
        const event = JSON.parse(payload) as { args?: Record<string, unknown> };
        if (event.args !== undefined)
          event.args = { ...event.args, compile_id: shiftCompileId(event.args.compile_id, by) };
        payload = JSON.stringify(event);
      } catch {
        // a corrupted event stays as it is
      }
    }
    if (payload !== undefined) fields.has_payload = createHash("md5").update(payload).digest("hex");
    text += `${item.prefix}${JSON.stringify(fields)}\n`;
    if (payload !== undefined)
      text += `${payload
        .split("\n")
        .map((l) => `\t${l}`)
        .join("\n")}\n`;
  }
  return text;
}

/**
 * Writes `path` of at least `bytes` bytes: `sources` (the texts of real trace files) copied with distinct compile
 * ids, every envelope of `rank`. Resolves with the number of copies and the bytes written.
 */
export async function writeDistinctCopies(
  path: string,
  sources: readonly string[],
  bytes: number,
  rank: number,
): Promise<{ copies: number; bytes: number }> {
  const items = parse(sources.map((s) => (s.endsWith("\n") ? s : `${s}\n`)).join(""));
  const file = await open(path, "w");
  let written = 0;
  let copies = 0;
  try {
    while (written < bytes) {
      const text = copyText(items, copies++, rank);
      await file.write(text);
      written += Buffer.byteLength(text);
    }
  } finally {
    await file.close();
  }
  return { copies, bytes: written };
}
