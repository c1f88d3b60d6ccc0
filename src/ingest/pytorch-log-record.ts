// What PytorchLogParser returns and is configured with: reassembled torch records, other lines, options,
// counters and the size of what it holds back.
import type { LogFormatMatcher } from "../pytorch-line/compile-log-format-matcher.ts";
import type { CustomLevels } from "../pytorch-line/parse-log-level.ts";
import type { OtherLine, TorchLogLine } from "../pytorch-line/pytorch-log-line.ts";

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
  /**
   * Level numbers of custom level names, which PyTorch prints in full (`NOTICE0102 …`). A name not listed
   * gets the level its name's band says (`TRACE…` 5, `VERBOSE` 15, `SUCCESS` 25, …), else INFO.
   * Default: `NOTICE` = 25 (`DEFAULT_CUSTOM_LEVELS`).
   */
  readonly levels?: CustomLevels;
  /**
   * The TORCH_LOGS_FORMAT the producer ran with (compileLogFormatMatcher): its lines are read first, and a
   * record takes every line after its first up to the next header, blank ones too, since Python's
   * `logging.Formatter` prefixes only the first. Default: none, PyTorch's own formats only.
   */
  readonly logFormat?: LogFormatMatcher | undefined;
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
