// The level token of a torch._logging line: a glog letter (current format) or a Python level name
// (bracket and older formats).

/** A record's level in Python `logging` terms. */
export interface LogLevel {
  /** Python `levelno`: 10 DEBUG, 20 INFO, 30 WARNING, 40 ERROR, 50 CRITICAL. */
  readonly levelno: number;
  /** Python `levelname`: `"DEBUG"`, …, or `"Level 15"` for a level without a name. */
  readonly levelName: string;
}

// TorchLogsFormatter maps DEBUG→V, INFO→I, WARNING→W, ERROR→E, CRITICAL→C and prints any other level
// name in full (torch-logs-semantics.md §7), which for an unnamed level is `logging`'s `Level N`.
const BY_TOKEN: ReadonlyMap<string, LogLevel> = new Map([
  ["V", { levelno: 10, levelName: "DEBUG" }],
  ["I", { levelno: 20, levelName: "INFO" }],
  ["W", { levelno: 30, levelName: "WARNING" }],
  ["E", { levelno: 40, levelName: "ERROR" }],
  ["C", { levelno: 50, levelName: "CRITICAL" }],
  ["NOTSET", { levelno: 0, levelName: "NOTSET" }],
  ["DEBUG", { levelno: 10, levelName: "DEBUG" }],
  ["INFO", { levelno: 20, levelName: "INFO" }],
  ["WARNING", { levelno: 30, levelName: "WARNING" }],
  ["ERROR", { levelno: 40, levelName: "ERROR" }],
  ["CRITICAL", { levelno: 50, levelName: "CRITICAL" }],
]);

const UNNAMED = /^Level (\d+)$/;

/** Regex source for the level tokens {@link parseLogLevel} accepts in a glog-style line. */
export const GLOG_LEVEL_SOURCE = String.raw`[VIWEC]|NOTSET|Level \d+?`;

/** Regex source for the level names {@link parseLogLevel} accepts inside `[…]` in the older formats. */
export const LEVEL_NAME_SOURCE = String.raw`DEBUG|INFO|WARNING|ERROR|CRITICAL|NOTSET|Level \d+`;

/** Parses a glog letter, a Python level name or `Level N`; `undefined` for anything else. */
export function parseLogLevel(token: string): LogLevel | undefined {
  const known = BY_TOKEN.get(token);
  if (known !== undefined) return known;
  const unnamed = UNNAMED.exec(token);
  return unnamed?.[1] === undefined ? undefined : { levelno: Number(unnamed[1]), levelName: token };
}
