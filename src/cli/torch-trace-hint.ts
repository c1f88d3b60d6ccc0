// `ingest` meeting a TORCH_TRACE file: its envelope lines (`V1206 15:18:20.252000 1500233 path:1288] {"…": …`)
// would come out as thousands of junk records, so ingest says once which command reads them.

// The glog prefix, then a JSON object whose first key is an event name (torch-trace-format.md §2.2).
const ENVELOPE = /^[VIWEC]\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ +\S.*?:\d+\] \{"[a-z_]+": /m;
/** Only the start of an input is looked at: a trace file shows envelopes on its first lines. */
const LOOK_BYTES = 64 * 1024;

export const TORCH_TRACE_HINT =
  "this looks like a TORCH_TRACE file (structured trace envelopes, not console logs): " +
  "run `torch-logs-otel trace FILE_OR_DIR` to send it as logs, spans and metrics\n";

/** Watches the first bytes of each input; `check` returns the hint once per run, then never again. */
export class TorchTraceHint {
  #told = false;
  #seen = new Map<string, number>();

  check(input: string, bytes: Uint8Array): string | undefined {
    if (this.#told) return undefined;
    const seen = this.#seen.get(input) ?? 0;
    if (seen >= LOOK_BYTES) return undefined;
    this.#seen.set(input, seen + bytes.length);
    const text = Buffer.from(
      bytes.buffer,
      bytes.byteOffset,
      Math.min(bytes.length, LOOK_BYTES - seen),
    ).toString("latin1");
    if (!ENVELOPE.test(text)) return undefined;
    this.#told = true;
    return TORCH_TRACE_HINT;
  }
}
