// Which trace each compile of one file belongs to (torch-trace-format.md §6). A compile id (`0/0`, `!0/1/0`)
// names a compile only between two `torch._dynamo.reset()` calls: a reset numbers frames from 0 again, so the
// next compile of the process is `0/0` once more, an unrelated compile. PyTorch writes no envelope for a reset,
// but every frame compile starts with a `dynamo_start` envelope, once per compile id: a `dynamo_start` whose
// compile id has started before can only follow a reset. Compiles are told apart by the number of resets
// before them, which is part of their trace id (after the first reset; a file without one keeps the trace ids
// of hash(file, compile id)).
import { hash } from "node:crypto";

/** The trace of a compile and the span that started it: what a log record of that compile links to. */
export interface CompileTraceContext {
  readonly traceId: string;
  readonly spanId: string;
}

/** Compile ids remembered per file: a process compiles a few thousand frames at most. */
const MAX_COMPILES = 10_000;

export class CompileTraces {
  readonly #fileKey: string;
  #resets = 0;
  /** Compile ids whose `dynamo_start` has been read since the last reset. */
  readonly #started = new Set<string>();
  /** The first group of each compile, by resets and compile id. */
  readonly #compiles = new Map<string, CompileTraceContext>();

  constructor(fileKey: string) {
    this.#fileKey = fileKey;
  }

  /** How many `torch._dynamo.reset()` calls the file has shown so far. */
  get resets(): number {
    return this.#resets;
  }

  /**
   * A `dynamo_start` of `compileId` (without an attempt suffix): true when that compile id has started
   * before, which makes it the first compile after a reset.
   */
  start(compileId: string): boolean {
    const reset = this.#started.has(compileId);
    if (reset) {
      this.#resets++;
      this.#started.clear();
    }
    this.#started.add(compileId);
    if (this.#started.size > MAX_COMPILES)
      this.#started.delete(this.#started.values().next().value as string);
    return reset;
  }

  /** The trace id of a group whose first span has `compileId` (none: a trace of its own, by its span id). */
  traceIdOf(compileId: string | undefined, spanId: string): string {
    if (compileId === undefined) return hashHex(`${this.#fileKey}\0span ${spanId}`, 32);
    const resets = this.#resets === 0 ? "" : `\0resets ${this.#resets}`;
    return hashHex(`${this.#fileKey}\0compile ${compileId}${resets}`, 32);
  }

  /** Records the first group of `compileId` since the last reset; a later one (a lazy backward) joins it. */
  register(compileId: string, context: CompileTraceContext, replace = false): void {
    const key = this.#key(compileId, this.#resets);
    if (!replace && this.#compiles.has(key)) return;
    this.#compiles.set(key, context);
    if (this.#compiles.size > MAX_COMPILES)
      this.#compiles.delete(this.#compiles.keys().next().value as string);
  }

  /**
   * The trace of compile `compileId` (PyTorch's form; an attempt suffix `_N` is ignored) as of `resets`
   * resets (default: now), once its first span has been read.
   */
  lookup(compileId: string, resets = this.#resets): CompileTraceContext | undefined {
    const underscore = compileId.lastIndexOf("_");
    return this.#compiles.get(
      this.#key(underscore === -1 ? compileId : compileId.slice(0, underscore), resets),
    );
  }

  #key(compileId: string, resets: number): string {
    return `${resets}\0${compileId}`;
  }
}

export function hashHex(text: string, digits: number): string {
  const hex = hash("md5", text, "hex").slice(0, digits);
  // An all-zero id is invalid in OTLP.
  return /^0+$/.test(hex) ? `${"0".repeat(digits - 1)}1` : hex;
}
