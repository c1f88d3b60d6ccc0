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
  | "invalid-output";

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

/**
 * The one error type this library throws for configuration problems. Its `message` is printed to terminals,
 * and it quotes values from the environment and callers: every control character in it except line breaks
 * and tabs is escaped (`\x1b`), so a bad value cannot drive the terminal. `item` and `pytorchMessage` keep the
 * raw text.
 */
export class TorchLogsError extends Error {
  override readonly name = "TorchLogsError";
  readonly kind: TorchLogsErrorKind;
  readonly item: string | undefined;
  readonly itemIndex: number | undefined;
  readonly offset: number | undefined;
  readonly suggestions: readonly string[];
  readonly pytorchMessage: string | undefined;

  constructor(kind: TorchLogsErrorKind, message: string, details: TorchLogsErrorDetails = {}) {
    super(escapeControlCharacters(message, { keepNewlines: true }));
    this.kind = kind;
    this.item = details.item;
    this.itemIndex = details.itemIndex;
    this.offset = details.offset;
    this.suggestions = details.suggestions ?? [];
    this.pytorchMessage = details.pytorchMessage;
  }
}

export function isTorchLogsError(value: unknown): value is TorchLogsError {
  return value instanceof TorchLogsError;
}
