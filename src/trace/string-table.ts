// The string table of a trace file (`str` envelopes, torch-trace-format.md §5) and the stacks that index it.

/** `intern_string` indexes, per file; a redefined index takes the last definition (as tlparse does). */
export class StringTable {
  readonly #strings = new Map<number, string>();

  /** Records a `str` envelope's `[string, index]`; false when the metadata has another shape. */
  add(metadata: unknown): boolean {
    if (!Array.isArray(metadata) || typeof metadata[0] !== "string" || !Number.isSafeInteger(metadata[1])) {
      return false;
    }
    this.#strings.set(metadata[1] as number, metadata[0]);
    return true;
  }

  get(index: unknown): string | undefined {
    return typeof index === "number" ? this.#strings.get(index) : undefined;
  }

  get size(): number {
    return this.#strings.size;
  }

  /**
   * A stack (array of `{filename, line, name, loc?}` frames, outermost first) as Python prints a traceback;
   * an unknown index (or PyTorch's `-1`) prints as `<unknown file N>`. `undefined` when `stack` is not an
   * array.
   */
  formatStack(stack: unknown): string | undefined {
    if (!Array.isArray(stack)) return undefined;
    const lines: string[] = [];
    for (const frame of stack) {
      if (frame === null || typeof frame !== "object") continue;
      const { filename, line, name, loc, uninterned_filename: raw } = frame as Record<string, unknown>;
      const file =
        typeof raw === "string" ? raw : (this.get(filename) ?? `<unknown file ${String(filename)}>`);
      lines.push(`  File "${file}", line ${String(line)}, in ${String(name)}`);
      if (typeof loc === "string" && loc !== "") lines.push(`    ${loc}`);
    }
    return lines.join("\n");
  }
}
