import { describe, expect, it } from "vitest";
import { parseRanks } from "../../src/language/rank-selection.ts";
import { TorchLogsError } from "../../src/language/torch-logs-error.ts";

describe("parseRanks", () => {
  it.each([
    ["0", [[0, 0]], [0], [1]],
    [
      "0,2-3",
      [
        [0, 0],
        [2, 3],
      ],
      [0, 2, 3],
      [1, 4],
    ],
    [" 3 , 1-2 ", [[1, 3]], [1, 2, 3], [0, 4]],
    [
      "4-7,12,5-6,8",
      [
        [4, 8],
        [12, 12],
      ],
      [4, 8, 12],
      [3, 9, 11, 13],
    ],
    ["0-1000000", [[0, 1_000_000]], [999_999], [1_000_001]],
  ] as const)("%j → %j", (text, ranges, selected, others) => {
    const selection = parseRanks(text);
    expect(selection.ranges).toEqual(ranges);
    expect(selection.text).toBe(text.trim());
    for (const rank of selected) expect([rank, selection.has(rank)]).toEqual([rank, true]);
    for (const rank of others) expect([rank, selection.has(rank)]).toEqual([rank, false]);
  });

  it.each([
    ["", "", 1, /^no ranks given: expected ranks and ranges of ranks, e\.g\. 0 or 0,2-3$/],
    ["0,,2", "", 2, /^empty item 2: /],
    ["0,2-x", "2-x", 2, /^"2-x" at item 2 is not a rank or a range of ranks: expected whole numbers from 0/],
    ["-1", "-1", 1, /^"-1" at item 1 is not a rank/],
    ["rank0", "rank0", 1, /^"rank0" at item 1 is not a rank/],
    ["1.5", "1.5", 1, /is not a rank/],
    ["99999999999999999999", "99999999999999999999", 1, /is not a rank/],
    ["0,3-1", "3-1", 2, /^"3-1" at item 2 runs backwards \(did you mean "1-3"\?\)$/],
  ])("%j: an error naming %j at item %i", (text, item, itemIndex, message) => {
    const error = (() => {
      try {
        parseRanks(text);
      } catch (e) {
        return e;
      }
      throw new Error("parsed");
    })();
    expect(error).toBeInstanceOf(TorchLogsError);
    expect(error).toMatchObject({
      kind: "invalid-ranks",
      item,
      itemIndex,
      message: expect.stringMatching(message),
    });
  });
});
