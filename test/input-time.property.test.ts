// Time bounded by the input, whatever the input (issue 21): every reader of a line of input — the console line
// parser (its hand-read header, its patterns and its stream prefixes), the record assembly around it, a custom
// TORCH_LOGS_FORMAT's matcher and the TORCH_TRACE reader — takes time linear in the line, on adversarial lines
// up to 1 MiB: lines made of a piece of what a pattern looks for, repeated (each repetition a new place where
// a match could start, or where a greedy or lazy part could stop), and lines made of random pieces.
//
// Method (no timed assertion): measureGrowth (test/support/growth-ratio.ts) times one line of 1 MiB against 256
// lines of 4 KiB cut from the same text, alternately in the same run, and keeps the fastest of each side.
// Linear work measures about 1 (less when a per-line cost weighs on the small lines); quadratic work measures
// about 256 (the large side reads each character 256 times as often); exponential work never returns. The
// bound, LINEAR_GROWTH_BOUND (8), sits 32 times below the quadratic figure, and machine load slows both sides
// alike. A linear reader with a large constant (e.g. rescanning a bounded 4096-character window from every
// place a header could start) passes this test; the fuzz test (parsers.fuzz.test.ts) bounds the constant.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PytorchLogParser } from "../src/ingest/pytorch-log-parser.ts";
import { compileLogFormatMatcher } from "../src/pytorch-line/compile-log-format-matcher.ts";
import { DEFAULT_CUSTOM_LEVELS } from "../src/pytorch-line/parse-log-level.ts";
import { parseByPatterns, parsePytorchLine } from "../src/pytorch-line/parse-pytorch-line.ts";
import { TorchTraceReader } from "../src/trace/torch-trace-reader.ts";
import { ADVERSARIAL_UNITS, GLOG, TOKENS } from "./support/adversarial-lines.ts";
import { LINEAR_GROWTH_BOUND, measureGrowth, repeatTo } from "./support/growth-ratio.ts";

/** A line of `size` characters cut from `unit` repeated; at the start of a line or after a header. */
const HEADERS = ["", `${GLOG}torch/x.py:1] `];

/**
 * A reader of lines, and the size of the large line it is measured on: 1 MiB for those of one line; less for
 * those that also build records (their many small lines pay a per-record cost that hides nothing: quadratic work
 * still measures `large / small`).
 */
type Reader = readonly [name: string, read: (line: string) => unknown, large: number];

const MIB = 1024 * 1024;

// Records around the line, so that continuation, grouping and repeated-prefix rules read it too.
const parseAsRecords =
  (before: string) =>
  (line: string): unknown => {
    const parser = new PytorchLogParser();
    parser.push(`${before}\n${line}\n`);
    return parser.end();
  };

const CUSTOM_FORMATS = [
  "%(levelname)s:%(name)s:%(message)s",
  "%(asctime)s %(levelname)-8s [%(name)s:%(lineno)d] %(message)s",
  "%(levelname)s %(message)s (%(pathname)s:%(lineno)d)",
  "%(message)s %(module)s%(funcName)s %(pathname)s",
];

const READERS: readonly Reader[] = [
  ["parsePytorchLine", (line) => parsePytorchLine(line), MIB],
  ["parseByPatterns", (line) => parseByPatterns(line), MIB],
  ["PytorchLogParser after a glog record", parseAsRecords(`${GLOG}torch/x.py:1] [0/0] (`), MIB / 8],
  ["PytorchLogParser after a torchdynamo record", parseAsRecords("torchdynamo.a: [INFO] m"), MIB / 8],
  [
    "PytorchLogParser after a bracket record",
    parseAsRecords("[2024-01-01 00:00:00,000] torch.a: [INFO] m"),
    MIB / 8,
  ],
  ...CUSTOM_FORMATS.map((value): Reader => {
    const matcher = compileLogFormatMatcher(value);
    return [`custom format ${value}`, (line) => matcher.match(line, DEFAULT_CUSTOM_LEVELS), MIB / 32];
  }),
  [
    "TorchTraceReader",
    (line) => {
      const reader = new TorchTraceReader();
      reader.push(`${line}\n`);
      return reader.end();
    },
    MIB,
  ],
];

function expectLinear(read: Reader[1], large: number, unit: string, header: string): void {
  const { ratio } = measureGrowth(read, (size) => header + repeatTo(unit, size - header.length), {
    large,
    small: large / 256,
    rounds: 3,
  });
  expect(ratio, `${JSON.stringify(header)} + ${JSON.stringify(unit)} repeated`).toBeLessThan(
    LINEAR_GROWTH_BOUND,
  );
}

describe("time linear in the line, on adversarial lines up to 1 MiB", () => {
  describe.each(READERS)("%s", (_name, read, large) => {
    it("on lines made of a piece of a pattern, repeated", () => {
      for (const header of HEADERS)
        for (const unit of ADVERSARIAL_UNITS) expectLinear(read, large, unit, header);
    });

    it("on lines made of random pieces, repeated", () => {
      const unit = fc
        .array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 12 })
        .map((t) => t.join(""));
      fc.assert(
        fc.property(unit, fc.constantFrom(...HEADERS), (text, header) =>
          expectLinear(read, large, text, header),
        ),
        { numRuns: 6, endOnFailure: true },
      );
    });
  });
});
