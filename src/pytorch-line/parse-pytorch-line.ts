// Classifies one physical line of PyTorch console output: a torch._logging line in one of the formats of
// pytorch-log-format.md (§1 glog-style, §1.5 transitional, §2/§3 bracket, §4 torchdynamo), or anything else.
// Pure (scope-from-path.ts's cache of path → module name aside); grouping lines into records is
// PytorchLogParser's job.

import { classifyOther } from "./classify-other-line.ts";
import { execAtFirstGlogHeader, type GlogPathEnd } from "./first-glog-header.ts";
import { isArtifactTag, isValidClock, MAX_PID, matchGlogHeader } from "./match-glog-header.ts";
import { COMPILE_ID_SOURCE, parseCompileId } from "./parse-compile-id.ts";
import {
  type CustomLevels,
  DEFAULT_CUSTOM_LEVELS,
  GLOG_LEVEL_SOURCE,
  LEVEL_NAME_SOURCE,
  type LogLevel,
  parseLogLevel,
} from "./parse-log-level.ts";
import type {
  OtherLine,
  ParsedLine,
  PytorchLogFormat,
  PytorchLogTime,
  TorchLogLine,
} from "./pytorch-log-line.ts";
import { cachedScopeFromPath } from "./scope-from-path.ts";
import { wrapperLength } from "./wrapper-length.ts";

const RANK = String.raw`(?<rank>\[rank(?<rankId>\d+)\]:)?`;
const CLOCK = String.raw`(?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2})`;
const MONTH_DAY = String.raw`(?<month>\d{2})(?<day>\d{2})`;
const TRACE_ID = String.raw`(?: \[(?<traceId>${COMPILE_ID_SOURCE})\])?`;
// "Exactly one space separates prefix and message", but editors strip it from empty message lines
// (pytorch-log-format.md §1.3), so the separator is optional at the end of a line.
const MESSAGE = "(?: (?<message>.*))?$";

const GROUPS = [
  "rankId",
  "level",
  "year",
  "month",
  "day",
  "hour",
  "minute",
  "second",
  "usec",
  "msec",
  "id",
  "path",
  "lineno",
  "traceId",
  "logger",
  "artifact",
  "message",
] as const;
type Group = (typeof GROUPS)[number];

/** A header pattern and where each group's text is in its match array. */
interface Pattern {
  readonly regex: RegExp;
  /** Capture number of each group; one the pattern lacks gets a number past the last, which reads as undefined. */
  readonly at: Readonly<Record<Group, number>>;
}

/** A glog pattern (sticky), its part up to the path (global) and how its path ends: see first-glog-header.ts. */
interface GlogPattern extends Pattern {
  readonly head: RegExp;
  readonly pathEnd: GlogPathEnd;
}

const GROUP_NAME = /\(\?<([A-Za-z]\w*)>/g;

/**
 * Compiles a source written with named groups without the names. V8 builds a `groups` object for every
 * match of a pattern with named groups; reading the match array by number instead skips that allocation,
 * which was a tenth of the parser's time.
 */
function compile(source: string, flags: string): Pattern {
  const names: string[] = Array.from(source.matchAll(GROUP_NAME), (m) => m[1] ?? "");
  const regex = new RegExp(source.replace(GROUP_NAME, "("), flags);
  // The numbers below count named groups only: an unnamed capturing group would shift them.
  const captures = (new RegExp(`${regex.source}|`).exec("")?.length ?? 0) - 1;
  if (captures !== names.length)
    throw new Error(`parse-pytorch-line: unnamed capturing group in /${source}/`);
  const at = {} as Record<Group, number>;
  for (const group of GROUPS) {
    const index = names.indexOf(group);
    at[group] = index === -1 ? captures + 1 : index + 1;
  }
  return { regex, at };
}

// All patterns are unanchored: a header may sit after a wrapper or glued text (§5.1, §5.2). The `s` flag
// lets `.` match `\r` and U+2028 inside a message, which would otherwise make a real line fail to match.
// The glog patterns are run where first-glog-header.ts finds they match (sticky there), which is where the
// unanchored pattern would match, in time linear in the line.
const GLOG_HEAD = String.raw`${RANK}(?<level>${GLOG_LEVEL_SOURCE})${MONTH_DAY} ${CLOCK}\.(?<usec>\d{6}) (?<id>\d+) `;
const GLOG: GlogPattern = {
  ...compile(
    // The path may contain spaces and `\` (Windows), so match it lazily up to the first `:N]`. PATH_MAX
    // (4096) bounds it.
    String.raw`${GLOG_HEAD}(?<path>.{1,4096}?):(?<lineno>\d+)\]${TRACE_ID}(?: \[__(?<artifact>[A-Za-z0-9_]+)\])?${MESSAGE}`,
    "sy",
  ),
  head: headOf(GLOG_HEAD),
  pathEnd: "bracketed",
};

const GLOG_TRANSITIONAL_HEAD = String.raw`${RANK}(?<level>[VIWEC])${MONTH_DAY} ${CLOCK}\.(?<usec>\d{6}) (?<id>\d+) `;
const GLOG_TRANSITIONAL: GlogPattern = {
  ...compile(
    String.raw`${GLOG_TRANSITIONAL_HEAD}(?<path>\S{1,4096}):(?<lineno>\d+)${TRACE_ID}${MESSAGE}`,
    "sy",
  ),
  head: headOf(GLOG_TRANSITIONAL_HEAD),
  pathEnd: "run",
};

/** A pattern's part up to the path, unanchored, for finding where it can start. */
function headOf(source: string): RegExp {
  return new RegExp(source.replace(GROUP_NAME, "(?:"), "g");
}

// `\[?`: one 2022 paste lost the opening bracket (pytorch_pr88480, §3).
const BRACKET = compile(
  String.raw`${RANK}\[?(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2}) ${CLOCK},(?<msec>\d{3})\]${TRACE_ID} ` +
    String.raw`(?<logger>torch(?:\.\w+)*?)(?:\.__(?<artifact>\w+))?: \[(?<level>${LEVEL_NAME_SOURCE})\]${MESSAGE}`,
  "s",
);

// No timestamp, so anchored (sticky, matched where the wrapper ends): unanchored, any prose quoting
// "torchdynamo: [INFO]" would match.
const TORCHDYNAMO = compile(
  String.raw`(?<logger>(?:[Tt]orchdynamo|torchinductor)(?:\.\w+)*): \[(?<level>DEBUG|INFO|WARNING|ERROR|CRITICAL)\]${MESSAGE}`,
  "sy",
);

/**
 * Classifies one physical line (without its line terminator) as a torch._logging line in any format, or
 * anything else as an {@link OtherLine}. The header that starts first in the line wins, so a record whose
 * message quotes another log line is not mistaken for that line; at the same position the formats are
 * tried in the order of pytorch-log-format.md §7 (glog, transitional, bracket, torchdynamo).
 */
export function parsePytorchLine(line: string, levels: CustomLevels = DEFAULT_CUSTOM_LEVELS): ParsedLine {
  return matchGlogHeader(line) ?? parseByPatterns(line, levels);
}

/**
 * {@link parsePytorchLine} by the patterns alone, without match-glog-header.ts's reading of the common
 * shapes by hand: the definition that reading is tested against.
 */
export function parseByPatterns(line: string, levels: CustomLevels = DEFAULT_CUSTOM_LEVELS): ParsedLine {
  // A pattern is tried only when the line holds the literal shape it cannot match without (a clock, a
  // logger name): most lines of a real log are plain output, and each unanchored pattern would scan it.
  let best: TorchLogLine | undefined;
  const clocks = clocksIn(line);
  if ((clocks & DOT_CLOCK) !== 0) {
    const found = matchGlog(line, levels);
    // Nothing but wrapper tokens before it: no other header can start earlier.
    if (found !== undefined && found.glued === "") return found;
    best = found;
  }
  if ((clocks & COMMA_CLOCK) !== 0) {
    const found = matchBracket(line);
    if (found !== undefined && found.glued === "") return found;
    if (found !== undefined && (best === undefined || headerStart(found) < headerStart(best))) best = found;
  }
  // Both torchdynamo logger names contain "orch". Its header starts right after the wrapper with nothing
  // glued, so no other header can start earlier.
  let start = -1;
  if (line.includes("orch")) {
    start = wrapperLength(line);
    const found = matchTorchdynamo(line, start);
    if (found !== undefined) return found;
  }
  return best ?? classifyOther(line, start === -1 ? wrapperLength(line) : start);
}

function headerStart(line: TorchLogLine): number {
  return line.wrapper.length + line.glued.length;
}

const COLON = 0x3a;
const DOT = 0x2e;
const COMMA = 0x2c;

function isDigitAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0x30 && code <= 0x39;
}

/** A clock `\d\d:\d\d:\d\d.`: in every glog-style header. */
const DOT_CLOCK = 1;
/** A clock `\d\d:\d\d:\d\d,`: in every bracket header. */
const COMMA_CLOCK = 2;

/**
 * Which of the two clocks `line` holds, as DOT_CLOCK | COMMA_CLOCK. One pass over the line's colons,
 * which stops once it has seen both; in a header line the first clock is near the start.
 */
function clocksIn(line: string): number {
  let clocks = 0;
  for (let colon = line.indexOf(":", 2); colon !== -1 && colon + 6 < line.length; ) {
    if (
      line.charCodeAt(colon + 3) === COLON &&
      isDigitAt(line, colon - 2) &&
      isDigitAt(line, colon - 1) &&
      isDigitAt(line, colon + 1) &&
      isDigitAt(line, colon + 2) &&
      isDigitAt(line, colon + 4) &&
      isDigitAt(line, colon + 5)
    ) {
      const separator = line.charCodeAt(colon + 6);
      if (separator === DOT) clocks |= DOT_CLOCK;
      else if (separator === COMMA) clocks |= COMMA_CLOCK;
      if (clocks === (DOT_CLOCK | COMMA_CLOCK)) return clocks;
    }
    colon = line.indexOf(":", colon + 1);
  }
  return clocks;
}

/** A {@link TorchLogLine} being built: fields are added in the order records list them, absent ones never. */
type Draft = { -readonly [K in keyof TorchLogLine]?: TorchLogLine[K] };

/**
 * The fields every format starts with: the text before the header split into wrapper and glued text, the
 * grouping prefix (wrapper + the header up to the separator space before the message), and the level.
 */
function startLine(
  line: string,
  m: RegExpExecArray,
  message: string | undefined,
  format: PytorchLogFormat,
  level: LogLevel,
): Draft {
  const wrapper = m.index === 0 ? "" : line.slice(0, wrapperLength(line.slice(0, m.index)));
  const headerEnd = m.index + m[0].length - (message === undefined ? 0 : message.length + 1);
  const glued = wrapper.length === m.index ? "" : line.slice(wrapper.length, m.index);
  return {
    kind: "torch",
    format,
    line,
    wrapper,
    glued,
    // Without glued text the wrapper and the header are adjacent: one slice instead of a concatenation.
    prefix: glued === "" ? line.slice(0, headerEnd) : wrapper + line.slice(m.index, headerEnd),
    levelno: level.levelno,
    levelName: level.levelName,
  };
}

/** Adds the fields every format parses the same way, which come last. */
function finishLine(draft: Draft, m: RegExpExecArray, at: Pattern["at"]): TorchLogLine {
  const rankId = m[at.rankId];
  if (rankId !== undefined) draft.rank = Number(rankId);
  const traceId = m[at.traceId];
  const compileId = traceId === undefined ? undefined : parseCompileId(traceId);
  if (compileId !== undefined) draft.compileId = compileId;
  const artifact = m[at.artifact];
  if (artifact !== undefined) draft.artifact = artifact;
  draft.message = m[at.message] ?? "";
  // Every required field is set: startLine sets the others.
  return draft as TorchLogLine;
}

function matchGlog(line: string, levels: CustomLevels): TorchLogLine | undefined {
  return (
    matchGlogPattern(line, GLOG, "glog", levels) ??
    matchGlogPattern(line, GLOG_TRANSITIONAL, "glog-transitional", levels)
  );
}

function matchGlogPattern(
  line: string,
  { regex, at, head, pathEnd }: GlogPattern,
  format: "glog" | "glog-transitional",
  levels: CustomLevels,
): TorchLogLine | undefined {
  const m = execAtFirstGlogHeader(line, head, regex, pathEnd);
  if (m === null) return undefined;
  const level = parseLogLevel(m[at.level] ?? "", levels);
  const time = buildTime(m, at, undefined, Number(m[at.usec]), "microsecond");
  if (level === undefined || time === undefined) return undefined;
  const path = m[at.path] ?? "";
  const scope = cachedScopeFromPath(path);
  const tag = m[at.artifact];
  const tagIsText = tag !== undefined && !isArtifactTag(tag, scope);
  const printed = m[at.message];
  const message = tagIsText ? (printed === undefined ? `[__${tag}]` : `[__${tag}] ${printed}`) : printed;
  const draft = startLine(line, m, message, format, level);
  draft.time = time;
  const id = m[at.id] ?? "";
  draft.id = id;
  const n = Number(id);
  if (n <= MAX_PID) draft.processId = n;
  else if (Number.isSafeInteger(n)) draft.threadId = n;
  draft.path = path;
  draft.lineno = Number(m[at.lineno]);
  if (scope !== undefined) draft.scope = scope;
  const done = finishLine(draft, m, at);
  if (!tagIsText) return done;
  const { artifact: _text, ...rest } = done;
  return { ...rest, message: message ?? "" };
}

function matchBracket(line: string): TorchLogLine | undefined {
  const { regex, at } = BRACKET;
  const m = regex.exec(line);
  if (m === null) return undefined;
  const level = parseLogLevel(m[at.level] ?? "");
  const time = buildTime(m, at, Number(m[at.year]), Number(m[at.msec]) * 1000, "millisecond");
  if (level === undefined || time === undefined) return undefined;
  const draft = startLine(line, m, m[at.message], "bracket", level);
  draft.time = time;
  const logger = m[at.logger];
  if (logger !== undefined) {
    draft.loggerName = logger;
    draft.scope = logger;
  }
  return finishLine(draft, m, at);
}

/** The torchdynamo header at `start` (the end of the wrapper), if it is one. */
function matchTorchdynamo(line: string, start: number): TorchLogLine | undefined {
  const { regex, at } = TORCHDYNAMO;
  regex.lastIndex = start;
  const m = regex.exec(line);
  if (m === null) return undefined;
  const level = parseLogLevel(m[at.level] ?? "");
  if (level === undefined) return undefined;
  const message = m[at.message];
  const draft: Draft = {
    kind: "torch",
    format: "torchdynamo",
    line,
    wrapper: line.slice(0, start),
    glued: "",
    // The pattern runs to the end of the line.
    prefix: line.slice(0, message === undefined ? line.length : line.length - (message.length + 1)),
    levelno: level.levelno,
    levelName: level.levelName,
  };
  const logger = m[at.logger];
  if (logger !== undefined) {
    draft.loggerName = logger;
    draft.scope = logger;
  }
  draft.message = message ?? "";
  return draft as TorchLogLine;
}

function buildTime(
  m: RegExpExecArray,
  at: Pattern["at"],
  year: number | undefined,
  microsecond: number,
  precision: PytorchLogTime["precision"],
): PytorchLogTime | undefined {
  const month = Number(m[at.month]);
  const day = Number(m[at.day]);
  const hour = Number(m[at.hour]);
  const minute = Number(m[at.minute]);
  const second = Number(m[at.second]);
  if (!isValidClock(month, day, hour, minute, second)) return undefined;
  return year === undefined
    ? { month, day, hour, minute, second, microsecond, precision }
    : { year, month, day, hour, minute, second, microsecond, precision };
}
