import { describe, expect, it } from "vitest";
import { parsePytorchLine } from "../../src/pytorch-line/parse-pytorch-line.ts";
import { wrapperLength } from "../../src/pytorch-line/wrapper-length.ts";
import { LINEAR_GROWTH_BOUND, measureGrowth, repeatTo } from "../support/growth-ratio.ts";

describe("wrapperLength", () => {
  it.each([
    ["(VllmWorker rank=2 pid=295) x", "(VllmWorker rank=2 pid=295) "],
    ["(EngineCore pid=62) x", "(EngineCore pid=62) "],
    ["(pid=12) x", "(pid=12) "],
    ["(RayWorkerWrapper pid=5678, ip=10.0.0.1) x", "(RayWorkerWrapper pid=5678, ip=10.0.0.1) "],
    ["(Worker,pid=1,ip=a) x", "(Worker,pid=1,ip=a) "],
    ["(Worker.0-a k=a=b) x", "(Worker.0-a k=a=b) "],
    ["( pid=1) x", "( pid=1) "],
    ["[node-0]: [rank1]: x", "[node-0]: [rank1]: "],
    ["\t  (pid=1) x", "\t  (pid=1) "],
  ])("%j starts with the stream prefix %j", (line, prefix) => {
    expect(wrapperLength(line)).toBe(prefix.length);
  });

  it.each([
    "(VllmWorker) x",
    "(pid=) x",
    "(pid=1 ) x",
    "(pid=1)x",
    "(1pid=1) x",
    "(a b c=1) x",
    "(ab=ab=ab=ab=ab=ab=ab=ab=ab=ab= x",
  ])("%j has no stream prefix", (line) => {
    expect(wrapperLength(line)).toBe(0);
  });

  // Issue 21, item 1: `(ab=ab=…` was a value or pairs glued to it in 2^n ways (19 pairs: 0.4 s, 24: 14 s),
  // and so was a URL's `&k=v` (each pair doubling the time). The line parser reads every line through this.
  it.each([
    ["ab= pairs without a closing paren", (size: number) => `(${repeatTo("ab=", size)} x`, 57],
    ["&k=v pairs of a URL", (size: number) => `(a=${repeatTo("&k=v", size)}`, 80],
    ["k=v glued to a value", (size: number) => `(Worker a=${repeatTo("k=v", size)}`, 57],
  ])("reads %s in time linear in the line", (_name, make, large) => {
    const { ratio } = measureGrowth((line) => parsePytorchLine(line), make, { small: large / 4, large });
    expect(ratio).toBeLessThan(LINEAR_GROWTH_BOUND);
  });
});
