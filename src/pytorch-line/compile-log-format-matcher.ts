// Reading lines PyTorch printed under a custom TORCH_LOGS_FORMAT (`short`, or any `%`-format): the line
// matcher is built from the same `%`-format engine the console exporter formats with, so `ingest` reads
// what `TorchConsoleLogRecordExporter` writes. Python's `logging.Formatter` prefixes only a record's first
// line; the lines after it are unprefixed (the parser keeps them with the record up to the next header).
import type { PercentSpec } from "../console/compile-percent-format.ts";
import { compileTorchLogsFormat } from "../console/parse-torch-logs-format.ts";
import { TorchLogsError } from "../language/torch-logs-error.ts";
import {
  capture,
  charClass,
  compileLinePattern,
  type LinePattern,
  literal,
  optional,
  REST,
  repeat,
  sequence,
} from "./line-pattern.ts";
import { type CustomLevels, parseLogLevel } from "./parse-log-level.ts";
import type { TorchLogLine } from "./pytorch-log-line.ts";

const COLON = 0x3a;
const SLASH = 0x2f;
const BACKSLASH = 0x5c;

/** Matches the first line of a record printed with one `%`-format. */
export interface LogFormatMatcher {
  /** The format in use (`short` and `basic` resolved to `logging.BASIC_FORMAT`). */
  readonly source: string;
  match(line: string, levels: CustomLevels): TorchLogLine | undefined;
}

// What each LogRecord field looks like when printed with `%s` / `%d` / `%f` (logging's default asctime is
// `%Y-%m-%d %H:%M:%S,mmm`), as the regular expressions they stand for.
const isDigit = (code: number) => code >= 0x30 && code <= 0x39;
const isUpper = (code: number) => code >= 0x41 && code <= 0x5a;
const isLevelNameChar = (code: number) => isUpper(code) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
const isAny = () => true;
const digits = repeat(charClass(isDigit), 1);
const digitRun = (count: number) => sequence(...Array.from({ length: count }, () => charClass(isDigit)));
const decimal = sequence(digits, optional(sequence(literal("."), digits)));

const FIELD_PATTERNS: ReadonlyMap<string, LinePattern> = new Map([
  [
    "name",
    repeat(
      charClass((code) => code !== COLON && !isSpace(code)),
      1,
    ),
  ], // [^\s:]+
  // [A-Z][A-Za-z_]*(?: \d+)?
  [
    "levelname",
    sequence(
      charClass(isUpper),
      repeat(charClass(isLevelNameChar), 0),
      optional(sequence(literal(" "), digits)),
    ),
  ],
  ["levelno", digits],
  ["pathname", repeat(charClass(isAny), 1, true)], // .+?
  [
    "filename",
    repeat(
      charClass((code) => code !== SLASH && code !== BACKSLASH),
      1,
      true,
    ),
  ], // [^/\\]+?
  [
    "module",
    repeat(
      charClass((code) => !isSpace(code)),
      1,
      true,
    ),
  ], // \S+?
  [
    "funcName",
    repeat(
      charClass((code) => !isSpace(code)),
      1,
      true,
    ),
  ],
  ["lineno", digits],
  // \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}
  [
    "asctime",
    sequence(
      digitRun(4),
      literal("-"),
      digitRun(2),
      literal("-"),
      digitRun(2),
      literal(" "),
      digitRun(2),
      literal(":"),
      digitRun(2),
      literal(":"),
      digitRun(2),
      literal(","),
      digitRun(3),
    ),
  ],
  ["created", decimal], // \d+(?:\.\d+)?
  ["msecs", decimal],
  ["process", digits],
  ["thread", digits],
]);
/** `.*?`: a field no pattern above describes, and the message when text follows it. */
const ANY_TEXT = repeat(charClass(isAny), 0, true);
const SPACES = repeat(literal(" "), 0);

const ARTIFACT_SUFFIX = /\.__(\w+)$/;
const ASCTIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d{3})$/;

/**
 * Compiles a TORCH_LOGS_FORMAT value (`short`, `basic`, or a `%`-format) into a line matcher. Throws the
 * TorchLogsError of parseTorchLogsFormat for a format Python would reject, and one for a format whose lines
 * cannot be told from other output (nothing but `%(message)s`).
 */
export function compileLogFormatMatcher(value: string): LogFormatMatcher {
  const compiled = compileTorchLogsFormat(value);
  const keys: string[] = [];
  const parts: LinePattern[] = [];
  let messageLast = false;
  compiled.segments.forEach((segment, index) => {
    if (typeof segment === "string") {
      parts.push(literal(segment));
      return;
    }
    const isLast = index === compiled.segments.length - 1;
    // The message runs to the end of the line when it is last (`(.*)$`), else as little as lets the rest match.
    const body =
      segment.key === "message" ? (isLast ? REST : ANY_TEXT) : (FIELD_PATTERNS.get(segment.key) ?? ANY_TEXT);
    // A field printed twice is captured once.
    const group = keys.includes(segment.key) ? body : capture(body);
    if (!keys.includes(segment.key)) keys.push(segment.key);
    parts.push(padded(group, segment));
    if (segment.key === "message" && isLast) messageLast = true;
  });
  if (keys.every((key) => key === "message")) {
    throw new TorchLogsError(
      "invalid-settings",
      `TORCH_LOGS_FORMAT=${JSON.stringify(value)}: a format of nothing but %(message)s prints lines that cannot ` +
        "be told from other output; ingest needs at least one other field, e.g. %(levelname)s",
      { item: value },
    );
  }
  const pattern = compileLinePattern(sequence(...parts));
  const at = (key: string) => keys.indexOf(key);
  const message = at("message");
  return {
    source: compiled.source,
    match(line, levels) {
      const m = pattern.match(line);
      if (m === null) return undefined;
      const levelText = m[at("levelname")];
      const levelno = m[at("levelno")];
      const level =
        levelText !== undefined
          ? parseLogLevel(levelText, levels)
          : levelno !== undefined
            ? { levelno: Number(levelno), levelName: `Level ${levelno}` }
            : { levelno: 0, levelName: "NOTSET" };
      if (level === undefined) return undefined;
      const text = message === -1 ? "" : (m[message] ?? "");
      const draft: { -readonly [K in keyof TorchLogLine]?: TorchLogLine[K] } = {
        kind: "torch",
        format: "custom",
        line,
        wrapper: "",
        glued: "",
        prefix: messageLast ? line.slice(0, line.length - text.length) : line,
        levelno: level.levelno,
        levelName: level.levelName,
      };
      const time = parseAsctime(m[at("asctime")]);
      if (time !== undefined) draft.time = time;
      const process = m[at("process")];
      if (process !== undefined) draft.processId = Number(process);
      const thread = m[at("thread")];
      if (thread !== undefined) draft.threadId = Number(thread);
      const pathname = m[at("pathname")];
      if (pathname !== undefined) draft.path = pathname;
      const lineno = m[at("lineno")];
      if (lineno !== undefined) draft.lineno = Number(lineno);
      const name = m[at("name")];
      if (name !== undefined) {
        // An artifact logger is `<module>.__<artifact>` (torch-logs-semantics.md §6).
        const artifact = ARTIFACT_SUFFIX.exec(name)?.[1];
        const logger = artifact === undefined ? name : name.slice(0, -(artifact.length + 3));
        draft.loggerName = logger;
        draft.scope = logger;
        if (artifact !== undefined) draft.artifact = artifact;
      }
      draft.message = text;
      return draft as TorchLogLine;
    },
  };
}

/** `%(name)-20s` pads on the right, `%(lineno)5d` on the left: the spaces are not part of the value. */
function padded(group: LinePattern, spec: PercentSpec): LinePattern {
  if (spec.width === 0) return group;
  return spec.flags.includes("-") ? sequence(group, SPACES) : sequence(SPACES, group);
}

/** `\s` of a regular expression: the white space and line terminators of ECMAScript. */
function isSpace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

function parseAsctime(text: string | undefined): TorchLogLine["time"] {
  const m = text === undefined ? null : ASCTIME.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second, ms] = m.slice(1).map(Number) as number[];
  return {
    year: year ?? 0,
    month: month ?? 0,
    day: day ?? 0,
    hour: hour ?? 0,
    minute: minute ?? 0,
    second: second ?? 0,
    microsecond: (ms ?? 0) * 1000,
    precision: "millisecond",
  };
}
