// Reading lines PyTorch printed under a custom TORCH_LOGS_FORMAT (`short`, or any `%`-format): the line
// matcher is built from the same `%`-format engine the console exporter formats with, so `ingest` reads
// what `TorchConsoleLogRecordExporter` writes. Python's `logging.Formatter` prefixes only a record's first
// line; the lines after it are unprefixed (the parser keeps them with the record up to the next header).
import type { PercentSpec } from "../console/compile-percent-format.ts";
import { compileTorchLogsFormat } from "../console/parse-torch-logs-format.ts";
import { TorchLogsError } from "../language/torch-logs-error.ts";
import { type CustomLevels, parseLogLevel } from "./parse-log-level.ts";
import type { TorchLogLine } from "./pytorch-log-line.ts";

/** Matches the first line of a record printed with one `%`-format. */
export interface LogFormatMatcher {
  /** The format in use (`short` and `basic` resolved to `logging.BASIC_FORMAT`). */
  readonly source: string;
  match(line: string, levels: CustomLevels): TorchLogLine | undefined;
}

// What each LogRecord field looks like when printed with `%s` / `%d` / `%f` (logging's default asctime is
// `%Y-%m-%d %H:%M:%S,mmm`).
const FIELD_PATTERNS: Readonly<Record<string, string>> = {
  name: String.raw`[^\s:]+`,
  levelname: String.raw`[A-Z][A-Za-z_]*(?: \d+)?`,
  levelno: String.raw`\d+`,
  pathname: ".+?",
  filename: String.raw`[^/\\]+?`,
  module: String.raw`\S+?`,
  funcName: String.raw`\S+?`,
  lineno: String.raw`\d+`,
  asctime: String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}`,
  created: String.raw`\d+(?:\.\d+)?`,
  msecs: String.raw`\d+(?:\.\d+)?`,
  process: String.raw`\d+`,
  thread: String.raw`\d+`,
};

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
  let pattern = "^";
  let messageLast = false;
  compiled.segments.forEach((segment, index) => {
    if (typeof segment === "string") {
      pattern += escapeRegExp(segment);
      return;
    }
    const isLast = index === compiled.segments.length - 1;
    const body = segment.key === "message" ? (isLast ? ".*" : ".*?") : (FIELD_PATTERNS[segment.key] ?? ".*?");
    // A field printed twice is captured once.
    const group = keys.includes(segment.key) ? `(?:${body})` : `(${body})`;
    if (!keys.includes(segment.key)) keys.push(segment.key);
    pattern += padded(group, segment);
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
  const regex = new RegExp(`${pattern}$`, "s");
  const at = (key: string) => keys.indexOf(key) + 1;
  const message = at("message");
  return {
    source: compiled.source,
    match(line, levels) {
      const m = regex.exec(line);
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
      const text = message === 0 ? "" : (m[message] ?? "");
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
function padded(group: string, spec: PercentSpec): string {
  if (spec.width === 0) return group;
  return spec.flags.includes("-") ? `${group} *` : ` *${group}`;
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
