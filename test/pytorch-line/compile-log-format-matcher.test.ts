// A custom TORCH_LOGS_FORMAT's lines are read as the regular expression the format stands for reads them
// (kept here as the definition), in time linear in the line whatever the format.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileLogFormatMatcher } from "../../src/pytorch-line/compile-log-format-matcher.ts";
import { DEFAULT_CUSTOM_LEVELS, parseLogLevel } from "../../src/pytorch-line/parse-log-level.ts";
import { LINEAR_GROWTH_BOUND, measureGrowth, repeatTo } from "../support/growth-ratio.ts";

// What each field looks like printed (the definition the matcher's patterns are checked against).
const FIELD_SOURCES: Readonly<Record<string, string>> = {
  name: String.raw`[^\s:]+`,
  levelname: String.raw`[A-Z][A-Za-z_]*(?: \d+)?`,
  levelno: String.raw`\d+`,
  pathname: ".+?",
  filename: String.raw`[^/\\]+?`,
  module: String.raw`\S+?`,
  funcName: String.raw`\S+?`,
  lineno: String.raw`\d+`,
  asctime: String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}`,
  created: String.raw`\d+(?:\.\d+)?`,
  msecs: String.raw`\d+(?:\.\d+)?`,
  process: String.raw`\d+`,
  thread: String.raw`\d+`,
};

interface Part {
  readonly key?: string;
  readonly text: string;
  readonly pad?: "left" | "right";
}

/** The format's regular expression and the capture number of each field (-1 when it has none). */
function definition(parts: readonly Part[]): { regex: RegExp; at: (key: string) => number } {
  const keys: string[] = [];
  let source = "^";
  parts.forEach((part, index) => {
    if (part.key === undefined) {
      source += part.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      return;
    }
    const last = index === parts.length - 1;
    const body = part.key === "message" ? (last ? ".*" : ".*?") : (FIELD_SOURCES[part.key] as string);
    const group = keys.includes(part.key) ? `(?:${body})` : `(${body})`;
    if (!keys.includes(part.key)) keys.push(part.key);
    source += part.pad === "right" ? `${group} *` : part.pad === "left" ? ` *${group}` : group;
  });
  return {
    regex: new RegExp(`${source}$`, "s"),
    at: (key) => (keys.includes(key) ? keys.indexOf(key) + 1 : -1),
  };
}

function formatOf(parts: readonly Part[]): string {
  return parts
    .map((p) => {
      if (p.key === undefined) return p.text.replaceAll("%", "%%");
      const kind = ["levelno", "lineno", "process", "thread"].includes(p.key)
        ? "d"
        : ["created", "msecs"].includes(p.key)
          ? "f"
          : "s";
      return `%(${p.key})${p.pad === "right" ? "-8" : p.pad === "left" ? "8" : ""}${kind}`;
    })
    .join("");
}

const field = fc.record({
  key: fc.constantFrom(...Object.keys(FIELD_SOURCES), "message", "message"),
  text: fc.constant(""),
  pad: fc.constantFrom(undefined, "left", "right"),
});
const text = fc.record({ text: fc.constantFrom(" ", ":", " [", "] ", " - ", "(", ")") });
const format = fc
  .array(fc.oneof(field, text), { minLength: 1, maxLength: 6 })
  .filter((parts) => parts.some((p) => "key" in p && p.key !== "message"));
// Values as Python prints them, and text that is not quite that.
const VALUES: Readonly<Record<string, readonly string[]>> = {
  name: ["torch._dynamo", "a.__guards", "x:y"],
  levelname: ["INFO", "Level 5", "WARNING", "info"],
  pathname: ["/x/y.py", "C:\\a b.py", "a:1"],
  filename: ["y.py", "a/b"],
  module: ["y", "a b"],
  funcName: ["f", "<module>"],
  asctime: ["2024-01-02 03:04:05,678", "2024-01-02"],
  created: ["1.5", "12", "x"],
  msecs: ["5.0", "7"],
  message: ["hello", "", " [INFO] x", "a:1 (b:2)"],
};
const printed = (key: string) => fc.constantFrom(...(VALUES[key] ?? ["12", "7", "x"]));
const junk = fc.constantFrom("", " ", ":", "]", "12", "a b");

/** Lines shaped by the format (each part printed, or junk in its place), so that many are records. */
const lines = (parts: readonly Part[]) =>
  fc.array(
    fc
      .tuple(
        ...parts.map((part) =>
          fc.oneof(
            { weight: 6, arbitrary: part.key === undefined ? fc.constant(part.text) : printed(part.key) },
            { weight: 1, arbitrary: junk },
          ),
        ),
      )
      .map((pieces) => pieces.join("")),
    { minLength: 1, maxLength: 6 },
  );

describe("compileLogFormatMatcher", () => {
  it("reads a line as the format's regular expression reads it", () => {
    let read = 0;
    fc.assert(
      fc.property(
        format.chain((parts) => fc.tuple(fc.constant(parts), lines(parts))),
        ([parts, texts]) => {
          const matcher = compileLogFormatMatcher(formatOf(parts));
          const { regex, at } = definition(parts);
          for (const line of texts) {
            const m = regex.exec(line);
            const levelText = m?.[at("levelname")];
            const level =
              levelText === undefined ? undefined : parseLogLevel(levelText, DEFAULT_CUSTOM_LEVELS);
            const expected =
              m === null || (levelText !== undefined && level === undefined)
                ? undefined
                : {
                    message: m[at("message")] ?? "",
                    levelName: level?.levelName,
                    path: m[at("pathname")],
                    lineno: m[at("lineno")] === undefined ? undefined : Number(m[at("lineno")]),
                    processId: m[at("process")] === undefined ? undefined : Number(m[at("process")]),
                  };
            const got = matcher.match(line, DEFAULT_CUSTOM_LEVELS);
            expect(
              got === undefined
                ? undefined
                : {
                    message: got.message,
                    levelName: levelText === undefined ? undefined : got.levelName,
                    path: got.path,
                    lineno: got.lineno,
                    processId: got.processId,
                  },
              `${formatOf(parts)} on ${JSON.stringify(line)}`,
            ).toEqual(expected);
            if (got !== undefined) read++;
          }
        },
      ),
      { numRuns: 1000 },
    );
    // Not vacuous: many lines are read as records.
    expect(read).toBeGreaterThan(300);
  });

  // Issue 21, item 3: with text after %(message)s, each split of a long line between the message and the
  // fields after it was tried afresh: a 500 KB line took 27 s.
  it.each([
    ["%(levelname)s %(message)s %(pathname)s:%(lineno)d", "a :1 "],
    ["%(levelname)s %(message)s (%(pathname)s:%(lineno)d)", " (a:1"],
    ["%(message)s [%(levelname)s] %(name)s", " [INFO] a"],
    ["%(module)s%(funcName)s: %(message)s", "a"],
  ])("reads lines of %j in time linear in the line", (value, unit) => {
    const matcher = compileLogFormatMatcher(value);
    const { ratio } = measureGrowth(
      (line) => matcher.match(line, DEFAULT_CUSTOM_LEVELS),
      (size) => `INFO ${repeatTo(unit, size)}`,
      { small: 512, large: 32 * 1024 },
    );
    expect(ratio).toBeLessThan(LINEAR_GROWTH_BOUND);
  });
});
