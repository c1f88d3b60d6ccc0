// The scanner reads the prefix exactly as tlparse's pattern (kept here as the definition) reads it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchEnvelopePrefix } from "../../src/trace/match-envelope-prefix.ts";

// tlparse's glog regex as this reader used it: the space before the path consumed, the path allowed to hold
// `:` (Windows drive letters), up to the first `:N] ` before the JSON.
const DEFINITION = /([VIWEC])(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6}) +(\d+) +(.*?):(\d+)\] (?=[{[])/;

function byDefinition(text: string) {
  const m = DEFINITION.exec(text);
  if (m === null) return undefined;
  return {
    index: m.index,
    jsonStart: m.index + m[0].length,
    level: m[1],
    time: {
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4]),
      minute: Number(m[5]),
      second: Number(m[6]),
      microsecond: Number(m[7]),
      precision: "microsecond",
    },
    id: m[8],
    path: m[9],
    lineno: m[10],
  };
}

const PREFIX = "V1206 15:18:20.252000 1500233 ";

describe("matchEnvelopePrefix", () => {
  it.each([
    `${PREFIX}torch/_dynamo/utils.py:1288] {"chromium_event": {}}`,
    `junk ${PREFIX}torch/x.py:1] {"a": 1}`,
    `${PREFIX}C:\\torch\\x.py:12] {"a": 1}`,
    `${PREFIX}a b] :c.py:1] [1]`,
    `V1206 15:18:20.252000   7   p.py:3] {}`,
    `${PREFIX}a\u2028b.py:1] {} ${PREFIX}c.py:2] {}`,
    `${PREFIX}a.py:1] x ${PREFIX}b.py:2] {}`,
    `${PREFIX}:1] {}`,
    `${PREFIX}a.py:1]{}`,
    "no prefix here",
  ])("reads %j as the pattern does", (line) => {
    expect(matchEnvelopePrefix(line)).toEqual(byDefinition(line));
  });

  it("reads any line as the pattern does", () => {
    const token = fc.constantFrom(
      PREFIX,
      "V0101 00:00:00.000000 1 ",
      "I1231 23:59:59.999999 12  ",
      "V",
      "0",
      " ",
      ":",
      ":7",
      ":7] {",
      ":12] [",
      "]",
      "] ",
      "{",
      "[",
      "a",
      "\r",
      "\u2028",
      ".",
    );
    let found = 0;
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        const line = tokens.join("");
        const prefix = matchEnvelopePrefix(line);
        expect(prefix).toEqual(byDefinition(line));
        if (prefix !== undefined) found++;
      }),
      { numRuns: 2000 },
    );
    // Not vacuous: many of the lines hold a prefix.
    expect(found).toBeGreaterThan(200);
  });
});
