import { describe, expect, it } from "vitest";
import { PytorchLogParser, parsePytorchLog } from "../../src/ingest/pytorch-log-parser.ts";
import type { PytorchLogParserOptions, PytorchLogRecord } from "../../src/ingest/pytorch-log-record.ts";
import { compileLogFormatMatcher } from "../../src/pytorch-line/compile-log-format-matcher.ts";
import { expectFields } from "../pytorch-line/expect-fields.ts";

const lines = (...text: string[]) => `${text.join("\n")}\n`;

/** A compact view of the record sequence: kind, first line, line count. */
function shape(records: PytorchLogRecord[]): string[] {
  return records.map((r) => `${r.kind}@${r.firstLineNumber}+${r.lineCount}`);
}

const G1 = "V0101 00:00:01.000000 7 torch/_dynamo/guards.py:10] [0/0] [__guards]";
const G2 = "V0101 00:00:01.000000 7 torch/_dynamo/guards.py:11] [0/0] [__guards]";
const T1 = "W0101 00:00:00.000000 1 torch/x.py:1 [0/0]";

describe("PytorchLogParser grouping", () => {
  it.each([
    {
      name: "identical prefixes form one record",
      input: lines(`${G1} a`, `${G1}   b`, `${G1} `, G1),
      shape: ["torch@1+4"],
      first: { message: "a\n  b\n\n" },
    },
    {
      name: "a different line number starts a new record",
      input: lines(`${G1} a`, `${G2} b`),
      shape: ["torch@1+1", "torch@2+1"],
    },
    {
      name: "a different trace id starts a new record",
      input: lines(`${G1} a`, `${G1.replace("[0/0]", "[0/0_1]")} b`),
      shape: ["torch@1+1", "torch@2+1"],
    },
    {
      name: "glued text can only start a record",
      input: lines(`${G1} a`, `50%|##| ${G1} b`),
      shape: ["torch@1+1", "torch@2+1"],
    },
    {
      name: "torchdynamo headers are never merged: that format prefixes only first lines",
      input: lines("torchdynamo.convert_frame: [INFO] a", "torchdynamo.convert_frame: [INFO] a"),
      shape: ["torch@1+1", "torch@2+1"],
    },
    {
      // A line is taken as a repetition of the previous prefix only where that cannot read otherwise: the
      // transitional prefix has no `]`, so a later `:N]` in the line makes it a glog header.
      name: "a repeated transitional prefix is read again: a `:N]` in the message makes a glog header",
      input: lines(`${T1} first`, `${T1} see y.py:5] here`, `${T1} last`),
      shape: ["torch@1+2", "torch@2+1"],
      first: { format: "glog-transitional", message: "first\nlast" },
    },
    {
      name: "a record stays open across other output (a second writer on the same stream)",
      input: lines(`${G1} a`, "unrelated print", `${G1} b`),
      shape: ["torch@1+2", "other@2+1"],
      first: { message: "a\nb" },
    },
  ])("$name", ({ input, shape: expected, first }) => {
    const records = parsePytorchLog(input);
    expect(shape(records)).toStrictEqual(expected);
    if (first !== undefined) expectFields(records[0], first);
  });

  it("reassembles workers interleaved line by line, in input order", () => {
    const rank = (r: number) =>
      `(VllmWorker rank=${r} pid=29${r}) [rank${r}]:V0618 08:08:25.749000 29${r} site-packages/torch/fx/experimental/symbolic_shapes.py:100] [0/0]`;
    const input = lines(
      `${rank(0)} r0 a`,
      `${rank(1)} r1 a`,
      `${rank(0)}   r0 b`,
      `${rank(1)}   r1 b`,
      `${rank(0)}   r0 c`,
    );
    const records = parsePytorchLog(input);
    expect(shape(records)).toStrictEqual(["torch@1+3", "torch@2+2"]);
    expectFields(records[0], {
      rank: 0,
      message: "r0 a\n  r0 b\n  r0 c",
      wrapper: "(VllmWorker rank=0 pid=290) ",
    });
    expectFields(records[1], { rank: 1, message: "r1 a\n  r1 b" });
  });

  it("with maxInterleavedLines 0 only adjacent lines group", () => {
    const input = lines(`${G1} a`, "print", `${G1} b`);
    expect(shape(parsePytorchLog(input, { maxInterleavedLines: 0 }))).toStrictEqual([
      "torch@1+1",
      "other@2+1",
      "torch@3+1",
    ]);
  });

  it("completes a record once maxInterleavedLines lines passed without it", () => {
    const parser = new PytorchLogParser({ maxInterleavedLines: 2 });
    expect(parser.push(lines(`${G1} a`, "x", "y"))).toStrictEqual([]);
    expect(shape(parser.push(lines("z")))).toStrictEqual([
      "torch@1+1",
      "other@2+1",
      "other@3+1",
      "other@4+1",
    ]);
  });
});

const WARN_20 = "[2023-04-14 09:55:30,333] torch._dynamo.convert_frame: [WARNING]";

describe("PytorchLogParser unprefixed continuation lines", () => {
  it.each([
    {
      name: "glog: a line after a record is other output",
      input: lines(`${G1} a`, "  indented print"),
      shape: ["torch@1+1", "other@2+1"],
    },
    {
      name: "glog wrapped after the prefix: message and trace id come back (alcf_aurora)",
      input: lines(
        "[rank0]:W0731 15:32:04.367000 92672 site-packages/torch/_logging/_internal.py:1146] ",
        "[0/0] [__guards] Profiler function will be ignored",
        "more words",
        "",
        "after a blank line",
      ),
      shape: ["torch@1+3", "other@4+1", "other@5+1"],
      first: {
        compileId: { raw: "0/0", frameId: 0, frameCompileId: 0, attempt: 0 },
        artifact: "guards",
        message: "Profiler function will be ignored\nmore words",
        unprefixedLineCount: 2,
      },
    },
    {
      name: "an unclosed bracket continues until it closes (pytorch_pr108864)",
      input: lines(
        "[2023-09-08 06:04:48,532] [0/0] torch._dynamo.symbolic_convert: [DEBUG] TRACE foo [Constant(int), NN",
        "Module(",
        "x)]",
        "next print",
      ),
      shape: ["torch@1+3", "other@4+1"],
      first: { message: "TRACE foo [Constant(int), NN\nModule(\nx)]" },
    },
    {
      name: "2.0 format: a traceback after the message belongs to it, the print after it does not",
      input: lines(
        `${WARN_20} failed`,
        "Traceback (most recent call last):",
        '  File "/x.py", line 1, in f',
        "    g()",
        "torch._dynamo.exc.Unsupported: call_function",
        "iter 0: loss 4.2",
      ),
      shape: ["torch@1+5", "other@6+1"],
      first: { unprefixedLineCount: 4 },
    },
    {
      name: "2.0 format: indented continuation lines are attached",
      input: lines(
        `${WARN_20} torch._dynamo hit config.cache_size_limit (64)`,
        "   function: 'f' (x.py:1)",
        "to diagnose",
      ),
      shape: ["torch@1+2", "other@3+1"],
    },
    {
      name: "2.0 format: prints after a record stay separate (nanogpt)",
      input: lines(`${WARN_20} using triton random`, "iter 0: loss 4.2586", "iter 10: loss 3.2202"),
      shape: ["torch@1+1", "other@2+1", "other@3+1"],
    },
    {
      name: "2.0 format: message on the next line, lost `[` (pytorch_pr88480)",
      input: lines(
        "2022-11-04 18:25:32,123] torch._dynamo.optimizations.distributed: [INFO]",
        "DDPOptimizer used bucket cap 25000000 and produced the following buckets:",
        "│   Index │   Size (b) │",
        "",
        "step 1",
      ),
      shape: ["torch@1+3", "other@4+1", "other@5+1"],
      // The message started with "\n": 2.0 prefixed only its first line, which is kept, empty.
      first: {
        message:
          "\nDDPOptimizer used bucket cap 25000000 and produced the following buckets:\n│   Index │   Size (b) │",
      },
    },
    {
      name: "torchdynamo: a block up to the blank line is one record",
      input: lines(
        "torchdynamo.convert_frame: [ERROR] WON'T CONVERT forward x.py line 10 ",
        "due to: ",
        "Traceback (most recent call last):",
        '  File "x.py", line 3, in f',
        "torchdynamo.exc.Unsupported: generic_jump",
        "",
        "from user code:",
      ),
      shape: ["torch@1+5", "other@6+1", "other@7+1"],
    },
    {
      name: "look-alike log lines never join, even after an empty header",
      input: lines(
        "I1210 18:28:00.405000 1 torch/distributed/run.py:1]",
        "INFO 2024-12-10 18:28:00,562 Etcd machines",
      ),
      shape: ["torch@1+1", "other@2+1"],
    },
    {
      name: "a continuation must carry the record's wrapper",
      input: lines(
        `(W rank=1 pid=1) ${WARN_20} failed`,
        "(W rank=2 pid=2)   File from another worker",
        `(W rank=1 pid=1) ${WARN_20.replace(",333", ",334")} again`,
        "(W rank=1 pid=1)   File ours",
      ),
      shape: ["torch@1+1", "other@2+1", "torch@3+2"],
      last: { message: "again\n  File ours" },
    },
  ])("$name", ({ input, shape: expected, first, last }) => {
    const records = parsePytorchLog(input);
    expect(shape(records)).toStrictEqual(expected);
    if (first !== undefined) expectFields(records[0], first);
    if (last !== undefined) expectFields(records.at(-1), last);
  });

  it.each<[PytorchLogParserOptions["continuation"], string[]]>([
    ["auto", ["torch@1+1", "other@2+1", "torch@3+3"]],
    ["conservative", ["torch@1+1", "other@2+1", "torch@3+1", "other@4+1", "other@5+1"]],
    ["until-blank-line", ["torch@1+2", "torch@3+3"]],
  ])("continuation %s", (continuation, expected) => {
    const input = lines(
      `${WARN_20} using triton random`,
      "iter 0: loss 4.2586",
      "torchdynamo.convert_frame: [ERROR] WON'T CONVERT f",
      "due to: ",
      "RuntimeError",
    );
    expect(shape(parsePytorchLog(input, { continuation }))).toStrictEqual(expected);
  });
});

describe("PytorchLogParser input handling", () => {
  it.each([
    { name: "empty input", input: "", shape: [] },
    { name: "a lone newline is one empty line", input: "\n", shape: ["other@1+1"] },
    { name: "an unterminated last line counts", input: `${G1} a\nlast`, shape: ["torch@1+1", "other@2+1"] },
    { name: "blank lines are kept", input: "\n\n\n", shape: ["other@1+1", "other@2+1", "other@3+1"] },
  ])("$name", ({ input, shape: expected }) => {
    expect(shape(parsePytorchLog(input))).toStrictEqual(expected);
  });

  it("strips CRLF even when \\r and \\n arrive in different chunks", () => {
    const parser = new PytorchLogParser();
    const records = [
      ...parser.push(`${G1} a\r`),
      ...parser.push(`\n${G1} b\r\nplain\r`),
      ...parser.push("\n"),
      ...parser.end(),
    ];
    expect(records).toHaveLength(2);
    expectFields(records[0], { message: "a\nb" });
    expectFields(records[1], { kind: "other", text: "plain" });
  });

  it("keeps a message's own \\r before the newline in LF output (a `\\r\\n` in a message)", () => {
    const [record] = parsePytorchLog(`${G1} a\n${G1} crlf\r\n${G1} next\n`);
    expectFields(record, { kind: "torch", message: "a\ncrlf\r\nnext" });
  });

  it("keeps a lone \\r (tqdm redraws) inside the line", () => {
    const [record] = parsePytorchLog(`10%|#\r20%|##\r${G1} a\n`);
    expectFields(record, { kind: "torch", glued: "10%|#\r20%|##\r", message: "a" });
  });

  it("returns records as soon as a later line completes them", () => {
    const parser = new PytorchLogParser({ maxInterleavedLines: 0 });
    expect(parser.push(`${G1} a\n${G1} b\n`)).toStrictEqual([]);
    expect(shape(parser.push(`${G2} c\n`))).toStrictEqual(["torch@1+2"]);
    expect(shape(parser.end())).toStrictEqual(["torch@3+1"]);
  });

  it("flush() completes open records but keeps the partial line", () => {
    const parser = new PytorchLogParser();
    parser.push(`${G1} a\npartial`);
    expect(shape(parser.flush())).toStrictEqual(["torch@1+1"]);
    expect(parser.buffer).toStrictEqual({ records: 0, lines: 0, chars: 0, partialLineChars: 7 });
    expect(parser.push(" line\n")).toMatchObject([{ kind: "other", text: "partial line" }]);
  });

  it("after flush(), more lines with the same prefix form a record marked continued", () => {
    const parser = new PytorchLogParser();
    expect(parser.push(`${G1} a\n`)).toStrictEqual([]);
    expect(parser.flush()).toMatchObject([{ message: "a", continued: false }]);
    parser.push(`${G1} b\n`);
    expect(parser.end()).toMatchObject([{ message: "b", continued: true, firstLineNumber: 2 }]);
  });

  it("rejects push() after end()", () => {
    const parser = new PytorchLogParser();
    parser.end();
    expect(() => parser.push("x")).toThrow(/push\(\) after end\(\)/);
    expect(parser.end()).toStrictEqual([]);
  });

  it("cuts a line longer than maxLineChars and never buffers more of it", () => {
    const parser = new PytorchLogParser({ maxLineChars: 100 });
    const records: PytorchLogRecord[] = [];
    records.push(...parser.push(`${G1} `));
    for (let i = 0; i < 50; i++) {
      records.push(...parser.push("x".repeat(1000)));
      expect(parser.buffer.partialLineChars).toBeLessThanOrEqual(101);
    }
    records.push(...parser.push("\nnext\n"), ...parser.end());
    expect(shape(records)).toStrictEqual(["torch@1+1", "other@2+1"]);
    expectFields(records[0], { truncated: true, artifact: "guards" });
    expect(parser.stats.truncatedLines).toBe(1);
  });

  it("a line of exactly maxLineChars before CRLF is not cut", () => {
    const [record] = parsePytorchLog(`${"y".repeat(10)}\r\n`, { maxLineChars: 10 });
    expectFields(record, { text: "y".repeat(10), truncated: false });
  });

  it("splits a record larger than maxBufferedChars into continued parts", () => {
    const body = Array.from({ length: 100 }, (_, i) => `${G1}   line ${i}`);
    const parser = new PytorchLogParser({ maxBufferedChars: 200 });
    const records: PytorchLogRecord[] = [];
    for (const line of body) {
      records.push(...parser.push(`${line}\n`));
      expect(parser.buffer.chars).toBeLessThanOrEqual(200);
    }
    records.push(...parser.end());
    expect(records.length).toBeGreaterThan(1);
    expect(records.every((r) => r.kind === "torch")).toBe(true);
    expect(records.map((r) => r.kind === "torch" && r.continued)).toStrictEqual(records.map((_, i) => i > 0));
    const message = records.map((r) => (r.kind === "torch" ? r.message : "")).join("\n");
    expect(message).toBe(body.map((_, i) => `  line ${i}`).join("\n"));
  });
});

// TORCH_LOGS_FORMAT=short prefixes only a record's first line; what follows its message (the program's last
// print, gb_format_short of the 2.13 and 2.15 corpora) is other output when an empty line ended the message.
describe("PytorchLogParser custom formats: output after a record", () => {
  const logFormat = compileLogFormatMatcher("short");
  const GB = "DEBUG:torch._dynamo.symbolic_convert.__graph_breaks:Graph break in user code at w.py:19";
  it.each([
    [
      "after the message's last empty line",
      [GB, "  File w.py", "    x.item()", "", "done"],
      ["torch@1+4", "other@5+1"],
    ],
    ["more lines of it", [GB, "", "done", "exit"], ["torch@1+2", "other@3+1", "other@4+1"]],
    [
      "not a paragraph the message ends with one",
      [GB, "Reason:", "", "Set VERBOSE=1", "", GB],
      ["torch@1+5", "torch@6+1"],
    ],
    ["not indented text", [GB, "", "  Hint: x"], ["torch@1+3"]],
    ["not the close of an open bracket", ["INFO:torch._dynamo:frames: [", "  * f", "", "]"], ["torch@1+4"]],
    ["not text without an empty line before it", [GB, "Reason:", "done"], ["torch@1+3"]],
  ])("%s", (_name, input, expected) => {
    expect(shape(parsePytorchLog(lines(...input), { logFormat }))).toStrictEqual(expected);
  });

  it("skipped and counted with keepOtherLines: false; flush() splits too", () => {
    const parser = new PytorchLogParser({ logFormat, keepOtherLines: false });
    const records = [...parser.push(lines(GB, "", "done")), ...parser.flush()];
    expect(shape(records)).toStrictEqual(["torch@1+2"]);
    expect(parser.stats).toMatchObject({ linesIn: 3, otherLines: 1, skippedLines: 1 });
    expect(parser.buffer).toMatchObject({ records: 0, lines: 0, chars: 0 });
  });
});

describe("PytorchLogParser counters", () => {
  it("counts lines, records and other lines", () => {
    const parser = new PytorchLogParser();
    parser.push(lines(`${G1} a`, `${G1} b`, "print", `${G2} c`));
    parser.end();
    expect(parser.stats).toStrictEqual({
      linesIn: 4,
      recordsOut: 3,
      torchRecords: 2,
      otherRecords: 1,
      otherLines: 1,
      skippedLines: 0,
      truncatedLines: 0,
    });
  });

  it("keepOtherLines: false skips other lines but counts them", () => {
    const parser = new PytorchLogParser({ keepOtherLines: false });
    const records = [...parser.push(lines("print", `${G1} a`, "", "print")), ...parser.end()];
    expect(shape(records)).toStrictEqual(["torch@2+1"]);
    expect(parser.stats).toMatchObject({
      linesIn: 4,
      skippedLines: 3,
      otherLines: 3,
      otherRecords: 0,
      recordsOut: 1,
    });
  });
});
