// Python `logging` level numbers: the unit TORCH_LOGS and `set_logs` speak.

/** Python `logging` levels. TORCH_LOGS `+x` is DEBUG, bare `x` INFO, `-x` ERROR; the default is WARNING. */
export const PythonLevel = {
  NOTSET: 0,
  DEBUG: 10,
  INFO: 20,
  WARNING: 30,
  ERROR: 40,
  CRITICAL: 50,
} as const;

export type PythonLevelName = keyof typeof PythonLevel;

/** The level every logger has when nothing was set: PyTorch's `torch` logger and Python's root are WARNING. */
export const DEFAULT_LEVEL: number = PythonLevel.WARNING;

/** The levels `set_logs` accepts (`logging._levelToName`), in the order its error message lists them. */
export const VALID_SET_LOGS_LEVELS: readonly number[] = [50, 40, 30, 20, 10, 0];

const NAMES: ReadonlyMap<number, PythonLevelName> = new Map(
  Object.entries(PythonLevel).map(([name, value]) => [value, name as PythonLevelName]),
);

/** `logging.getLevelName(n)`: `"DEBUG"` for 10, `"Level 15"` for a number without a name. */
export function formatPythonLevel(level: number): string {
  return NAMES.get(level) ?? `Level ${level}`;
}

/** The level number for a name such as `"DEBUG"` or `"WARN"`, or `undefined`. Case-insensitive. */
export function parsePythonLevelName(name: string): number | undefined {
  const upper = name.toUpperCase();
  if (upper === "WARN") return PythonLevel.WARNING;
  if (upper === "FATAL") return PythonLevel.CRITICAL;
  return Object.hasOwn(PythonLevel, upper) ? PythonLevel[upper as PythonLevelName] : undefined;
}
