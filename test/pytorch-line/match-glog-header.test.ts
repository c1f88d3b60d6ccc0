// The glog header read by hand (match-glog-header.ts) against the patterns it shortcuts (parseByPatterns):
// whatever it returns must be exactly what the patterns return, key order included, and `undefined` hands
// the line to them. Tricky shapes in a table, then every line of the fixtures and random edits of them.
// (repeated-message.test.ts checks the reading of lines that repeat a prefix.)
import { describe, expect, it } from "vitest";
import { matchGlogHeader } from "../../src/pytorch-line/match-glog-header.ts";
import { parseByPatterns } from "../../src/pytorch-line/parse-pytorch-line.ts";
import type { TorchLogLine } from "../../src/pytorch-line/pytorch-log-line.ts";
import { editLine, fixtureLines, seeded } from "./fixture-lines.ts";

function expectSameAsPatterns(line: string): TorchLogLine | undefined {
  const byHand = matchGlogHeader(line);
  if (byHand !== undefined) {
    const byPatterns = parseByPatterns(line);
    expect(byHand, line).toStrictEqual(byPatterns);
    expect(JSON.stringify(byHand), line).toBe(JSON.stringify(byPatterns));
  }
  return byHand;
}

const H = "V0121 00:38:06.315000 2422825 site-packages/torch/_dynamo/symbolic_convert.py:611]";

// `hand`: whether the common shape is read by hand (a regression to the patterns would be slower, not wrong).
const cases: { name: string; line: string; hand: boolean }[] = [
  { name: "trace id and artifact", line: `${H} [1/0] [__graph_breaks] Graph Break`, hand: true },
  { name: "no message, no separator", line: H, hand: true },
  { name: "separator only", line: `${H} `, hand: true },
  { name: "trace id without message", line: `${H} [0/0]`, hand: true },
  { name: "trace id glued to the message", line: `${H} [0/0]x`, hand: true },
  { name: "artifact glued to the message", line: `${H} [0/0] [__graph_breaks]x y`, hand: true },
  { name: "unknown artifact is message text", line: `${H} [__not_an_artifact] text`, hand: true },
  {
    name: "artifact of a user module is text",
    line: "I0101 00:00:00.000000 1 shop/cart.py:21] [__guards] t",
    hand: true,
  },
  { name: "compiled autograd id", line: `${H} [!0/5/0] msg`, hand: true },
  { name: "restart attempt", line: `${H} [1/0_1] msg`, hand: true },
  { name: "not a compile id", line: `${H} [1/2/3] msg`, hand: true },
  { name: "compile id with a space", line: `${H} [0/0 ] msg`, hand: true },
  { name: "rank", line: `[rank3]:${H} [0/0] msg`, hand: true },
  { name: "thread id", line: "V0306 22:17:59.702000 139967781041280 torch/_dynamo/x.py:516] m", hand: true },
  {
    name: "huge id",
    line: "V0306 22:17:59.702000 99999999999999999999 torch/_dynamo/x.py:516] m",
    hand: true,
  },
  { name: "path with spaces and colons", line: "W0101 00:00:00.000000 1 C:\\a b\\x:y.py:5] m", hand: true },
  { name: "path with a false `:N]`", line: "W0101 00:00:00.000000 1 a:1]x/b.py:5] m", hand: true },
  {
    name: "second `:N]` in the message",
    line: "W0101 00:00:00.000000 1 torch/x.py:5] see y.py:6] z",
    hand: true,
  },
  { name: "vLLM wrapper", line: `(VllmWorker rank=2 pid=295) [rank2]:${H} [0/0] m`, hand: true },
  { name: "indented", line: `    ${H} m`, hand: true },
  { name: "tab and spaces", line: `\t  ${H} m`, hand: true },
  { name: "leap second", line: "W0101 00:00:60.000000 1 torch/x.py:1] m", hand: true },
  { name: "wrapper with a colon", line: `[default0]:${H} m`, hand: false },
  { name: "torchrun wrapper", line: `[rank1]: ${H} m`, hand: false },
  { name: "glued text", line: `^C${H} m`, hand: false },
  { name: "custom level", line: "NOTICE0101 00:00:00.000000 1 torch/x.py:1] m", hand: false },
  { name: "level name", line: "Level 150101 00:00:00.000000 1 torch/x.py:1] m", hand: false },
  { name: "invalid month", line: "W1301 00:00:00.000000 1 torch/x.py:1] m", hand: false },
  { name: "invalid hour", line: "W0101 24:00:00.000000 1 torch/x.py:1] m", hand: false },
  { name: "transitional", line: "W0101 00:00:00.000000 1 torch/x.py:1 [0/0] m", hand: false },
  { name: "milliseconds", line: "W0101 00:00:00.000 1 torch/x.py:1] m", hand: false },
  { name: "c10", line: "[W204 16:40:13.733434151 RegisterXPU.cpp:7614] Warning", hand: false },
  { name: "rank without colon", line: `[rank3]${H} m`, hand: false },
  { name: "long line number", line: "W0101 00:00:00.000000 1 x.py:1234567890123456] m", hand: false },
  { name: "bracket format", line: "[2024-01-16 22:29:36,221] [0/0] torch._dynamo.x: [DEBUG] m", hand: false },
  { name: "empty", line: "", hand: false },
];

describe("matchGlogHeader", () => {
  it.each(cases)("$name", ({ line, hand }) => {
    const byHand = expectSameAsPatterns(line);
    expect(byHand !== undefined, "read by hand").toBe(hand);
    if (!hand) expect(matchGlogHeader(line)).toBeUndefined();
  });

  it("reads every line of the fixtures, and random edits of them, as the patterns do", () => {
    const random = seeded(16);
    let byHand = 0;
    for (const line of fixtureLines()) {
      if (expectSameAsPatterns(line) !== undefined) byHand++;
      for (let k = 0; k < 4; k++) expectSameAsPatterns(editLine(line, random));
    }
    // Most header lines of the fixtures have the common shapes.
    expect(byHand).toBeGreaterThan(5_000);
  });
});
