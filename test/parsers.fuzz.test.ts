// A fuzz run over the readers of PyTorch output (issue 21): random text made of the pieces the patterns look for,
// and random TORCH_TRACE envelopes (numbers out of range, keys such as `__proto__`, broken payloads), through the
// console line parser, the record assembly, custom-format matchers and the TORCH_TRACE mapper (with the JSON-lines
// formatting of what it makes). Nothing may throw, and the time is bounded per byte.
//
// Method (no timed assertion): the baseline is the same readers on real input of the same kind — the corpus's
// console logs, the real trace files — timed in the same run, in nanoseconds per byte. Each fuzz input must be
// read within PER_INPUT_FACTOR times the baseline's time per byte, an input shorter than MIN_BYTES counting as
// MIN_BYTES (per-call costs and timer resolution weigh on short inputs); all of them together within
// TOTAL_FACTOR times. A pattern that backtracks exponentially takes seconds on a line of 70 bytes, and quadratic
// work on a line of 64 KB is thousands of times slower per byte than on the real input: both far beyond.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hrTimeToNanos } from "../src/delivery/json-lines-log-record-exporter.ts";
import { PytorchLogParser } from "../src/ingest/pytorch-log-parser.ts";
import { compileLogFormatMatcher } from "../src/pytorch-line/compile-log-format-matcher.ts";
import { DEFAULT_CUSTOM_LEVELS } from "../src/pytorch-line/parse-log-level.ts";
import { parsePytorchLine } from "../src/pytorch-line/parse-pytorch-line.ts";
import { TraceFileMapper } from "../src/trace/trace-file-mapper.ts";
import { formatMetricJsonLine, formatSpanJsonLine } from "../src/trace/trace-json-lines.ts";
import { TOKENS } from "./support/adversarial-lines.ts";
import { FIXTURES } from "./trace/read-trace-fixture.ts";

const PER_INPUT_FACTOR = 100;
const TOTAL_FACTOR = 20;
const MIN_BYTES = 64 * 1024;

const CUSTOM_FORMATS = [
  "%(levelname)s:%(name)s:%(message)s",
  "%(asctime)s %(levelname)-8s [%(name)s:%(lineno)d] %(message)s",
  "%(levelname)s %(message)s (%(pathname)s:%(lineno)d)",
].map(compileLogFormatMatcher);

/** Console output through every console reader. */
function readConsole(text: string): number {
  let count = 0;
  for (const line of text.split("\n")) {
    if (parsePytorchLine(line).kind === "torch") count++;
    for (const matcher of CUSTOM_FORMATS)
      if (matcher.match(line, DEFAULT_CUSTOM_LEVELS) !== undefined) count++;
  }
  const parser = new PytorchLogParser();
  return count + parser.push(text).length + parser.end().length;
}

/** A TORCH_TRACE file through the mapper, and what it makes through the JSON-lines formatting. */
function readTraceText(text: string): number {
  const mapper = new TraceFileMapper({
    file: { fileName: "dedicated_log_torch_trace_rank_0_fuzz.log", rank: 0 },
    fallback: () => ({ utcOffsetMinutes: 0, reference: Date.UTC(2025, 0, 1) }),
  });
  let size = 0;
  for (const out of [mapper.push(text), mapper.end()]) {
    for (const log of out.logs)
      size += (log.timestamp === undefined ? "" : hrTimeToNanos(log.timestamp)).length;
    for (const span of out.spans) size += formatSpanJsonLine(span).length;
    for (const point of out.metrics) size += formatMetricJsonLine(point).length;
  }
  return size;
}

/** Nanoseconds per byte of `read` over `texts`: the fastest of three rounds. */
function nsPerByte(read: (text: string) => unknown, texts: readonly string[]): number {
  const bytes = texts.reduce((sum, text) => sum + text.length, 0);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const start = process.hrtime.bigint();
    for (const text of texts) read(text);
    best = Math.min(best, Number(process.hrtime.bigint() - start));
  }
  return best / bytes;
}

function timed(read: (text: string) => unknown, text: string): number {
  const start = process.hrtime.bigint();
  read(text);
  return Number(process.hrtime.bigint() - start);
}

/** Runs the fuzz inputs; returns each one's time over its allowance, and the total's over the total's. */
function fuzz(read: (text: string) => unknown, baseline: number, inputs: fc.Arbitrary<string>, runs: number) {
  let worst = 0;
  let worstInput = "";
  let total = 0;
  let bytes = 0;
  fc.assert(
    fc.property(inputs, (text) => {
      const ns = timed(read, text);
      const share = ns / (PER_INPUT_FACTOR * baseline * Math.max(text.length, MIN_BYTES));
      if (share > worst) {
        worst = share;
        worstInput = text;
      }
      total += ns;
      bytes += text.length;
    }),
    { numRuns: runs },
  );
  return { worst, worstInput, total: total / (TOTAL_FACTOR * baseline * Math.max(bytes, MIN_BYTES)) };
}

const token = fc.constantFrom(...TOKENS, "\n", "\n", "\t", "\r\n", "\u001b[2J", "\u00e9\u4e2d");
/** Lines of random pieces; some long ones, made of a random piece repeated. */
const consoleText = fc.oneof(
  { weight: 4, arbitrary: fc.array(token, { maxLength: 400 }).map((t) => t.join("")) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.array(token, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 4000 }))
      .map(([t, times]) => t.join("").repeat(times)),
  },
);

const key = fc.constantFrom(
  "dynamo_start",
  "chromium_event",
  "artifact",
  "str",
  "compilation_metrics",
  "__proto__",
  "constructor",
  "toString",
  "",
);
const number = fc.constantFrom(
  "0",
  "1",
  "-1",
  "1.5",
  "1e400",
  "-1e400",
  "1e300",
  "1733527095925179.5",
  "9007199254740993",
);
const value = fc.oneof(number, fc.constantFrom('"x"', "null", "[]", "{}", '"0/0"', '"None"', "true"));
const fields = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        "frame_id",
        "frame_compile_id",
        "attempt",
        "rank",
        "compile_id",
        "ts",
        "name",
        "ph",
        "duration_us",
        "num_graph_breaks",
        "__proto__",
        "x",
      ),
      value,
    ),
    { maxLength: 6 },
  )
  .map((pairs) => `{${pairs.map(([k, v]) => `"${k}": ${v}`).join(", ")}}`);
const envelope = fc
  .tuple(
    key,
    fields,
    fields,
    fc.option(
      fc.tuple(
        fc.constantFrom("B", "E", "i", "X"),
        fc.constantFrom("dynamo", "compile_file", "__proto__"),
        number,
        fields,
      ),
    ),
    fc.boolean(),
  )
  .map(([k, metadata, context, event, payload]) => {
    const extra = context.slice(1, -1);
    const head = `V0101 12:00:00.000000 7 torch/_dynamo/utils.py:1] {"${k}": ${metadata}${extra === "" ? "" : `, ${extra}`}`;
    if (event !== null) {
      const [ph, name, ts, args] = event;
      return `${head}, "has_payload": "0"}\n\t{"name": "${name}", "ph": "${ph}", "ts": ${ts}, "args": ${args}}\n`;
    }
    return payload ? `${head}, "has_payload": "0"}\n\tpayload\n` : `${head}}\n`;
  });
const traceText = fc.oneof(
  { weight: 4, arbitrary: fc.array(envelope, { maxLength: 60 }).map((lines) => lines.join("")) },
  { weight: 1, arbitrary: consoleText },
);

function corpusLogs(): string[] {
  const dir = join(FIXTURES, "..", "corpus");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".stderr.log"))
    .map((file) => readFileSync(join(dir, file), "utf8"));
}

function realTraces(): string[] {
  return [
    "simple.log",
    "comp_metrics.log",
    "multi_rank_schedule/dedicated_log_torch_trace_rank_0_6u3fubwl.log",
  ].map((file) => readFileSync(join(FIXTURES, file), "utf8"));
}

describe("fuzz: the readers of PyTorch output never throw, and take time bounded per byte", () => {
  it.each([
    ["console output", readConsole, corpusLogs, consoleText],
    ["TORCH_TRACE files", readTraceText, realTraces, traceText],
  ] as const)("%s", { timeout: 60_000 }, (_name, read, real, inputs) => {
    const baseline = nsPerByte(read, real());
    const { worst, worstInput, total } = fuzz(read, baseline, inputs, 300);
    const shown = JSON.stringify(worstInput.slice(0, 200));
    expect(worst, `worst input (${worstInput.length} chars): ${shown}`).toBeLessThan(1);
    expect(total).toBeLessThan(1);
  });
});
