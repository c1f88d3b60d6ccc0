// A record while PytorchLogParser assembles it, and how a finished one becomes a TorchLogRecord.
import type { CompileId } from "../pytorch-line/parse-compile-id.ts";
import type { OtherLine, TorchLogLine } from "../pytorch-line/pytorch-log-line.ts";
import type { OtherLogRecord, TorchLogRecord } from "./pytorch-log-record.ts";

export interface TorchEntry {
  readonly kind: "torch";
  /**
   * The first line; replaced when its trace id or artifact turn out to be message text (liftFalseTags), and by
   * a placeholder once the entry is released (releaseEntry).
   */
  header: TorchLogLine;
  readonly streamKey: string;
  readonly firstLineNumber: number;
  readonly continued: boolean;
  /**
   * The first line of the record before it in its stream, for what it shows (liftContradictedTraceId);
   * let go on release, like the header.
   */
  before: TorchLogLine | undefined;
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
  /** repeatsPrefix of the header: repeatedMessage reads a line that repeats its prefix. */
  prefixRepeats: boolean;
}

export const TRACEBACK_START = "Traceback (most recent call last):";

/** A new record from its first line. */
export function startEntry(
  header: TorchLogLine,
  at: Pick<
    TorchEntry,
    "streamKey" | "firstLineNumber" | "continued" | "before" | "truncated" | "prefixRepeats"
  >,
): TorchEntry {
  return {
    kind: "torch",
    header,
    streamKey: at.streamKey,
    firstLineNumber: at.firstLineNumber,
    continued: at.continued,
    before: at.before,
    lines: [header.message],
    lastLineNumber: at.firstLineNumber,
    lineCount: 1,
    unprefixedLineCount: 0,
    chars: header.message.length + 1,
    done: false,
    resumable: false,
    truncated: at.truncated,
    wrap: "none",
    bracketDepth: 0,
    inTraceback: header.message.startsWith(TRACEBACK_START),
    dropFirstLine: false,
    compileId: header.compileId,
    artifact: header.artifact,
    prefixRepeats: at.prefixRepeats,
  };
}

export interface OtherEntry {
  readonly kind: "other";
  /** The line; a placeholder once the entry is released (releaseEntry). */
  line: OtherLine;
  readonly firstLineNumber: number;
  readonly truncated: boolean;
  readonly chars: number;
  readonly done: true;
}

export type Entry = TorchEntry | OtherEntry;

/** What a released entry holds instead of its lines. */
const RELEASED_HEADER: TorchLogLine = {
  kind: "torch",
  format: "glog",
  line: "",
  wrapper: "",
  glued: "",
  prefix: "",
  levelno: 0,
  levelName: "",
  message: "",
};
const RELEASED_LINE: OtherLine = { kind: "other", line: "" };

/**
 * Lets go of the lines and header of an entry whose record has been made and that nothing will read again. An
 * entry that lived through two scavenges sits in V8's old generation, dead or alive, until the next full
 * collection; until then every young string and object it points to survives each scavenge (and is promoted in
 * turn). Letting go saves about a tenth of the CPU time of an `ingest` run.
 */
export function releaseEntry(entry: Entry): void {
  if (entry.kind === "other") {
    entry.line = RELEASED_LINE;
    return;
  }
  entry.header = RELEASED_HEADER;
  entry.before = undefined;
  entry.lines.length = 0;
  entry.compileId = undefined;
  entry.artifact = undefined;
}

/** Cuts a record's last `count` lines off as entries of other lines, with their line numbers and sizes. */
export function cutTrailingLines(entry: TorchEntry, count: number): OtherEntry[] {
  const tail = entry.lines.splice(entry.lines.length - count);
  const first = entry.lastLineNumber - count + 1;
  entry.lineCount -= count;
  entry.unprefixedLineCount -= count;
  entry.lastLineNumber = first - 1;
  return tail.map((content, i) => {
    const chars = content.length + 1;
    entry.chars -= chars;
    const line: OtherLine = { kind: "other", line: entry.header.wrapper + content };
    return { kind: "other", line, firstLineNumber: first + i, truncated: false, chars, done: true };
  });
}

/** A {@link TorchLogRecord} being built: fields are added in the order they are listed, absent ones never. */
type Draft = { -readonly [K in keyof TorchLogRecord]?: TorchLogRecord[K] };

export function toRecord(entry: TorchEntry): TorchLogRecord {
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

export function toOtherRecord(entry: OtherEntry): OtherLogRecord {
  const { line, firstLineNumber, truncated } = entry;
  return line.lookalike === undefined
    ? { kind: "other", text: line.line, lineCount: 1, firstLineNumber, truncated }
    : { kind: "other", text: line.line, lookalike: line.lookalike, lineCount: 1, firstLineNumber, truncated };
}

/** Lines of one stream can form one record; lines of different streams never do. */
export function streamKey(header: TorchLogLine): string {
  return `${header.format}\u0000${header.wrapper}\u0000${header.rank ?? ""}\u0000${header.id ?? ""}`;
}
