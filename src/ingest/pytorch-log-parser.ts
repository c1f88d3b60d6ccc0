// Streaming reassembly of PyTorch console output into log records.
//
// Push-based and pure: no I/O, no timers, no clock. Lines are classified by parsePytorchLine; this module
// decides which lines form one record (pytorch-log-format.md §1.4, §2.3, §3, §4, §5, §7 step 3):
//
// 1. Same prefix, same stream. In the glog and bracket formats every line of a message repeats the
//    record's prefix byte for byte (wrapper included), so a run of lines with one prefix is one record.
//    Runs are tracked per stream (wrapper + rank + pid/thread id) because workers multiplexed into one
//    output interleave line by line (vLLM); a record stays open while lines of other streams or other
//    output pass, for at most `maxInterleavedLines` lines. Separate logging calls that print an
//    identical prefix (same microsecond, same source line) merge; the format cannot tell them apart.
// 2. Unprefixed lines are folded into the record of the line just before them only when they must
//    belong to it; otherwise they are "other" records. Never attached: blank lines, lines that look
//    like another logger's header, lines without the record's wrapper. Attached:
//    a. the header's message is empty: the message continues on the next lines (PyTorch 2.0 logs that
//       start with "\n", or a paste hard-wrapped after the prefix), up to a blank line;
//    b. the header is the record's only line and leaves a bracket open: a hard wrap, up to the line
//       that closes it;
//    c. formats that only prefix the first line: "conservative" attaches only what cannot be print
//       output (indented lines, "Traceback (most recent call last):" and the exception line closing
//       it); "until-blank-line" attaches every line up to a blank line (§7 step 3). By default the
//       bracket format without a trace id is conservative: it is usually 2.1-era output, which prefixes
//       every line, or PyTorch 2.0 output interleaved with the program's prints (nanoGPT's
//       "iter 0: loss …" after a warning), and folding prints into a WARNING would misreport them,
//       while a continuation left unattached is still kept. The 2022 torchdynamo format is
//       until-blank-line: its records are blocks separated by blank lines (§4).
// 3. Nothing is dropped silently. Every line ends up in exactly one record or, with
//    `keepOtherLines: false`, in the `skippedLines` count.
//
// Records are returned in input order (by first line). Memory is bounded by `maxBufferedChars` plus one
// partial line of at most `maxLineChars`, whatever the input size.

import { omitUndefined } from "./omit-undefined.ts";
import type { CompileId } from "./parse-compile-id.ts";
import { COMPILE_ID_SOURCE, parseCompileId } from "./parse-compile-id.ts";
import type { OtherLine, TorchLogLine } from "./parse-pytorch-line.ts";
import { parsePytorchLine } from "./parse-pytorch-line.ts";

/**
 * One torch._logging call, reassembled from its lines: the first line's fields (time, path, compile id,
 * artifact, …; see {@link TorchLogLine}) and the message of all its lines.
 */
export interface TorchLogRecord extends Omit<TorchLogLine, "line" | "prefix" | "message"> {
  /** The message lines joined with `"\n"`, each exactly as printed after the prefix. */
  readonly message: string;
  /** Physical input lines this record consumed. */
  readonly lineCount: number;
  /** 1-based input line number of the record's first line. */
  readonly firstLineNumber: number;
  /** How many of those lines had no prefix and were attached by the continuation rules. */
  readonly unprefixedLineCount: number;
  /**
   * The record continues an earlier one with the same prefix that had to be returned before its end
   * showed: at `maxBufferedChars`, or by `flush()`.
   */
  readonly continued: boolean;
  /** A line of the record was longer than `maxLineChars` and was cut. */
  readonly truncated: boolean;
}

/** A line that is not part of any torch record, kept as is. */
export interface OtherLogRecord {
  readonly kind: "other";
  /** The line without its terminator (and without a final `\r`). */
  readonly text: string;
  readonly lookalike?: OtherLine["lookalike"];
  readonly lineCount: 1;
  readonly firstLineNumber: number;
  readonly truncated: boolean;
}

export type PytorchLogRecord = TorchLogRecord | OtherLogRecord;

export interface PytorchLogParserOptions {
  /** Return "other" records for non-torch lines. When false they are only counted. Default: `true`. */
  readonly keepOtherLines?: boolean;
  /**
   * Which unprefixed lines join a record from a format that prefixes only the first line (rule 2c
   * above). `"auto"` is conservative for the bracket format and until-blank-line for torchdynamo.
   * Default: `"auto"`.
   */
  readonly continuation?: "auto" | "conservative" | "until-blank-line";
  /**
   * A record is complete once this many lines have passed without extending it, so that interleaved
   * workers still reassemble. `0` completes it at the first line that does not extend it. Default: `32`.
   */
  readonly maxInterleavedLines?: number;
  /**
   * Upper bound on what the parser holds back (open records and completed records waiting for an earlier
   * one), counting each line as its length + 1. When exceeded, the oldest held record is completed, so
   * this is also the largest record: a longer one is returned in parts, the later ones `continued`.
   * Default: `4_194_304` (4 MiB).
   */
  readonly maxBufferedChars?: number;
  /** Lines longer than this are cut (the record is marked `truncated`). Default: `1_048_576`. */
  readonly maxLineChars?: number;
}

/** Counters since construction. `linesIn === Σ records' lineCount + skippedLines` after `end()`. */
export interface PytorchLogParserStats {
  readonly linesIn: number;
  readonly recordsOut: number;
  readonly torchRecords: number;
  readonly otherRecords: number;
  /** Lines that did not belong to a torch record (returned as "other" or skipped). */
  readonly otherLines: number;
  /** Other lines dropped because `keepOtherLines` is false. */
  readonly skippedLines: number;
  /** Lines cut at `maxLineChars`. */
  readonly truncatedLines: number;
}

/** What the parser holds right now; bounded by the options, never by the input size. */
export interface PytorchLogParserBuffer {
  /** Records held back: still open, or complete but waiting for an earlier one. */
  readonly records: number;
  readonly lines: number;
  /** Buffered size as limited by `maxBufferedChars` (each line's length + 1). */
  readonly chars: number;
  /** Length of the unterminated last line received so far. */
  readonly partialLineChars: number;
}

interface TorchEntry {
  readonly kind: "torch";
  readonly header: TorchLogLine;
  readonly streamKey: string;
  readonly firstLineNumber: number;
  readonly continued: boolean;
  readonly lines: string[];
  lastLineNumber: number;
  lineCount: number;
  unprefixedLineCount: number;
  chars: number;
  done: boolean;
  /** Returned before its stream showed its end (buffer bound, flush()): the same prefix continues it. */
  resumable: boolean;
  truncated: boolean;
  /** Which continuation rule holds the record open for unprefixed lines (rules 2a, 2b). */
  wrap: "none" | "next-line" | "brackets";
  bracketDepth: number;
  inTraceback: boolean;
  /** Set when rule 2a drops the empty header message and lifts a wrapped trace id / artifact. */
  dropFirstLine: boolean;
  compileId: CompileId | undefined;
  artifact: string | undefined;
}

interface OtherEntry {
  readonly kind: "other";
  readonly line: OtherLine;
  readonly firstLineNumber: number;
  readonly truncated: boolean;
  readonly chars: number;
  readonly done: true;
}

type Entry = TorchEntry | OtherEntry;

const DEFAULTS = {
  keepOtherLines: true,
  continuation: "auto",
  maxInterleavedLines: 32,
  maxBufferedChars: 4_194_304,
  maxLineChars: 1_048_576,
} as const satisfies Required<PytorchLogParserOptions>;

const TRACEBACK_START = "Traceback (most recent call last):";
const STACK_START = "Stack (most recent call last):";
// The last line of a Python traceback: `torch._dynamo.exc.Unsupported: …`, `KeyboardInterrupt`.
const EXCEPTION_LINE = /^[A-Za-z_][\w.]*(?::(?: |$)|$)/;
// A hard wrap between the glog prefix and its trace id (alcf_aurora sample): `[0/0] message`.
const WRAPPED_TAGS = new RegExp(
  String.raw`^(?:\[(?<traceId>${COMPILE_ID_SOURCE})\](?: |$))?(?:\[__(?<artifact>[A-Za-z0-9_]+)\](?: |$))?`,
);

/**
 * Reassembles PyTorch console output into records. Feed text with {@link push} in chunks of any size
 * (a chunk may end anywhere, including between `\r` and `\n`); each call returns the records completed
 * so far, in input order. Call {@link end} once at the end of input.
 */
export class PytorchLogParser {
  readonly #options: Required<PytorchLogParserOptions>;
  /** Entries in input order; `#head` is the first not yet returned. */
  #queue: (Entry | undefined)[] = [];
  #head = 0;
  /** The open (or suspended) record of each stream. */
  readonly #streams = new Map<string, TorchEntry>();
  /** The record that took the previous physical line, if that line was part of a torch record. */
  #last: TorchEntry | undefined;
  /** The previous header and its stream key: consecutive headers are mostly of one stream. */
  #keyHeader: TorchLogLine | undefined;
  #key = "";
  #partial = "";
  #partialTruncated = false;
  #lineNumber = 0;
  #bufferedChars = 0;
  #bufferedLines = 0;
  #ended = false;
  #out: PytorchLogRecord[] = [];
  #stats = {
    linesIn: 0,
    recordsOut: 0,
    torchRecords: 0,
    otherRecords: 0,
    otherLines: 0,
    skippedLines: 0,
    truncatedLines: 0,
  };

  constructor(options: PytorchLogParserOptions = {}) {
    this.#options = { ...DEFAULTS, ...omitUndefined(options) };
  }

  /** Adds a chunk of text and returns the records it completed. */
  push(chunk: string): PytorchLogRecord[] {
    if (this.#ended) throw new Error("PytorchLogParser: push() after end()");
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf("\n", start);
      if (newline === -1) break;
      this.#appendPartial(chunk.slice(start, newline));
      this.#takeLine();
      start = newline + 1;
    }
    this.#appendPartial(chunk.slice(start));
    return this.#takeOutput();
  }

  /**
   * Completes every open record and returns what is left, keeping an unterminated last line for later.
   * For live input: call it when the source has been idle, since a record cannot know it is complete
   * until a later line or the end of input shows it.
   */
  flush(): PytorchLogRecord[] {
    for (const entry of this.#streams.values()) if (!entry.done) this.#suspend(entry);
    this.#drain();
    return this.#takeOutput();
  }

  /** Ends the input: a last line without a newline counts as a line. Returns the remaining records. */
  end(): PytorchLogRecord[] {
    if (this.#ended) return [];
    if (this.#partial.length > 0 || this.#partialTruncated) this.#takeLine();
    this.#ended = true;
    return this.flush();
  }

  get stats(): PytorchLogParserStats {
    return { ...this.#stats };
  }

  get buffer(): PytorchLogParserBuffer {
    return {
      records: this.#queue.length - this.#head,
      lines: this.#bufferedLines,
      chars: this.#bufferedChars,
      partialLineChars: this.#partial.length,
    };
  }

  #appendPartial(text: string): void {
    if (text.length === 0) return;
    // One char beyond the limit, so that a line of exactly maxLineChars followed by `\r\n` is not cut.
    const room = this.#options.maxLineChars + 1 - this.#partial.length;
    if (text.length > room) this.#partialTruncated = true;
    if (room > 0) this.#partial += text.length > room ? text.slice(0, room) : text;
  }

  #takeLine(): void {
    let text = this.#partial;
    let truncated = this.#partialTruncated;
    this.#partial = "";
    this.#partialTruncated = false;
    // CRLF: the `\r` may have arrived in an earlier chunk than the `\n`, so strip it per line.
    if (!truncated && text.endsWith("\r")) text = text.slice(0, -1);
    if (text.length > this.#options.maxLineChars) {
      text = text.slice(0, this.#options.maxLineChars);
      truncated = true;
    }
    this.#lineNumber++;
    this.#stats.linesIn++;
    if (truncated) this.#stats.truncatedLines++;
    this.#processLine(text, truncated);
    this.#expire();
    this.#enforceBound();
    this.#drain();
  }

  #processLine(text: string, truncated: boolean): void {
    const parsed = parsePytorchLine(text);
    if (parsed.kind === "torch") {
      this.#takeHeader(parsed, truncated);
    } else if (!this.#attach(parsed, truncated)) {
      this.#last = undefined;
      this.#stats.otherLines++;
      if (!this.#options.keepOtherLines) {
        this.#stats.skippedLines++;
        return;
      }
      this.#enqueue({
        kind: "other",
        line: parsed,
        firstLineNumber: this.#lineNumber,
        truncated,
        chars: text.length + 1,
        done: true,
      });
    }
  }

  #takeHeader(header: TorchLogLine, truncated: boolean): void {
    const key = this.#streamKey(header);
    const open = this.#streams.get(key);
    // The torchdynamo format prints no time and prefixes only a record's first line, so two headers are
    // two records even when identical; glued text can only precede a record's first line.
    const samePrefix =
      open !== undefined && open.header.prefix === header.prefix && header.format !== "torchdynamo";
    if (open !== undefined && !open.done && samePrefix && header.glued === "") {
      this.#extend(open, header.message, truncated, false);
      return;
    }
    if (open !== undefined) this.#complete(open);
    const entry: TorchEntry = {
      kind: "torch",
      header,
      streamKey: key,
      firstLineNumber: this.#lineNumber,
      continued: open?.resumable === true && samePrefix,
      lines: [header.message],
      lastLineNumber: this.#lineNumber,
      lineCount: 1,
      unprefixedLineCount: 0,
      chars: header.message.length + 1,
      done: false,
      resumable: false,
      truncated,
      wrap: "none",
      bracketDepth: 0,
      inTraceback: header.message.startsWith(TRACEBACK_START),
      dropFirstLine: false,
      compileId: header.compileId,
      artifact: header.artifact,
    };
    this.#streams.set(key, entry);
    this.#enqueue(entry);
    this.#last = entry;
  }

  /** streamKey(header), reusing the previous header's key string (and so its cached hash) when equal. */
  #streamKey(header: TorchLogLine): string {
    const previous = this.#keyHeader;
    this.#keyHeader = header;
    if (
      previous === undefined ||
      previous.format !== header.format ||
      previous.wrapper !== header.wrapper ||
      previous.rank !== header.rank ||
      previous.id !== header.id
    ) {
      this.#key = streamKey(header);
    }
    return this.#key;
  }

  /** Rule 2: folds an unprefixed line into the record of the previous line when it must belong there. */
  #attach(line: OtherLine, truncated: boolean): boolean {
    const entry = this.#last;
    if (entry === undefined || entry.done || line.lookalike !== undefined) return false;
    const { wrapper } = entry.header;
    if (!line.line.startsWith(wrapper)) return false;
    let content = line.line.slice(wrapper.length);
    if (content.trim() === "") return false;
    if (!this.#acceptsContinuation(entry, content)) return false;
    if (entry.wrap === "next-line" && entry.unprefixedLineCount === 0) {
      // Rule 2a: the empty header message was the format's, not the author's. A glog prefix wrapped
      // before its trace id leaves ` [0/0] [__x]` at the start of the next line; put them back.
      entry.dropFirstLine = true;
      const isGlog = entry.header.format === "glog" || entry.header.format === "glog-transitional";
      const tags = isGlog && entry.compileId === undefined && entry.artifact === undefined;
      const m = tags ? WRAPPED_TAGS.exec(content) : null;
      if (m !== null && m[0].length > 0) {
        const traceId = m.groups?.traceId;
        entry.compileId = traceId === undefined ? undefined : parseCompileId(traceId);
        entry.artifact = m.groups?.artifact;
        content = content.slice(m[0].length);
      }
    }
    this.#extend(entry, content, truncated, true);
    return true;
  }

  /** Whether `content` continues the record; updates the record's continuation state when it does. */
  #acceptsContinuation(entry: TorchEntry, content: string): boolean {
    if (entry.wrap === "next-line") return true;
    if (entry.wrap === "brackets") {
      if (entry.bracketDepth > 0) {
        entry.bracketDepth += bracketDepth(content);
        return true;
      }
    } else if (entry.lineCount === 1) {
      const first = entry.lines[0] ?? "";
      if (first.trim() === "") {
        entry.wrap = "next-line";
        return true;
      }
      const depth = bracketDepth(first);
      if (depth > 0) {
        entry.wrap = "brackets";
        entry.bracketDepth = depth + bracketDepth(content);
        return true;
      }
    }
    const { format, compileId } = entry.header;
    const prefixesOnlyFirstLine =
      format === "torchdynamo" || (format === "bracket" && compileId === undefined);
    if (!prefixesOnlyFirstLine) return false;
    const rule = this.#options.continuation;
    if (rule === "until-blank-line" || (rule === "auto" && format === "torchdynamo")) return true;
    return continuesLegacy(entry, content);
  }

  #extend(entry: TorchEntry, message: string, truncated: boolean, unprefixed: boolean): void {
    entry.lines.push(message);
    entry.lineCount++;
    if (unprefixed) entry.unprefixedLineCount++;
    entry.chars += message.length + 1;
    entry.lastLineNumber = this.#lineNumber;
    entry.truncated ||= truncated;
    this.#bufferedChars += message.length + 1;
    this.#bufferedLines++;
    this.#last = entry;
  }

  #enqueue(entry: Entry): void {
    this.#queue.push(entry);
    this.#bufferedChars += entry.chars;
    this.#bufferedLines++;
  }

  #complete(entry: TorchEntry): void {
    entry.done = true;
    if (this.#streams.get(entry.streamKey) === entry) this.#streams.delete(entry.streamKey);
  }

  /** Completes a record early but lets its stream remember it, so that the rest is marked `continued`. */
  #suspend(entry: TorchEntry): void {
    entry.done = true;
    entry.resumable = true;
  }

  /** Completes records (and forgets suspended ones) not extended for more than `maxInterleavedLines` lines. */
  #expire(): void {
    const oldest = this.#lineNumber - this.#options.maxInterleavedLines;
    for (const entry of this.#streams.values()) {
      if (entry.lastLineNumber < oldest) this.#complete(entry);
    }
  }

  /** Keeps the held-back text under `maxBufferedChars` by completing the oldest held record. */
  #enforceBound(): void {
    while (this.#bufferedChars > this.#options.maxBufferedChars && this.#head < this.#queue.length) {
      const head = this.#queue[this.#head];
      if (head?.kind === "torch" && !head.done) this.#suspend(head);
      this.#drain();
    }
  }

  /** Moves completed records from the front of the queue to the output, preserving input order. */
  #drain(): void {
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head];
      if (entry === undefined || !entry.done) break;
      this.#queue[this.#head] = undefined;
      this.#head++;
      this.#release(entry);
    }
    // Compact now and then instead of shifting per record, which would be quadratic in a long queue.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #release(entry: Entry): void {
    this.#bufferedChars -= entry.chars;
    if (entry.kind === "other") {
      this.#bufferedLines--;
      this.#stats.otherRecords++;
      this.#stats.recordsOut++;
      const lookalike = entry.line.lookalike;
      this.#out.push(
        lookalike === undefined
          ? {
              kind: "other",
              text: entry.line.line,
              lineCount: 1,
              firstLineNumber: entry.firstLineNumber,
              truncated: entry.truncated,
            }
          : {
              kind: "other",
              text: entry.line.line,
              lookalike,
              lineCount: 1,
              firstLineNumber: entry.firstLineNumber,
              truncated: entry.truncated,
            },
      );
      return;
    }
    this.#bufferedLines -= entry.lineCount;
    if (this.#last === entry) this.#last = undefined;
    this.#stats.torchRecords++;
    this.#stats.recordsOut++;
    this.#out.push(toRecord(entry));
  }

  #takeOutput(): PytorchLogRecord[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }
}

/** Parses a whole text at once: `new PytorchLogParser(options)`, one `push`, then `end`. */
export function parsePytorchLog(text: string, options?: PytorchLogParserOptions): PytorchLogRecord[] {
  const parser = new PytorchLogParser(options);
  return [...parser.push(text), ...parser.end()];
}

/** A {@link TorchLogRecord} being built: fields are added in the order they are listed, absent ones never. */
type Draft = { -readonly [K in keyof TorchLogRecord]?: TorchLogRecord[K] };

function toRecord(entry: TorchEntry): TorchLogRecord {
  // Field by field rather than spreading the header and omitting `undefined`: this runs once per record.
  const h = entry.header;
  const record: Draft = {
    kind: "torch",
    format: h.format,
    wrapper: h.wrapper,
    glued: h.glued,
    levelno: h.levelno,
    levelName: h.levelName,
  };
  if (h.time !== undefined) record.time = h.time;
  if (h.id !== undefined) record.id = h.id;
  if (h.processId !== undefined) record.processId = h.processId;
  if (h.threadId !== undefined) record.threadId = h.threadId;
  if (h.path !== undefined) record.path = h.path;
  if (h.lineno !== undefined) record.lineno = h.lineno;
  if (h.loggerName !== undefined) record.loggerName = h.loggerName;
  if (h.scope !== undefined) record.scope = h.scope;
  if (h.rank !== undefined) record.rank = h.rank;
  if (entry.compileId !== undefined) record.compileId = entry.compileId;
  if (entry.artifact !== undefined) record.artifact = entry.artifact;
  record.message = (entry.dropFirstLine ? entry.lines.slice(1) : entry.lines).join("\n");
  record.lineCount = entry.lineCount;
  record.firstLineNumber = entry.firstLineNumber;
  record.unprefixedLineCount = entry.unprefixedLineCount;
  record.continued = entry.continued;
  record.truncated = entry.truncated;
  // Every required field is set above.
  return record as TorchLogRecord;
}

/** Lines of one stream can form one record; lines of different streams never do. */
function streamKey(header: TorchLogLine): string {
  return `${header.format}\u0000${header.wrapper}\u0000${header.rank ?? ""}\u0000${header.id ?? ""}`;
}

/** Rule 2c, conservative: only what a traceback or an indented continuation looks like. */
function continuesLegacy(entry: TorchEntry, content: string): boolean {
  if (content.startsWith(TRACEBACK_START)) {
    entry.inTraceback = true;
    return true;
  }
  if (/^\s/.test(content) || content.startsWith(STACK_START)) return true;
  if (entry.inTraceback && EXCEPTION_LINE.test(content)) {
    entry.inTraceback = false;
    return true;
  }
  return false;
}

/** Net count of unclosed `(`, `[` and `{`. */
function bracketDepth(text: string): number {
  let depth = 0;
  for (const ch of text) {
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
  }
  return depth;
}
