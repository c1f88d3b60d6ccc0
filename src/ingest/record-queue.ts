// The records PytorchLogParser holds back, in input order: open ones, and complete ones waiting for an
// earlier one to complete. With the size of what they hold, which the parser keeps under its bound.
import type { Entry } from "./record-entry.ts";

export class RecordQueue {
  /** Entries in input order; `#head` is the first not yet released. */
  #queue: (Entry | undefined)[] = [];
  #head = 0;
  #chars = 0;
  #lines = 0;

  /** Records held. */
  get length(): number {
    return this.#queue.length - this.#head;
  }

  /** Held size: each line's length + 1. */
  get chars(): number {
    return this.#chars;
  }

  get lines(): number {
    return this.#lines;
  }

  /** The oldest record held. */
  get oldest(): Entry | undefined {
    return this.#queue[this.#head];
  }

  /** Adds a record of one line (a new record's first line, or another line). */
  push(entry: Entry): void {
    this.#queue.push(entry);
    this.#chars += entry.chars;
    this.#lines++;
  }

  /** Counts a line added to a held record. */
  grow(chars: number): void {
    this.#chars += chars;
    this.#lines++;
  }

  /**
   * Moves the last `lines` lines (`chars` in all) out of the held record `entry`, as the one-line records
   * `entries`, which take their places right after it.
   */
  split(entry: Entry, entries: readonly Entry[], chars: number, lines: number): void {
    this.#chars -= chars;
    this.#lines -= lines;
    let at = this.#queue.lastIndexOf(entry, this.#queue.length - 1);
    if (at < this.#head) at = this.#queue.length - 1;
    this.#queue.splice(at + 1, 0, ...entries);
    for (const added of entries) {
      this.#chars += added.chars;
      this.#lines++;
    }
  }

  /** Releases the complete records at the front, in order, each to `release`. */
  drain(release: (entry: Entry) => void): void {
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head];
      if (entry === undefined || !entry.done) break;
      this.#queue[this.#head] = undefined;
      this.#head++;
      this.#chars -= entry.chars;
      this.#lines -= entry.kind === "other" ? 1 : entry.lineCount;
      release(entry);
    }
    // Compact now and then instead of shifting per record, which would be quadratic in a long queue.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
