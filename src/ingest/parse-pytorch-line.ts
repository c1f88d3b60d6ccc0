// Classifies one physical line of PyTorch console output: a torch._logging line in one of the formats of
// pytorch-log-format.md (§1 glog-style, §1.5 transitional, §2/§3 bracket, §4 torchdynamo), or anything else.
// Pure and stateless; grouping lines into records is PytorchLogParser's job.

import { omitUndefined } from "./omit-undefined.ts";
import { COMPILE_ID_SOURCE, type CompileId, parseCompileId } from "./parse-compile-id.ts";
import { GLOG_LEVEL_SOURCE, LEVEL_NAME_SOURCE, type LogLevel, parseLogLevel } from "./parse-log-level.ts";
import { scopeFromPath } from "./scope-from-path.ts";

/**
 * Which formatter wrote the line.
 * - `glog`: the current format, `[rankN]:W0318 11:31:05.468129 78640 path:line] [0/0] [__artifact] msg`.
 * - `glog-transitional`: Feb 2024 nightlies, no `]` after `path:line` and no artifact marker.
 * - `bracket`: `[2024-01-16 22:29:36,221] [0/0] torch._dynamo.x.__artifact: [DEBUG] msg` (2.1–2.2), which
 *   without a trace id is indistinguishable line by line from PyTorch 2.0's `[asctime] name: [LEVEL] msg`.
 * - `torchdynamo`: the 2022 standalone package, `torchdynamo.symbolic_convert: [WARNING] msg`, no time.
 */
export type PytorchLogFormat = "glog" | "glog-transitional" | "bracket" | "torchdynamo";

/**
 * The wall-clock time printed on a line: the producer's local time, zone unknown. The glog formats print
 * no year either (`formatTime(record, "%m%d %H:%M:%S")`); see resolveLogTime for turning this into an
 * instant.
 */
export interface PytorchLogTime {
  /** Only the bracket format prints a year. */
  readonly year?: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Sub-second part in microseconds; the bracket format prints milliseconds, so it ends in `000` there. */
  readonly microsecond: number;
  readonly precision: "microsecond" | "millisecond";
}

/** A line that starts (or continues) a torch._logging record. */
export interface TorchLogLine extends LogLevel {
  readonly kind: "torch";
  readonly format: PytorchLogFormat;
  /** The line as given. */
  readonly line: string;
  /**
   * Stream prefixes added by whatever multiplexed the output, peeled off the start of the line:
   * `(VllmWorker rank=2 pid=295) `, torchrun's `[rank1]: ` (with a space), `[node-0]: `, indentation.
   * Every line of that stream carries it, so it is part of {@link prefix}. `""` when there is none.
   */
  readonly wrapper: string;
  /**
   * Other output glued in front of the header without a newline (a tqdm bar, a `^C` echo, a unittest
   * dot). Not part of {@link prefix}: only the first line of a record can carry it. `""` when none.
   */
  readonly glued: string;
  /**
   * `wrapper` + the formatter's prefix, without the separator space before the message. In the glog and
   * bracket formats every line of a multi-line message repeats it byte for byte.
   */
  readonly prefix: string;
  /** Absent only for the `torchdynamo` format, which printed no time. */
  readonly time?: PytorchLogTime;
  /** The glog formats' third field as printed: a process id (2.5+) or a thread id (2.3/2.4). */
  readonly id?: string;
  /** `id` when it fits a process id (≤ 2^32 − 1). */
  readonly processId?: number;
  /** `id` when it is too large for a pid: `threading.get_ident()` values are pointer-sized (15 digits). */
  readonly threadId?: number;
  /** Source path as printed (glog formats). */
  readonly path?: string;
  readonly lineno?: number;
  /** Logger name as printed (bracket and torchdynamo formats), without the `.__artifact` suffix. */
  readonly loggerName?: string;
  /**
   * The module/logger name the record belongs to: `scopeFromPath(path)` for the glog formats, the logger
   * name for the others. Absent when the path is not a torch module file (e.g. `<string>`).
   */
  readonly scope?: string;
  /** From torch's own `[rankN]:` prefix (no space after the colon). */
  readonly rank?: number;
  readonly compileId?: CompileId;
  /** Artifact name without the `__`: `graph_breaks` from ` [__graph_breaks]` or `.__graph_breaks`. */
  readonly artifact?: string;
  /** The message line after the single separator space, exactly as printed (trailing spaces kept). */
  readonly message: string;
}

/**
 * A line no torch._logging formatter wrote. `lookalike` marks lines shaped like another logger's header,
 * which the parser never folds into a torch record: `c10` for PyTorch's C++ logging
 * (`[W204 16:40:13.733434151 RegisterXPU.cpp:7614] …`), `log` for other loggers (vLLM, etcd, glog from
 * C++, timestamp-first formats).
 */
export interface OtherLine {
  readonly kind: "other";
  readonly line: string;
  readonly lookalike?: "c10" | "log";
}

export type ParsedLine = TorchLogLine | OtherLine;

const RANK = String.raw`(?<rank>\[rank(?<rankId>\d+)\]:)?`;
const CLOCK = String.raw`(?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2})`;
const MONTH_DAY = String.raw`(?<month>\d{2})(?<day>\d{2})`;
const TRACE_ID = String.raw`(?: \[(?<traceId>${COMPILE_ID_SOURCE})\])?`;
// "Exactly one space separates prefix and message", but editors strip it from empty message lines
// (pytorch-log-format.md §1.3), so the separator is optional at the end of a line.
const MESSAGE = "(?: (?<message>.*))?$";

// All patterns are unanchored: a header may sit after a wrapper or glued text (§5.1, §5.2). The `s` flag
// lets `.` match `\r` and U+2028 inside a message, which would otherwise make a real line fail to match.
const GLOG = new RegExp(
  String.raw`${RANK}(?<level>${GLOG_LEVEL_SOURCE})${MONTH_DAY} ${CLOCK}\.(?<usec>\d{6}) (?<id>\d+) ` +
    // The path may contain spaces and `\` (Windows), so match it lazily up to the first `:N]`. PATH_MAX
    // (4096) bounds it, which also bounds the rescans when a long line holds many header-like starts.
    String.raw`(?<path>.{1,4096}?):(?<lineno>\d+)\]${TRACE_ID}(?: \[__(?<artifact>[A-Za-z0-9_]+)\])?${MESSAGE}`,
  "s",
);

const GLOG_TRANSITIONAL = new RegExp(
  String.raw`${RANK}(?<level>[VIWEC])${MONTH_DAY} ${CLOCK}\.(?<usec>\d{6}) (?<id>\d+) ` +
    String.raw`(?<path>\S{1,4096}):(?<lineno>\d+)${TRACE_ID}${MESSAGE}`,
  "s",
);

// `\[?`: one 2022 paste lost the opening bracket (pytorch_pr88480, §3).
const BRACKET = new RegExp(
  String.raw`${RANK}\[?(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2}) ${CLOCK},(?<msec>\d{3})\]${TRACE_ID} ` +
    String.raw`(?<logger>torch(?:\.\w+)*?)(?:\.__(?<artifact>\w+))?: \[(?<level>${LEVEL_NAME_SOURCE})\]${MESSAGE}`,
  "s",
);

// No timestamp, so anchored (after the wrapper): unanchored, any prose quoting "torchdynamo: [INFO]" would match.
const TORCHDYNAMO = new RegExp(
  String.raw`^(?<logger>(?:[Tt]orchdynamo|torchinductor)(?:\.\w+)*): \[(?<level>DEBUG|INFO|WARNING|ERROR|CRITICAL)\]${MESSAGE}`,
  "s",
);

// Stream prefixes seen in front of torch lines (§5.1): vLLM/Ray `(Name key=value ...) `, torchrun's
// `[rank1]: ` and `[default0]:`, Kubeflow's `[node-0]: `, markdown indentation. Torch's own `[rankN]:`
// is matched by the header patterns first, so it never reaches this. Sticky: matched at an index.
const WRAPPER_TOKEN =
  /(?:\((?:[A-Za-z_][\w.-]*)?(?:,? ?[A-Za-z_]\w*=[^\s(),]+)+\) |\[[A-Za-z][\w.-]*\]: ?|[ \t]+)/y;

const C10 = /^(?:\[rank\d+\]:)?\[[IWEF]\d{3,4} \d{2}:\d{2}:\d{2}\.\d{9} [^:\]]+:\d+\]/;
const LOG_LOOKALIKE = new RegExp(
  [
    String.raw`^\[?(?:DEBUG|INFO|WARN(?:ING)?|ERROR|CRITICAL|FATAL)\]?[\s:]`, // vLLM, etcd, basicConfig
    String.raw`^\[?\d{4}[-/:.]\d{2}[-/:.]\d{2}[ T:_-]\d{2}`, // timestamp first: torchtitan, oneCCL
    String.raw`^[IWEF]\d{4,8} \d{2}:\d{2}:\d{2}\.\d+ `, // C++ glog
  ].join("|"),
);

/**
 * Classifies one physical line (without its line terminator) as a torch._logging line in any format, or
 * anything else as an {@link OtherLine}. The header that starts first in the line wins, so a record whose
 * message quotes another log line is not mistaken for that line; at the same position the formats are
 * tried in the order of pytorch-log-format.md §7 (glog, transitional, bracket, torchdynamo).
 */
export function parsePytorchLine(line: string): ParsedLine {
  let best: TorchLogLine | undefined;
  for (const match of [matchGlog, matchBracket, matchTorchdynamo]) {
    const found = match(line);
    if (found === undefined) continue;
    // Nothing but wrapper tokens before it: no other header can start earlier.
    if (found.glued === "") return found;
    if (best === undefined || headerStart(found) < headerStart(best)) best = found;
  }
  return best ?? classifyOther(line);
}

function headerStart(line: TorchLogLine): number {
  return line.wrapper.length + line.glued.length;
}

/** Length of the stream prefixes (see {@link TorchLogLine.wrapper}) at the start of `text`. */
function wrapperLength(text: string): number {
  let end = 0;
  for (;;) {
    // lastIndex is set before every use, so the shared sticky regex carries no state between calls;
    // matching at an index instead of slicing keeps a long line to one pass.
    WRAPPER_TOKEN.lastIndex = end;
    const m = WRAPPER_TOKEN.exec(text);
    if (m === null || m[0].length === 0) return end;
    end += m[0].length;
  }
}

interface Located {
  readonly wrapper: string;
  readonly glued: string;
  readonly prefix: string;
}

/** Splits the text before the header into wrapper and glued text, and builds the grouping prefix. */
function locate(line: string, m: RegExpExecArray): Located {
  const before = line.slice(0, m.index);
  const wrapper = before.slice(0, wrapperLength(before));
  const message = m.groups?.message;
  const headerEnd = m.index + m[0].length - (message === undefined ? 0 : message.length + 1);
  return {
    wrapper,
    glued: before.slice(wrapper.length),
    prefix: wrapper + line.slice(m.index, headerEnd),
  };
}

function matchGlog(line: string): TorchLogLine | undefined {
  for (const [pattern, format] of [
    [GLOG, "glog"],
    [GLOG_TRANSITIONAL, "glog-transitional"],
  ] as const) {
    const m = pattern.exec(line);
    const g = m?.groups;
    if (m === null || g === undefined) continue;
    const level = parseLogLevel(g.level ?? "");
    const time = buildTime(g, undefined, Number(g.usec), "microsecond");
    if (level === undefined || time === undefined) continue;
    const id = g.id ?? "";
    const path = g.path ?? "";
    return omitUndefined<TorchLogLine>({
      kind: "torch",
      format,
      line,
      ...locate(line, m),
      ...level,
      time,
      id,
      ...splitId(id),
      path,
      lineno: Number(g.lineno),
      scope: scopeFromPath(path),
      ...common(g),
    });
  }
  return undefined;
}

function matchBracket(line: string): TorchLogLine | undefined {
  const m = BRACKET.exec(line);
  const g = m?.groups;
  if (m === null || g === undefined) return undefined;
  const level = parseLogLevel(g.level ?? "");
  const time = buildTime(g, Number(g.year), Number(g.msec) * 1000, "millisecond");
  if (level === undefined || time === undefined) return undefined;
  return omitUndefined<TorchLogLine>({
    kind: "torch",
    format: "bracket",
    line,
    ...locate(line, m),
    ...level,
    time,
    loggerName: g.logger,
    scope: g.logger,
    ...common(g),
  });
}

function matchTorchdynamo(line: string): TorchLogLine | undefined {
  const start = wrapperLength(line);
  const m = TORCHDYNAMO.exec(line.slice(start));
  const g = m?.groups;
  if (m === null || g === undefined) return undefined;
  const level = parseLogLevel(g.level ?? "");
  if (level === undefined) return undefined;
  const message = g.message;
  const wrapper = line.slice(0, start);
  return omitUndefined<TorchLogLine>({
    kind: "torch",
    format: "torchdynamo",
    line,
    wrapper,
    glued: "",
    prefix: wrapper + (message === undefined ? m[0] : m[0].slice(0, -(message.length + 1))),
    ...level,
    loggerName: g.logger,
    scope: g.logger,
    message: message ?? "",
  });
}

/** Fields every format parses the same way. */
function common(g: Record<string, string | undefined>) {
  return {
    rank: g.rankId === undefined ? undefined : Number(g.rankId),
    compileId: g.traceId === undefined ? undefined : parseCompileId(g.traceId),
    artifact: g.artifact,
    message: g.message ?? "",
  };
}

/** A range check keeps e.g. `W1399 …` or a version string from passing as a header. */
function buildTime(
  g: Record<string, string | undefined>,
  year: number | undefined,
  microsecond: number,
  precision: PytorchLogTime["precision"],
): PytorchLogTime | undefined {
  const time = omitUndefined({
    year,
    month: Number(g.month),
    day: Number(g.day),
    hour: Number(g.hour),
    minute: Number(g.minute),
    second: Number(g.second),
    microsecond,
    precision,
  });
  const valid =
    time.month >= 1 &&
    time.month <= 12 &&
    time.day >= 1 &&
    time.day <= 31 &&
    time.hour <= 23 &&
    time.minute <= 59 &&
    time.second <= 60;
  return valid ? time : undefined;
}

// Linux and macOS pids stay far below 2^32; `threading.get_ident()` is a pthread_t pointer (~1.4e14). On
// Windows both are small, so a 2.3/2.4 Windows thread id is reported as a pid: the shape cannot tell.
const MAX_PID = 0xffff_ffff;

function splitId(id: string): { processId?: number; threadId?: number } {
  const n = Number(id);
  if (n <= MAX_PID) return { processId: n };
  return Number.isSafeInteger(n) ? { threadId: n } : {};
}

function classifyOther(line: string): OtherLine {
  const content = line.slice(wrapperLength(line));
  if (C10.test(content)) return { kind: "other", line, lookalike: "c10" };
  if (LOG_LOOKALIKE.test(content)) return { kind: "other", line, lookalike: "log" };
  return { kind: "other", line };
}
