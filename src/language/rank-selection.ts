// Which distributed ranks to keep: `0`, `0,2-3`, `4-7,12`. The one grammar of `ingest --ranks`,
// `trace --ranks` and the processor's `ranks` option (PyTorch itself has none: pytorch/pytorch#146913).
import { TorchLogsError } from "./torch-logs-error.ts";

/** A parsed rank list: `has(rank)` says whether a rank is selected. */
export interface RankSelection {
  /** The list as written, trimmed. */
  readonly text: string;
  /** Inclusive ranges, sorted and merged: `0,2-3,3-5` → `[[0, 0], [2, 5]]`. */
  readonly ranges: readonly (readonly [first: number, last: number])[];
  has(rank: number): boolean;
}

const ITEM = /^(\d+)(?:-(\d+))?$/;
const EXAMPLE = "e.g. 0 or 0,2-3";

/**
 * Parses a comma-separated list of ranks and inclusive ranges (`0,2-3`); spaces around items are allowed.
 * Throws a TorchLogsError of kind `invalid-ranks` naming the bad item (`item`, `itemIndex`) and what was
 * expected: an empty list or item, a negative or non-integer rank, a range written high to low (`3-1`: did you
 * mean `1-3`?).
 */
export function parseRanks(text: string): RankSelection {
  const items = text.split(",");
  const ranges: [number, number][] = [];
  items.forEach((raw, index) => {
    const item = raw.trim();
    const at = `item ${index + 1}`;
    if (item === "") {
      const what = text.trim() === "" ? "no ranks given" : `empty ${at}`;
      throw rankError(`${what}: expected ranks and ranges of ranks, ${EXAMPLE}`, item, index + 1);
    }
    const m = ITEM.exec(item);
    const first = m === null ? Number.NaN : Number(m[1]);
    const last = m?.[2] === undefined ? first : Number(m[2]);
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) {
      throw rankError(
        `"${item}" at ${at} is not a rank or a range of ranks: expected whole numbers from 0, ${EXAMPLE}`,
        item,
        index + 1,
      );
    }
    if (last < first) {
      throw rankError(
        `"${item}" at ${at} runs backwards (did you mean "${last}-${first}"?)`,
        item,
        index + 1,
      );
    }
    ranges.push([first, last]);
  });
  return selection(text.trim(), merge(ranges));
}

function rankError(message: string, item: string, itemIndex: number): TorchLogsError {
  return new TorchLogsError("invalid-ranks", message, { item, itemIndex });
}

function merge(ranges: [number, number][]): (readonly [number, number])[] {
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [first, last] of ranges) {
    const previous = merged.at(-1);
    if (previous !== undefined && first <= previous[1] + 1) previous[1] = Math.max(previous[1], last);
    else merged.push([first, last]);
  }
  return merged.map(([first, last]) => Object.freeze([first, last] as const));
}

function selection(text: string, ranges: readonly (readonly [number, number])[]): RankSelection {
  // One rank (the common `--ranks 0`) is one compare.
  const only = ranges.length === 1 && ranges[0]?.[0] === ranges[0]?.[1] ? ranges[0]?.[0] : undefined;
  return Object.freeze({
    text,
    ranges: Object.freeze(ranges),
    has:
      only !== undefined
        ? (rank: number) => rank === only
        : (rank: number) => ranges.some(([first, last]) => rank >= first && rank <= last),
  });
}
