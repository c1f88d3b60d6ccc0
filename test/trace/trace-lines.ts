// TORCH_TRACE text as PyTorch writes it (torch-trace-format.md §2): an envelope line, then its payload lines
// each behind a tab, with the payload's MD5 in `has_payload`.
import { createHash } from "node:crypto";

/**
 * One record: `fields` is the envelope's JSON text (without `has_payload`), `payload` its payload if any.
 * `prefix` is what comes before the JSON.
 */
export function traceRecord(
  fields: string,
  payload?: string,
  prefix = "V0101 12:00:00.000000 7 torch/_dynamo/utils.py:1288] ",
): string {
  if (payload === undefined) return `${prefix}${fields}\n`;
  const md5 = createHash("md5").update(payload).digest("hex");
  const json = `${fields.slice(0, -1)}${fields.length > 2 ? ", " : ""}"has_payload": "${md5}"}`;
  return `${prefix}${json}\n${payload
    .split("\n")
    .map((line) => `\t${line}\n`)
    .join("")}`;
}

/** A chromium event record: `event` is the event object's JSON text. */
export function chromiumRecord(
  event: string,
  context = '"frame_id": 0, "frame_compile_id": 0, "attempt": 0',
): string {
  return traceRecord(`{"chromium_event": {}, ${context}}`, event);
}
