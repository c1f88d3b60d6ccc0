// execAtFirstGlogHeader finds the match the unanchored pattern finds.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { execAtFirstGlogHeader, type GlogPathEnd } from "../../src/pytorch-line/first-glog-header.ts";
import { COMPILE_ID_SOURCE } from "../../src/pytorch-line/parse-compile-id.ts";
import { GLOG_LEVEL_SOURCE } from "../../src/pytorch-line/parse-log-level.ts";

// The glog patterns of parse-pytorch-line.ts, written out (without group names).
const RANK = String.raw`(\[rank(\d+)\]:)?`;
const HEAD = String.raw`${RANK}(${GLOG_LEVEL_SOURCE})(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6}) (\d+) `;
const TRANSITIONAL_HEAD = String.raw`${RANK}([VIWEC])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6}) (\d+) `;
const TAIL = String.raw`(?: \[(${COMPILE_ID_SOURCE})\])?(?: \[__([A-Za-z0-9_]+)\])?(?: (.*))?$`;
const PATTERNS: readonly (readonly [GlogPathEnd, string, string])[] = [
  ["bracketed", HEAD, String.raw`${HEAD}(.{1,4096}?):(\d+)\]${TAIL}`],
  [
    "run",
    TRANSITIONAL_HEAD,
    String.raw`${TRANSITIONAL_HEAD}(\S{1,4096}):(\d+)(?: \[(${COMPILE_ID_SOURCE})\])?(?: (.*))?$`,
  ],
];

const token = fc.constantFrom(
  "I0101 00:00:00.000000 1 ",
  "[rank2]:W1231 23:59:59.999999 77 ",
  "NOTICE0101 00:00:00.000000 5 ",
  "V0101 00:00:00.000000 1",
  "torch/x.py",
  "torch/x.py:12] m",
  "a:1]",
  "x.py:3 ",
  "x.py:3",
  "a b",
  ":",
  ":12",
  "]",
  " ",
  "\t",
  " [0/0]",
  " [__guards]",
  "x",
  "\r",
);

describe.each(PATTERNS)("execAtFirstGlogHeader (%s)", (pathEnd, head, full) => {
  const reference = new RegExp(full, "s");
  const sticky = new RegExp(full, "sy");
  const heads = new RegExp(head, "g");
  const exec = (line: string) => execAtFirstGlogHeader(line, heads, sticky, pathEnd);
  const shape = (m: RegExpExecArray | null) => (m === null ? null : [m.index, ...m]);

  it("matches where the unanchored pattern matches, with the same groups", () => {
    let found = 0;
    fc.assert(
      fc.property(fc.array(token, { maxLength: 30 }), (tokens) => {
        const line = tokens.join("");
        const m = exec(line);
        expect(shape(m), JSON.stringify(line)).toEqual(shape(reference.exec(line)));
        if (m !== null) found++;
      }),
      { numRuns: 3000 },
    );
    // Not vacuous.
    expect(found).toBeGreaterThan(150);
  });

  it("holds the path to 4096 characters, as the pattern does", () => {
    for (const length of [4095, 4096, 4097]) {
      const line = `x I0101 00:00:00.000000 1 ${"p".repeat(length - 2)}:1:2] m`;
      expect(shape(exec(line))).toEqual(shape(reference.exec(line)));
    }
  });
});
