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

/**
 * Regex source for the level tokens {@link parseLogLevel} accepts in a glog-style line: the letters, and any
 * other level name in full, glued to the date (`NOTICE0102 …`, `Level 150102 …`). Custom names are taken in
 * capitals and at least three characters long, so that glued text such as `^C` before `W0102` stays glued.
 */
export const GLOG_LEVEL_SOURCE = String.raw`[VIWEC]|NOTSET|Level \d+?|[A-Z][A-Z_]{2,31}?`;

/** Regex source for the level names {@link parseLogLevel} accepts inside `[…]` in the older formats. */
export const LEVEL_NAME_SOURCE = String.raw`DEBUG|INFO|WARNING|ERROR|CRITICAL|NOTSET|Level \d+`;

/** Level numbers of custom level names: `logging.addLevelName(25, "NOTICE")`. */
export type CustomLevels = ReadonlyMap<string, number>;

/** The custom names `ingest` knows without `--level NAME=NUM`. */
export const DEFAULT_CUSTOM_LEVELS: CustomLevels = new Map([["NOTICE", 25]]);

// A custom name nobody gave a number for gets the Python level of the band its name says; any other name
// counts as INFO, the level a filter is least likely to drop wrongly and least likely to overstate.
const BANDS: readonly (readonly [RegExp, number])[] = [
  [/^(?:TRACE|SPAM|FINE|FINER|FINEST)/, 5],
  [/^(?:VERBOSE|DETAIL)/, 15],
  [/^(?:NOTICE|SUCCESS)/, 25],
  [/^WARN/, 30],
  [/^(?:ERR|FAIL)/, 40],
  [/^(?:FATAL|ALERT|EMERG|CRIT|SEVERE)/, 50],
];

/**
 * Parses a glog letter, a Python level name, `Level N` or a custom level name (numbered from `custom`, else
 * by band); `undefined` for a token that is none of these.
 */
export function parseLogLevel(
  token: string,
  custom: CustomLevels = DEFAULT_CUSTOM_LEVELS,
): LogLevel | undefined {
  const known = BY_TOKEN.get(token);
  if (known !== undefined) return known;
  const unnamed = UNNAMED.exec(token);
  if (unnamed?.[1] !== undefined) return { levelno: Number(unnamed[1]), levelName: token };
  // A name given a number is a level whatever its shape (`--level Notice=25` under a custom format).
  const given = custom.get(token);
  if (given !== undefined) return { levelno: given, levelName: token };
  if (!CUSTOM_NAME.test(token)) return undefined;
  const levelno = BANDS.find(([band]) => band.test(token))?.[1] ?? 20;
  return { levelno, levelName: token };
}

const CUSTOM_NAME = /^[A-Z][A-Z_]{2,31}$/;
