// A streaming reader of TORCH_TRACE files: text in (any chunking), typed envelopes out, never failing on
// what real files contain (torch-trace-format.md §2, §4): CRLF copies, blank lines, a missing final newline,
// MD5 mismatches, lines that are not JSON, payload lines without an envelope. Each is counted instead.
import { hash } from "node:crypto";
import { matchEnvelopePrefix } from "./match-envelope-prefix.ts";
import { type PayloadMd5Status, TRACE_CONTEXT_KEYS, type TraceEnvelope } from "./trace-envelope.ts";

/** What the reader saw; every count only grows. */
export interface TraceReaderStats {
  /** Physical lines, blank ones included. */
  lines: number;
  /** Envelopes read, by event key (`str` and `chromium_event` included). */
  readonly envelopes: Map<string, number>;
  /** Envelope lines whose JSON did not parse, or parsed to something other than an object with a key. */
  badJson: number;
  /** Lines that are neither a glog-prefixed envelope nor a payload line (tlparse's `fail_glog`). */
  badLines: number;
  /** Payload lines with no envelope to belong to (after a bad envelope, or one without `has_payload`). */
  strayPayloadLines: number;
  /** Payloads whose MD5 differs from `has_payload`. */
  md5Mismatches: number;
  /** Payloads that matched only with `\r` removed (CRLF copies). */
  crlfPayloads: number;
}

export interface TorchTraceReaderOptions {
  /**
   * Lines longer than this are cut (and counted as bad when they are envelopes), and so are payloads: a
   * payload keeps its first `maxLineChars` characters (its MD5 check then fails, and says so). Default 64 MiB.
   */
  readonly maxLineChars?: number;
}

const TAB = 9;
const DEFAULT_MAX_LINE = 64 * 1024 * 1024;

interface PendingEnvelope {
  /** Completed in place (payload, md5) rather than copied: one object per record. */
  readonly envelope: { -readonly [K in keyof TraceEnvelope]: TraceEnvelope[K] };
  readonly declaredMd5: string | undefined;
  /** Payload lines as read: each with its tab and its `\n`. */
  readonly raw: string[];
  /** Characters in `raw`: at most maxLineChars are kept. */
  chars: number;
  /** Blank lines seen inside the payload: kept as empty payload lines if more payload lines follow. */
  blanks: number;
  readonly crlf: boolean;
}

/**
 * `push(text)` returns the envelopes completed by that text; an envelope with a payload completes when the
 * next non-payload line arrives, or at `flush()` / `end()`. A last line without `\n` waits for `end()`.
 */
export class TorchTraceReader {
  readonly stats: TraceReaderStats = {
    lines: 0,
    envelopes: new Map(),
    badJson: 0,
    badLines: 0,
    strayPayloadLines: 0,
    md5Mismatches: 0,
    crlfPayloads: 0,
  };
  #carry = "";
  /** The unterminated line reached `maxLineChars`: the rest of it is dropped. */
  #carryCut = false;
  #pending: PendingEnvelope | undefined;
  #lineNumber = 0;
  readonly #maxLineChars: number;

  constructor(options: TorchTraceReaderOptions = {}) {
    this.#maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE;
  }

  push(text: string): TraceEnvelope[] {
    const out: TraceEnvelope[] = [];
    let start = 0;
    if (this.#carry !== "" || this.#carryCut) {
      // Only the new text is searched for the line's end: searching the carried start of a long line again
      // at every chunk made reading a line in chunks quadratic in its length.
      const newline = text.indexOf("\n");
      if (newline === -1) {
        this.#carryOn(text);
        return out;
      }
      this.#carryOn(text.slice(0, newline));
      const line = this.#carry;
      this.#carry = "";
      this.#carryCut = false;
      this.#line(line, out);
      start = newline + 1;
    }
    const data = text;
    for (;;) {
      const newline = data.indexOf("\n", start);
      if (newline === -1) break;
      const pending = this.#pending;
      if (pending !== undefined && pending.blanks === 0 && data.charCodeAt(start) === TAB) {
        // The hot path: a run of payload lines, kept as one slice (tabs and newlines included).
        const runStart = start;
        let end = newline;
        let lines = 0;
        for (;;) {
          lines++;
          start = end + 1;
          if (data.charCodeAt(start) !== TAB) break;
          const next = data.indexOf("\n", start);
          if (next === -1) break;
          end = next;
        }
        this.#lineNumber += lines;
        this.stats.lines += lines;
        this.#addPayload(pending, data.slice(runStart, start));
        continue;
      }
      this.#line(data.slice(start, newline), out);
      start = newline + 1;
    }
    if (start < data.length) this.#carryOn(start === 0 ? data : data.slice(start));
    return out;
  }

  /**
   * Adds text to the unterminated line, which holds at most `maxLineChars`: a line that never ends keeps its
   * start and drops the rest (the MD5 check says so).
   */
  #carryOn(text: string): void {
    if (this.#carryCut || text === "") return;
    const room = this.#maxLineChars - this.#carry.length;
    if (text.length > room) {
      this.#carry += text.slice(0, room);
      this.#carryCut = true;
    } else {
      this.#carry += text;
    }
  }

  /**
   * Completes the envelope whose payload is being read when the text so far ends at a line end: PyTorch
   * writes and flushes a whole record per emit, so a quiet file at a line boundary is between records. An
   * envelope whose payload does not match its MD5 yet is kept (it may be a record still being written)
   * unless `force`.
   */
  flush(force = false): TraceEnvelope[] {
    if (this.#carry !== "" || this.#carryCut || this.#pending === undefined) return [];
    const pending = this.#pending;
    if (!force && pending.declaredMd5 !== undefined && md5Hex(payloadOf(pending.raw)) !== pending.declaredMd5)
      return [];
    const out: TraceEnvelope[] = [];
    this.#complete(out);
    return out;
  }

  /** The end of the input: a last line without `\n` is a line. */
  end(): TraceEnvelope[] {
    const out: TraceEnvelope[] = [];
    if (this.#carry !== "" || this.#carryCut) {
      this.#line(this.#carry, out);
      this.#carry = "";
      this.#carryCut = false;
    }
    this.#complete(out);
    return out;
  }

  #line(raw: string, out: TraceEnvelope[]): void {
    this.#lineNumber++;
    this.stats.lines++;
    const line = raw.length > this.#maxLineChars ? raw.slice(0, this.#maxLineChars) : raw;
    const pending = this.#pending;
    if (line.charCodeAt(0) === TAB) {
      if (pending === undefined || pending.declaredMd5 === undefined) {
        this.stats.strayPayloadLines++;
        return;
      }
      for (; pending.blanks > 0; pending.blanks--) this.#addPayload(pending, "\t\n");
      this.#addPayload(pending, `${line}\n`);
      return;
    }
    if (line === "" || line === "\r") {
      // Never valid (an empty payload line is a lone tab); inside a payload, an editor's stripped tab.
      if (pending !== undefined) pending.blanks++;
      return;
    }
    this.#complete(out);
    this.#envelope(line, out);
  }

  #envelope(line: string, out: TraceEnvelope[]): void {
    const crlf = line.charCodeAt(line.length - 1) === 13;
    const text = crlf ? line.slice(0, -1) : line;
    const prefix = matchEnvelopePrefix(text);
    if (prefix === undefined) {
      this.stats.badLines++;
      return;
    }
    let fields: unknown;
    try {
      fields = JSON.parse(prefix.jsonStart === 0 ? text : text.slice(prefix.jsonStart));
    } catch {
      fields = undefined;
    }
    const key =
      fields !== null && typeof fields === "object" && !Array.isArray(fields)
        ? eventKeyOf(fields)
        : undefined;
    if (key === undefined) {
      this.stats.badJson++;
      return;
    }
    const record = fields as Record<string, unknown>;
    const envelopes = this.stats.envelopes;
    envelopes.set(key, (envelopes.get(key) ?? 0) + 1);
    const declared = record.has_payload;
    const declaredMd5 = typeof declared === "string" ? declared.toLowerCase() : undefined;
    const envelope = {
      lineNumber: this.#lineNumber,
      level: prefix.level,
      time: prefix.time,
      pid: Number(prefix.id),
      path: prefix.path,
      lineno: Number(prefix.lineno),
      key,
      metadata: record[key],
      fields: record,
      ...(declaredMd5 !== undefined && { declaredMd5 }),
    };
    if (declared === undefined || declared === null) {
      out.push(envelope);
      return;
    }
    this.#pending = { envelope, declaredMd5: declaredMd5 ?? "", raw: [], chars: 0, blanks: 0, crlf };
  }

  /** Payload text of the pending envelope, kept up to maxLineChars characters. */
  #addPayload(pending: PendingEnvelope, text: string): void {
    const room = this.#maxLineChars - pending.chars;
    if (room <= 0) return;
    pending.raw.push(text.length > room ? text.slice(0, room) : text);
    pending.chars += Math.min(text.length, room);
  }

  #complete(out: TraceEnvelope[]): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    let payload = payloadOf(pending.raw);
    let md5: PayloadMd5Status = md5Hex(payload) === pending.declaredMd5 ? "ok" : "mismatch";
    if (md5 === "mismatch" && (pending.crlf || payload.includes("\r"))) {
      // Each line's trailing `\r` removed (a CRLF copy of the file): §4.3's retry.
      const stripped = payload.replaceAll("\r\n", "\n").replace(/\r$/, "");
      if (md5Hex(stripped) === pending.declaredMd5) {
        md5 = "ok-crlf";
        this.stats.crlfPayloads++;
        payload = stripped;
      } else if (pending.crlf) {
        payload = stripped;
      }
    }
    if (md5 === "mismatch") this.stats.md5Mismatches++;
    const envelope = pending.envelope;
    envelope.payload = payload;
    envelope.md5 = md5;
    out.push(envelope);
  }
}

function eventKeyOf(fields: object): string | undefined {
  for (const key in fields) if (!TRACE_CONTEXT_KEYS.has(key)) return key;
  return undefined;
}

/** The payload of raw payload lines: the first tab of each line and the last newline removed. */
function payloadOf(raw: readonly string[]): string {
  const text = raw.length === 1 ? (raw[0] as string) : raw.join("");
  return text === "" ? "" : text.slice(1, -1).replaceAll("\n\t", "\n");
}

function md5Hex(text: string): string {
  // One-shot (no Hash object per payload): most payloads are small chromium events.
  return hash("md5", text, "hex");
}
