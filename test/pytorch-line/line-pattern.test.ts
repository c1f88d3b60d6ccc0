// compileLinePattern gives what a backtracking engine gives for the same pattern as `^(?:…)$` (flag `s`), in
// time linear in the line.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  capture,
  charClass,
  compileLinePattern,
  either,
  type LinePattern,
  literal,
  optional,
  REST,
  repeat,
  sequence,
} from "../../src/pytorch-line/line-pattern.ts";
import { LINEAR_GROWTH_BOUND, measureGrowth, repeatTo } from "../support/growth-ratio.ts";

/** A pattern and the regular expression source it stands for. */
interface Pair {
  readonly pattern: LinePattern;
  readonly source: string;
}

const code = (char: string) => char.charCodeAt(0);
const CLASSES: readonly Pair[] = [
  { pattern: charClass((c) => c === code("a")), source: "a" },
  { pattern: charClass((c) => c === code("a") || c === code("b")), source: "[ab]" },
  { pattern: charClass((c) => c !== code(":")), source: "[^:]" },
  { pattern: charClass(() => true), source: "." },
];

// Repetitions repeat what cannot match the empty string and hold no capture: there the two semantics differ
// by design (an engine resets a repeated group's captures at each round and refuses empty rounds).
const solid: fc.Arbitrary<Pair> = fc.letrec<{ solid: Pair }>((tie) => ({
  solid: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...CLASSES),
    fc.constantFrom("a", "b:", ": ", "ab").map((text) => ({ pattern: literal(text), source: text })),
    fc.array(tie("solid"), { minLength: 1, maxLength: 3 }).map((items) => ({
      pattern: sequence(...items.map((i) => i.pattern)),
      source: items.map((i) => `(?:${i.source})`).join(""),
    })),
    fc
      .tuple(tie("solid"), tie("solid"))
      .map(([x, y]) => ({ pattern: either(x.pattern, y.pattern), source: `(?:${x.source}|${y.source})` })),
  ),
})).solid;

const part: fc.Arbitrary<Pair> = fc.oneof(
  solid,
  fc.tuple(solid, fc.constantFrom(0, 1), fc.boolean()).map(([item, min, lazy]) => ({
    pattern: repeat(item.pattern, min, lazy),
    source: `(?:${item.source})${min === 0 ? "*" : "+"}${lazy ? "?" : ""}`,
  })),
  solid.map((item) => ({ pattern: optional(item.pattern), source: `(?:${item.source})?` })),
);

const whole: fc.Arbitrary<Pair> = fc
  .tuple(
    fc.array(fc.tuple(part, fc.boolean()), { minLength: 1, maxLength: 5 }),
    fc.constantFrom("none", "rest", "captured rest"),
  )
  .map(([parts, end]) => {
    const items = parts.map(([p, captured]) =>
      captured ? { pattern: capture(p.pattern), source: `(${p.source})` } : p,
    );
    if (end === "rest") items.push({ pattern: REST, source: ".*" });
    if (end === "captured rest") items.push({ pattern: capture(REST), source: "(.*)" });
    return { pattern: sequence(...items.map((i) => i.pattern)), source: items.map((i) => i.source).join("") };
  });

const line = fc.string({ unit: fc.constantFrom("a", "b", ":", " ", "\n"), maxLength: 14 });

describe("compileLinePattern", () => {
  it("matches what a regular expression matches, with the same captures", () => {
    let matched = 0;
    fc.assert(
      fc.property(whole, fc.array(line, { minLength: 1, maxLength: 8 }), ({ pattern, source }, lines) => {
        const compiled = compileLinePattern(pattern);
        const regex = new RegExp(`^(?:${source})$`, "s");
        for (const text of lines) {
          const expected = regex.exec(text);
          const got = compiled.match(text);
          expect(got, `/${regex.source}/ on ${JSON.stringify(text)}`).toEqual(
            expected === null ? null : expected.slice(1),
          );
          if (got !== null) matched++;
        }
      }),
      { numRuns: 1500 },
    );
    // Not vacuous: many lines match.
    expect(matched).toBeGreaterThan(1000);
  });

  it("reads a line once whatever the pattern: two open-ended parts on a line that never ends them", () => {
    // `^(.*?) (.+?):(\d+)$` tries each split of the line afresh: quadratic in a backtracking engine.
    const any = charClass(() => true);
    const digit = charClass((c) => c >= 0x30 && c <= 0x39);
    const compiled = compileLinePattern(
      sequence(
        capture(repeat(any, 0, true)),
        literal(" "),
        capture(repeat(any, 1, true)),
        literal(":"),
        capture(repeat(digit, 1)),
      ),
    );
    const { ratio } = measureGrowth(
      (text) => compiled.match(text),
      (size) => repeatTo("a :1 ", size),
    );
    expect(ratio).toBeLessThan(LINEAR_GROWTH_BOUND);
  });
});
