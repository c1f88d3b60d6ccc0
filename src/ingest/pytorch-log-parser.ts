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
//    identical prefix (same millisecond, same source line) are told apart by the shape of their lines
//    (record-boundary.ts): a line that starts the way the record's first line did starts a new record.
// 2. Unprefixed lines are folded into the record of the line just before them only when they must
//    belong to it; otherwise they are "other" records. Never attached: blank lines, lines that look
//    like another logger's header, lines without the record's wrapper. Attached:
//    a. the header's message is empty: the message continues on the next lines (PyTorch 2.0 logs that
//       start with "\n", whose empty first line is kept, or a glog paste hard-wrapped after the prefix,
//       which the trace id / artifact at the start of the next line shows), up to a blank line;
//    b. the header is the record's only line and leaves a bracket open: a hard wrap, up to the line
//       that closes it;
//    c. formats that only prefix the first line: "conservative" attaches only what cannot be print
//       output (indented lines, "Traceback (most recent call last):" and the exception line closing
//       it); "until-blank-line" attaches every line up to a blank line (§7 step 3). By default the
//       bracket format without a trace id is conservative: it is usually 2.1-era output, which prefixes
//       every line, or PyTorch 2.0 output interleaved with the program's prints (nanoGPT's
//       "iter 0: loss …" after a warning), and folding prints into a WARNING would misreport them,
//       while a continuation left unattached is still kept. The 2022 torchdynamo format is
//       until-blank-line: its records are blocks separated by blank lines (§4). A custom format's record
//       takes every line to the next header, but gives back what follows its message's last empty line
//       when that cannot be message (trailingOtherLines): the program's last print.
// 3. Nothing is dropped silently. Every line ends up in exactly one record or, with
//    `keepOtherLines: false`, in the `skippedLines` count.
//
// Records are returned in input order (by first line). Memory is bounded by `maxBufferedChars` plus one
// partial line of at most `maxLineChars`, whatever the input size.

import { LineSplitter } from "../input/line-splitter.ts";
import { matchGlogHeader } from "../pytorch-line/match-glog-header.ts";
import { parseCompileId } from "../pytorch-line/parse-compile-id.ts";
import { DEFAULT_CUSTOM_LEVELS } from "../pytorch-line/parse-log-level.ts";
import { parseByPatterns } from "../pytorch-line/parse-pytorch-line.ts";
import type { OtherLine, TorchLogLine } from "../pytorch-line/pytorch-log-line.ts";
import { acceptsContinuation, trailingOtherLines, WRAPPED_TAGS } from "./continuation-rules.ts";
import { omitUndefined } from "./omit-undefined.ts";
import type {
  PytorchLogParserBuffer,
  PytorchLogParserOptions,
  PytorchLogParserStats,
  PytorchLogRecord,
} from "./pytorch-log-record.ts";
import { liftContradictedTraceId, liftFalseTags, startsNewRecord } from "./record-boundary.ts";
import {
  cutTrailingLines,
  type Entry,
  releaseEntry,
  startEntry,
  streamKey,
  type TorchEntry,
  toOtherRecord,
  toRecord,
} from "./record-entry.ts";
import { RecordQueue } from "./record-queue.ts";
import { repeatedMessage, repeatsPrefix } from "./repeated-message.ts";

const DEFAULTS = {
  keepOtherLines: true,
  continuation: "auto",
  maxInterleavedLines: 32,
  maxBufferedChars: 4_194_304,
  maxLineChars: 1_048_576,
  levels: DEFAULT_CUSTOM_LEVELS,
} as const satisfies Required<Omit<PytorchLogParserOptions, "logFormat">>;

type ParserSettings = Required<Omit<PytorchLogParserOptions, "logFormat">> & PytorchLogParserOptions;

/**
 * Reassembles PyTorch console output into records. Feed text with {@link push} in chunks of any size
 * (a chunk may end anywhere, including between `\r` and `\n`); each call returns the records completed
 * so far, in input order. Call {@link end} once at the end of input.
 */
export class PytorchLogParser {
  readonly #options: ParserSettings;
  readonly #queue = new RecordQueue();
  /** The open (or suspended) record of each stream. */
  readonly #streams = new Map<string, TorchEntry>();
  /** The record that took the previous physical line, if that line was part of a torch record. */
  #last: TorchEntry | undefined;
  /** The previous header and its stream key: consecutive headers are mostly of one stream. */
  #keyHeader: TorchLogLine | undefined;
  #key = "";
  readonly #lines: LineSplitter;
  #lineNumber = 0;
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
    this.#lines = new LineSplitter(this.#options.maxLineChars);
  }

  /** Adds a chunk of text and returns the records it completed. */
  push(chunk: string): PytorchLogRecord[] {
    if (this.#ended) throw new Error("PytorchLogParser: push() after end()");
    this.#lines.push(chunk, this.#onLine);
    return this.#takeOutput();
  }

  /**
   * Completes every open record and returns what is left, keeping an unterminated last line for later.
   * For live input: call it when the source has been idle, since a record cannot know it is complete
   * until a later line or the end of input shows it.
   */
  flush(): PytorchLogRecord[] {
    for (const entry of this.#streams.values()) {
      if (entry.done) continue;
      liftContradictedTraceId(entry, [entry.before]);
      this.#splitTrailingOutput(entry);
      this.#suspend(entry);
    }
    this.#drain();
    return this.#takeOutput();
  }

  /** Ends the input: a last line without a newline counts as a line. Returns the remaining records. */
  end(): PytorchLogRecord[] {
    if (this.#ended) return [];
    this.#lines.end(this.#onLine);
    this.#ended = true;
    return this.flush();
  }

  get stats(): PytorchLogParserStats {
    return { ...this.#stats };
  }

  get buffer(): PytorchLogParserBuffer {
    return {
      records: this.#queue.length,
      lines: this.#queue.lines,
      chars: this.#queue.chars,
      partialLineChars: this.#lines.partialLength,
    };
  }

  readonly #onLine = (text: string, truncated: boolean): void => {
    this.#lineNumber++;
    this.#stats.linesIn++;
    if (truncated) this.#stats.truncatedLines++;
    this.#processLine(text, truncated);
    this.#expire();
    this.#enforceBound();
    this.#drain();
  };

  #processLine(text: string, truncated: boolean): void {
    const { levels, logFormat } = this.#options;
    if (logFormat === undefined && this.#extendRun(text, truncated)) return;
    // parsePytorchLine, noting whether the header was read by hand.
    const custom = logFormat?.match(text, levels);
    const byHand = custom === undefined ? matchGlogHeader(text) : undefined;
    const parsed = custom ?? byHand ?? parseByPatterns(text, levels);
    if (parsed.kind === "torch") {
      this.#takeHeader(parsed, truncated, byHand !== undefined);
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

  /**
   * Rule 1 for a line that repeats the prefix of the record that took the previous line, the common case,
   * without parsing it again: what #takeHeader would do with its header (same prefix, so same stream).
   */
  #extendRun(text: string, truncated: boolean): boolean {
    const entry = this.#last;
    if (entry === undefined || entry.done || !entry.prefixRepeats) return false;
    const message = repeatedMessage(text, entry.header);
    if (message === undefined || startsNewRecord(entry.lines[0] ?? "", message, entry.lineCount))
      return false;
    this.#extend(entry, message, truncated, false);
    return true;
  }

  #takeHeader(header: TorchLogLine, truncated: boolean, readByHand: boolean): void {
    const key = this.#streamKey(header);
    const open = this.#streams.get(key);
    // The torchdynamo and custom formats prefix only a record's first line, so two headers are two
    // records even when identical; glued text can only precede a record's first line.
    if (open !== undefined && !open.done && header.glued === "" && liftFalseTags(open, header)) {
      open.prefixRepeats = readByHand;
    }
    const samePrefix =
      open !== undefined &&
      open.header.prefix === header.prefix &&
      header.format !== "torchdynamo" &&
      header.format !== "custom";
    if (
      open !== undefined &&
      !open.done &&
      samePrefix &&
      header.glued === "" &&
      !startsNewRecord(open.lines[0] ?? "", header.message, open.lineCount)
    ) {
      this.#extend(open, header.message, truncated, false);
      return;
    }
    if (open !== undefined && !open.done) liftContradictedTraceId(open, [open.before, header]);
    if (open !== undefined) this.#complete(open);
    const entry = startEntry(header, {
      streamKey: key,
      firstLineNumber: this.#lineNumber,
      continued: open?.resumable === true && samePrefix,
      before: open?.header,
      truncated,
      prefixRepeats: repeatsPrefix(header, readByHand),
    });
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
    if (content.trim() === "" && entry.header.format !== "custom") return false;
    const header = entry.header;
    let lifted: RegExpExecArray | null = null;
    if (entry.lineCount === 1 && entry.lines[0]?.trim() === "" && header.format.startsWith("glog")) {
      // Rule 2a in the glog formats, which prefix every line: an unprefixed line after an empty message is
      // other output (a print after `log.info("")`), unless it starts with the trace id / artifact of a
      // prefix hard-wrapped before them (alcf_aurora sample); then the empty message was the wrap's.
      if (entry.compileId !== undefined || entry.artifact !== undefined) return false;
      lifted = WRAPPED_TAGS.exec(content);
      if (lifted === null || lifted[0].length === 0) return false;
    }
    if (!acceptsContinuation(entry, content, this.#options.continuation)) return false;
    // A format that prefixes every line printed the empty message only because a paste wrapped it; PyTorch
    // 2.0's bracket format (no trace id) prefixed the first line only, so its message started with "\n".
    if (entry.wrap === "next-line" && entry.unprefixedLineCount === 0 && header.compileId !== undefined) {
      entry.dropFirstLine = true;
    }
    if (lifted !== null) {
      entry.dropFirstLine = true;
      const traceId = lifted.groups?.traceId;
      entry.compileId = traceId === undefined ? undefined : parseCompileId(traceId);
      entry.artifact = lifted.groups?.artifact;
      content = content.slice(lifted[0].length);
    }
    this.#extend(entry, content, truncated, true);
    return true;
  }

  #extend(entry: TorchEntry, message: string, truncated: boolean, unprefixed: boolean): void {
    entry.lines.push(message);
    entry.lineCount++;
    if (unprefixed) entry.unprefixedLineCount++;
    entry.chars += message.length + 1;
    entry.lastLineNumber = this.#lineNumber;
    entry.truncated ||= truncated;
    this.#queue.grow(message.length + 1);
    this.#last = entry;
  }

  #enqueue(entry: Entry): void {
    this.#queue.push(entry);
  }

  #complete(entry: TorchEntry): void {
    if (!entry.done) this.#splitTrailingOutput(entry);
    entry.done = true;
    if (this.#streams.get(entry.streamKey) === entry) this.#streams.delete(entry.streamKey);
  }

  /** Rule 2c's other side: output after a custom-format record's message goes out as other lines. */
  #splitTrailingOutput(entry: TorchEntry): void {
    const count = entry.header.format === "custom" ? trailingOtherLines(entry.lines) : 0;
    if (count === 0) return;
    const chars = entry.chars;
    const others = cutTrailingLines(entry, count);
    this.#stats.otherLines += count;
    if (!this.#options.keepOtherLines) this.#stats.skippedLines += count;
    this.#queue.split(entry, this.#options.keepOtherLines ? others : [], chars - entry.chars, count);
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
    while (this.#queue.chars > this.#options.maxBufferedChars && this.#queue.length > 0) {
      const head = this.#queue.oldest;
      if (head?.kind === "torch" && !head.done) this.#suspend(head);
      this.#drain();
    }
  }

  /** Moves completed records from the front of the queue to the output, preserving input order. */
  #drain(): void {
    this.#queue.drain(this.#release);
  }

  readonly #release = (entry: Entry): void => {
    if (entry.kind === "other") {
      this.#stats.otherRecords++;
      this.#stats.recordsOut++;
      this.#out.push(toOtherRecord(entry));
      releaseEntry(entry);
      return;
    }
    if (this.#last === entry) this.#last = undefined;
    this.#stats.torchRecords++;
    this.#stats.recordsOut++;
    this.#out.push(toRecord(entry));
    // A suspended (resumable) record stays its stream's entry: the next line of that stream reads its prefix.
    if (!entry.resumable) releaseEntry(entry);
  };

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
