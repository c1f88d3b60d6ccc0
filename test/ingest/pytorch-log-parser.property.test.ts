import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PytorchLogParser } from "../../src/ingest/pytorch-log-parser.ts";
import type { PytorchLogParserOptions, PytorchLogRecord } from "../../src/ingest/pytorch-log-record.ts";
import { countLines } from "./count-lines.ts";

/** Feeds `chunks` to a fresh parser and returns every record plus the final counters. */
function run(chunks: Iterable<string>, options?: PytorchLogParserOptions) {
  const parser = new PytorchLogParser(options);
  const records: PytorchLogRecord[] = [];
  for (const chunk of chunks) records.push(...parser.push(chunk));
  records.push(...parser.end());
  return { records, stats: parser.stats };
}

/** Splits `text` at the given cut points (any offsets, reduced modulo the length). */
function splitAt(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const point of points) {
    pieces.push(text.slice(start, point));
    start = point;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/** Each line with its own terminator, so pushing them one by one is "line by line". */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const messageText = fc.string({
  unit: fc.constantFrom("a", "b", " ", "(", ")", "[", "]", ":", "0", "/", "_", "\r", "é"),
  maxLength: 12,
});

// Lines from every format, with few distinct prefixes so that grouping, interleaving and continuation
// rules all fire; plus the non-torch lines that sit between them in real logs.
const line = fc.oneof(
  fc
    .tuple(fc.constantFrom("", "[rank1]:", "(W rank=2 pid=3) "), fc.constantFrom("10", "11"), messageText)
    .map(
      ([pre, lineno, msg]) =>
        `${pre}V0101 00:00:01.000000 7 torch/_dynamo/guards.py:${lineno}] [0/0] [__guards] ${msg}`,
    ),
  messageText.map(
    (msg) => `I0101 00:00:02.000000 8 torch/_dynamo/eval_frame.py:3]${msg === "" ? "" : ` ${msg}`}`,
  ),
  fc
    .tuple(fc.constantFrom("", " [0/0]"), fc.constantFrom("", "."), messageText)
    .map(
      ([tid, glued, msg]) =>
        `${glued}[2023-04-14 09:55:30,333]${tid} torch._dynamo.convert_frame: [WARNING] ${msg}`,
    ),
  messageText.map((msg) => `torchdynamo.convert_frame: [ERROR] ${msg}`),
  fc.constantFrom(
    "",
    "   ",
    "Traceback (most recent call last):",
    '  File "x.py", line 1, in f',
    "RuntimeError: boom",
    "INFO 2024-12-10 18:28:00,562 Etcd machines",
    "[rank1]:[W204 16:40:13.733434151 RegisterXPU.cpp:7614] Warning",
    "(W rank=2 pid=3)   continued",
  ),
  messageText,
);

const logText = fc
  .tuple(fc.array(fc.tuple(line, fc.constantFrom("\n", "\r\n")), { maxLength: 40 }), fc.boolean())
  .map(([pairs, terminated]) => {
    const text = pairs.map(([l, eol]) => l + eol).join("");
    return terminated ? text : text.replace(/\r?\n$/, "");
  });

const options = fc.record(
  {
    keepOtherLines: fc.boolean(),
    continuation: fc.constantFrom("auto", "conservative", "until-blank-line"),
    maxInterleavedLines: fc.integer({ min: 0, max: 4 }),
    maxBufferedChars: fc.integer({ min: 1, max: 400 }),
    maxLineChars: fc.integer({ min: 1, max: 120 }),
  } as const,
  { requiredKeys: [] },
);

describe("PytorchLogParser properties", () => {
  it("returns the same records whether input arrives whole, line by line or in random chunks", () => {
    fc.assert(
      fc.property(logText, options, fc.array(fc.nat(), { maxLength: 20 }), (text, opts, cuts) => {
        const whole = run([text], opts);
        expect(run(splitLines(text), opts)).toStrictEqual(whole);
        expect(run(splitAt(text, cuts), opts)).toStrictEqual(whole);
        expect(run([...text], opts)).toStrictEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it("accounts for every input line exactly once", () => {
    fc.assert(
      fc.property(logText, options, (text, opts) => {
        const { records, stats } = run([text], opts);
        const consumed = records.reduce((sum, r) => sum + r.lineCount, 0);
        expect(stats.linesIn).toBe(countLines(text));
        expect(consumed + stats.skippedLines).toBe(stats.linesIn);
        expect(stats.recordsOut).toBe(records.length);
        expect(records.map((r) => r.firstLineNumber)).toStrictEqual(
          records.map((r) => r.firstLineNumber).sort((a, b) => a - b),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("gives the same records for the samples in any chunking", () => {
    const dir = new URL("../fixtures/pytorch-logs/", import.meta.url);
    const texts = readdirSync(dir)
      .filter((name) => name.endsWith(".log"))
      .map((name) => readFileSync(new URL(name, dir), "utf8"));
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.array(fc.nat(), { maxLength: 30 }), (text, cuts) => {
        expect(run(splitAt(text.replaceAll("\n", "\r\n"), cuts)).records).toStrictEqual(run([text]).records);
      }),
      { numRuns: 200 },
    );
  });
});

describe("PytorchLogParser memory", () => {
  /** 100 000 lines: multi-line records, two interleaved workers, prints and blank lines. */
  function* generateLines(count: number): Generator<string> {
    for (let i = 0; i < count; i++) {
      const record = Math.floor(i / 10);
      const second = String(record % 60).padStart(2, "0");
      const worker = i % 2;
      switch (i % 10) {
        case 8:
          yield `step ${i}: loss 1.0\n`;
          break;
        case 9:
          yield "\n";
          break;
        default:
          yield `(W rank=${worker} pid=${worker}) [rank${worker}]:V0101 00:00:${second}.${String(record).padStart(6, "0")} ${worker} torch/_dynamo/guards.py:1] [0/0] [__guards] ${i % 10 < 2 ? "GUARDS:" : `+- guard ${i}`}\n`;
      }
    }
  }

  it("streams 100 000 lines with a bounded buffer", () => {
    const parser = new PytorchLogParser({ maxBufferedChars: 65_536 });
    let consumed = 0;
    let maxLines = 0;
    let chunk = "";
    const take = (records: PytorchLogRecord[]) => {
      for (const r of records) consumed += r.lineCount;
      maxLines = Math.max(maxLines, parser.buffer.lines);
      expect(parser.buffer.chars).toBeLessThanOrEqual(65_536);
    };
    for (const text of generateLines(100_000)) {
      chunk += text;
      if (chunk.length >= 4096) {
        take(parser.push(chunk));
        chunk = "";
      }
    }
    take(parser.push(chunk));
    take(parser.end());
    expect(parser.stats).toMatchObject({ linesIn: 100_000, otherLines: 20_000, truncatedLines: 0 });
    expect(parser.stats.torchRecords).toBe(20_000);
    expect(consumed).toBe(100_000);
    // Held back at most: the two open records and what passed since the older one started.
    expect(maxLines).toBeLessThanOrEqual(40);
    expect(parser.buffer).toStrictEqual({ records: 0, lines: 0, chars: 0, partialLineChars: 0 });
  });

  it("holds a single 100 000-line record within maxBufferedChars", () => {
    const parser = new PytorchLogParser({ maxBufferedChars: 65_536 });
    const prefix = "V0101 00:00:01.000000 7 torch/_dynamo/guards.py:10] [0/0] [__guards]";
    let consumed = 0;
    let parts = 0;
    for (let i = 0; i < 100_000; i++) {
      for (const r of parser.push(`${prefix} guard ${i}\n`)) {
        consumed += r.lineCount;
        parts++;
      }
      expect(parser.buffer.chars).toBeLessThanOrEqual(65_536);
    }
    for (const r of parser.end()) {
      consumed += r.lineCount;
      parts++;
    }
    expect(consumed).toBe(100_000);
    expect(parts).toBeGreaterThan(10);
  });
});
