// repeatedMessage against the patterns: when it reads a line as a repetition of a header's prefix, the
// patterns must read that line as the same header with this line and message (and no glued text, which
// the prefix leaves out), key order included. Over the
// fixture lines in order (each after the header before it), with every kind of tail after each prefix, and
// with random edits.
import { describe, expect, it } from "vitest";
import { repeatedMessage, repeatsPrefix } from "../../src/ingest/repeated-message.ts";
import { matchGlogHeader } from "../../src/pytorch-line/match-glog-header.ts";
import { parseByPatterns } from "../../src/pytorch-line/parse-pytorch-line.ts";
import type { TorchLogLine } from "../../src/pytorch-line/pytorch-log-line.ts";
import { editLine, fixtureLines, seeded } from "../pytorch-line/fixture-lines.ts";

/** What may follow a repeated prefix. */
const TAILS = [
  "",
  " ",
  "x",
  " x",
  " [0/0] x",
  " [0/0]",
  " [__graph_breaks] x",
  " [__guards]",
  " [x",
  " ]",
  "  x",
];

const B = "[2024-01-16 22:29:36,221] [0/0] torch._dynamo.x.__guards: [DEBUG]";

describe("repeatedMessage", () => {
  it.each([
    ["glog prefix, message", "V0101 00:00:01.000000 7 torch/_dynamo/x.py:10]", " a", "a"],
    ["glog prefix, empty message", "V0101 00:00:01.000000 7 torch/_dynamo/x.py:10]", "", ""],
    [
      "glog prefix, message with a trace id",
      "V0101 00:00:01.000000 7 torch/_dynamo/x.py:10]",
      " [0/0] a",
      undefined,
    ],
    [
      "glog artifact prefix, message in brackets",
      "V0101 00:00:01.000000 7 torch/x.py:10] [__guards]",
      " [a]",
      "[a]",
    ],
    ["glog prefix, no separator", "V0101 00:00:01.000000 7 torch/_dynamo/x.py:10]", "a", undefined],
    ["bracket prefix, message in brackets", B, " [a] b", "[a] b"],
    ["bracket prefix after a wrapper", `(Worker pid=1) ${B}`, " a", "a"],
  ])("%s", (_name, prefix, tail, expected) => {
    const header = matchGlogHeader(prefix) ?? parseByPatterns(prefix);
    if (header.kind !== "torch") throw new Error(`not a header: ${prefix}`);
    expect(repeatsPrefix(header, header.format === "glog")).toBe(true);
    expect(repeatedMessage(prefix + tail, header)).toBe(expected);
  });

  it("is not used for prefixes a later line may read otherwise", () => {
    const transitional = parseByPatterns("W0101 00:00:00.000000 1 torch/x.py:1 [0/0] m");
    const wrapped = parseByPatterns(`[default0]:${B} m`);
    if (transitional.kind !== "torch" || wrapped.kind !== "torch") throw new Error("not headers");
    expect(repeatsPrefix(transitional, false)).toBe(false);
    expect(repeatsPrefix(wrapped, false)).toBe(false);
  });

  it("reads lines of the fixtures, tails and random edits as the patterns do", () => {
    const random = seeded(7);
    let previous: TorchLogLine | undefined;
    const repeated = { glog: 0, bracket: 0 };
    const check = (line: string) => {
      const message = previous === undefined ? undefined : repeatedMessage(line, previous);
      if (previous !== undefined && message !== undefined) {
        if (previous.format === "glog" || previous.format === "bracket") repeated[previous.format]++;
        const expected = { ...previous, line, glued: "", message };
        const parsed = parseByPatterns(line);
        expect(parsed, line).toStrictEqual(expected);
        expect(JSON.stringify(parsed), line).toBe(JSON.stringify(expected));
      }
      const byHand = matchGlogHeader(line);
      const header = byHand ?? parseByPatterns(line);
      if (header.kind === "torch" && repeatsPrefix(header, byHand !== undefined)) previous = header;
    };
    for (const line of fixtureLines()) {
      check(line);
      const header = previous;
      if (header?.line === line) for (const tail of TAILS) check(header.prefix + tail);
      for (let k = 0; k < 4; k++) check(editLine(line, random));
    }
    expect(repeated.glog).toBeGreaterThan(10_000);
    expect(repeated.bracket).toBeGreaterThan(100);
  });
});
