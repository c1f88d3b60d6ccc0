/**
 * Stable error kinds. Tests and callers branch on `kind`, never on prose.
 * - `invalid-settings`: TORCH_LOGS does not parse or names something unknown (PyTorch's ValueError).
 * - `help`: TORCH_LOGS is `help` or `+help`; `message` is the help text.
 * - `module-not-found`: the module resolver refused a dotted name (PyTorch's ModuleNotFoundError/ImportError).
 * - `invalid-level`: `setLogs` got a level Python's logging does not know.
 * - `invalid-artifact-value`: `setLogs` got a non-boolean for an artifact.
 * - `unknown-name`: `setLogs({ modules })` names no alias, artifact or module.
 * - `unknown-option`: `setLogs` got a keyword it does not have (PyTorch's TypeError).
 * - `registration`: a registry definition is invalid (duplicate, unspellable name).
 * - `invalid-output`: an output cannot be used (TORCH_LOGS_OUT names a file that cannot be opened).
 * - `invalid-ranks`: a rank list (`ranks`, `--ranks`) does not parse.
 */
export type TorchLogsErrorKind =
  | "invalid-settings"
  | "help"
  | "module-not-found"
  | "invalid-level"
  | "invalid-artifact-value"
  | "unknown-name"
  | "unknown-option"
  | "registration"
  | "invalid-output"
  | "invalid-ranks";

export interface TorchLogsErrorDetails {
  /** The offending item as written (for `invalid-settings`, `unknown-name`, …). */
  readonly item?: string;
  /** 1-based position of the item in the comma-separated list. */
  readonly itemIndex?: number;
  /** 0-based character offset of the problem in the original value. */
  readonly offset?: number;
  /** Nearest valid names, best first. */
  readonly suggestions?: readonly string[];
  /**
   * The message PyTorch 2.14.1 gives for the same input, byte for byte (when there is one). `message` adds
   * the item, position and suggestions in front of it.
   */
  readonly pytorchMessage?: string;
}

import { escapeControlCharacters } from "./escape-control-characters.ts";

// This library's folder (src/ or dist/): stack frames in it are how a setting was checked, not where it came
// from.
const LIBRARY_ROOT = new URL("../", import.meta.url).href;
const MAX_CALLER_FRAMES = 3;

/**
 * The one error type this library throws for configuration problems. Its `message` is printed to terminals,
 * and it quotes values from the environment and callers: every control character in it except line breaks
 * and tabs is escaped (`\x1b`), so a bad value cannot drive the terminal. `item` and `pytorchMessage` keep the
 * raw text. An uncaught TorchLogsError prints short: its details are non-enumerable own properties, so the
 * message (which already holds PyTorch's text) shows once and not again in a dump of every field, and its
 * stack names the caller's frames, not this library's.
 */
export class TorchLogsError extends Error {
  declare readonly name: "TorchLogsError";
  declare readonly kind: TorchLogsErrorKind;
  declare readonly item: string | undefined;
  declare readonly itemIndex: number | undefined;
  declare readonly offset: number | undefined;
  declare readonly suggestions: readonly string[];
  declare readonly pytorchMessage: string | undefined;

  constructor(kind: TorchLogsErrorKind, message: string, details: TorchLogsErrorDetails = {}) {
    const safe = escapeControlCharacters(message, { keepNewlines: true });
    super(safe);
    const fields = {
      name: "TorchLogsError",
      kind,
      item: details.item,
      itemIndex: details.itemIndex,
      offset: details.offset,
      suggestions: details.suggestions ?? [],
      pytorchMessage: details.pytorchMessage,
    };
    for (const [key, value] of Object.entries(fields)) {
      Object.defineProperty(this, key, { value, enumerable: false, writable: false, configurable: true });
    }
    this.stack = callerStack(`${this.name}: ${safe.replace(/\n{2,}/g, "\n").trimEnd()}`, this.stack);
  }
}

/** `header` and the first frames outside this library and Node's internals (any frames if there are none). */
function callerStack(header: string, stack: string | undefined): string {
  const frames = (stack ?? "").split("\n").filter((line) => line.startsWith("    at "));
  const callers = frames.filter((frame) => !frame.includes(LIBRARY_ROOT) && !/[( ]node:/.test(frame));
  return [header, ...(callers.length > 0 ? callers : frames).slice(0, MAX_CALLER_FRAMES)].join("\n");
}

export function isTorchLogsError(value: unknown): value is TorchLogsError {
  return value instanceof TorchLogsError;
}
