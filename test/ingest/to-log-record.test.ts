// toLogRecord on real lines from test/fixtures/pytorch-logs (copied verbatim unless a comment says how one
// was changed). Expectations were written from reading the lines.

import { SeverityNumber } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import type { MappedLogRecord } from "../../src/delivery/mapped-log-record.ts";
import { parsePytorchLog } from "../../src/ingest/pytorch-log-parser.ts";
import { OTHER_LINES_SCOPE, type ToLogRecordOptions, toLogRecord } from "../../src/ingest/to-log-record.ts";

const REFERENCE = Date.parse("2025-06-01T00:00:00Z");
const OPTIONS: ToLogRecordOptions = { reference: REFERENCE, utcOffsetMinutes: 0 };

function map(lines: readonly string[], options: ToLogRecordOptions = OPTIONS): MappedLogRecord[] {
  return parsePytorchLog(`${lines.join("\n")}\n`).map((record) => toLogRecord(record, options));
}

/** `[seconds, nanoseconds]` of an ISO instant plus sub-millisecond nanoseconds. */
function hr(iso: string, nanos: number): [number, number] {
  return [Date.parse(iso) / 1000, nanos];
}

const AOT =
  "I0121 00:38:07.894000 2422825 site-packages/torch/_functorch/_aot_autograd/graph_capture.py:289] [!0/5/0] [__aot_graphs]";
const RANK3 =
  "[rank3]:V0306 22:17:59.702000 139967781041280 torch/_dynamo/symbolic_convert.py:516] [0/0] [__graph_breaks]";
const RECOMPILES = "[2023-11-15 16:13:26,741] torch._dynamo.guards.__recompiles_verbose: [DEBUG]";

const CASES: ReadonlyArray<{ name: string; lines: string[]; expected: MappedLogRecord }> = [
  {
    name: "glog: compiled-autograd trace id, artifact, pid, site-packages path, multi-line body",
    lines: [`${AOT} TRACED GRAPH`, `${AOT}  ===== Forward graph 2 =====`],
    expected: {
      scope: "torch._functorch._aot_autograd.graph_capture",
      timestamp: hr("2025-01-21T00:38:07Z", 894_000_000),
      severityNumber: SeverityNumber.INFO,
      severityText: "INFO",
      body: "TRACED GRAPH\n ===== Forward graph 2 =====",
      attributes: {
        "torch.artifact": "aot_graphs",
        "code.file.path": "site-packages/torch/_functorch/_aot_autograd/graph_capture.py",
        "code.line.number": 289,
        "process.pid": 2422825,
        "torch.compile_id": "!0/5/0",
        "torch.compile.frame_id": 5,
        "torch.compile.frame_compile_id": 0,
        "torch.compile.attempt": 0,
        "torch.compile.compiled_autograd_id": 0,
        "torch.log.format": "glog",
      },
    },
  },
  {
    name: "glog: torch's rank prefix and a 15-digit thread id (PyTorch 2.3/2.4)",
    lines: [`${RANK3} Graph break: from user code at:`, `${RANK3}     return fn(*args, **kwargs)`],
    expected: {
      scope: "torch._dynamo.symbolic_convert",
      timestamp: hr("2025-03-06T22:17:59Z", 702_000_000),
      severityNumber: SeverityNumber.DEBUG,
      severityText: "DEBUG",
      body: "Graph break: from user code at:\n    return fn(*args, **kwargs)",
      attributes: {
        "torch.artifact": "graph_breaks",
        "code.file.path": "torch/_dynamo/symbolic_convert.py",
        "code.line.number": 516,
        "thread.id": 139967781041280,
        "torch.rank": 3,
        "torch.compile_id": "0/0",
        "torch.compile.frame_id": 0,
        "torch.compile.frame_compile_id": 0,
        "torch.compile.attempt": 0,
        "torch.log.format": "glog",
      },
    },
  },
  {
    name: "glog: restart attempt _1",
    lines: [
      "V0121 00:38:06.327000 2422825 site-packages/torch/_dynamo/output_graph.py:1983] [1/0_1] [__graph_code] TRACED GRAPH",
    ],
    expected: {
      scope: "torch._dynamo.output_graph",
      timestamp: hr("2025-01-21T00:38:06Z", 327_000_000),
      severityNumber: SeverityNumber.DEBUG,
      severityText: "DEBUG",
      body: "TRACED GRAPH",
      attributes: {
        "torch.artifact": "graph_code",
        "code.file.path": "site-packages/torch/_dynamo/output_graph.py",
        "code.line.number": 1983,
        "process.pid": 2422825,
        "torch.compile_id": "1/0_1",
        "torch.compile.frame_id": 1,
        "torch.compile.frame_compile_id": 0,
        "torch.compile.attempt": 1,
        "torch.log.format": "glog",
      },
    },
  },
  {
    name: "glog behind a vLLM wrapper: the wrapper is kept, trimmed; WARNING is WARN",
    lines: [
      "(EngineCore pid=62) [rank0]:W0326 11:04:11.434000 62 torch/_inductor/utils.py:1679] Not enough SMs to use max_autotune_gemm mode",
    ],
    expected: {
      scope: "torch._inductor.utils",
      timestamp: hr("2025-03-26T11:04:11Z", 434_000_000),
      severityNumber: SeverityNumber.WARN,
      severityText: "WARN",
      body: "Not enough SMs to use max_autotune_gemm mode",
      attributes: {
        "code.file.path": "torch/_inductor/utils.py",
        "code.line.number": 1679,
        "process.pid": 62,
        "torch.rank": 0,
        "torch.log.format": "glog",
        "torch.log.wrapper": "(EngineCore pid=62)",
      },
    },
  },
  {
    // The vllm_enginecore line with its path replaced by `<string>`: no torch module, so the fallback scope.
    name: "glog from a path that is no torch module: scope torch",
    lines: ["[rank0]:W0326 11:04:11.434000 62 <string>:2] Not enough SMs to use max_autotune_gemm mode"],
    expected: {
      scope: "torch",
      timestamp: hr("2025-03-26T11:04:11Z", 434_000_000),
      severityNumber: SeverityNumber.WARN,
      severityText: "WARN",
      body: "Not enough SMs to use max_autotune_gemm mode",
      attributes: {
        "code.file.path": "<string>",
        "code.line.number": 2,
        "process.pid": 62,
        "torch.rank": 0,
        "torch.log.format": "glog",
      },
    },
  },
  {
    name: "bracket: the logger name minus .__artifact is the scope; the year is printed; milliseconds",
    lines: [
      `${RECOMPILES} Recompiling function fn in /data/users/williamwen/pytorch/playground5.py:15`,
      `${RECOMPILES}     guard 0 failures:`,
    ],
    expected: {
      scope: "torch._dynamo.guards",
      timestamp: hr("2023-11-15T16:13:26Z", 741_000_000),
      severityNumber: SeverityNumber.DEBUG,
      severityText: "DEBUG",
      body: "Recompiling function fn in /data/users/williamwen/pytorch/playground5.py:15\n    guard 0 failures:",
      attributes: { "torch.artifact": "recompiles_verbose", "torch.log.format": "bracket" },
    },
  },
  {
    name: "bracket with torch's rank prefix and a trace id",
    lines: [
      "[rank3]:[2024-01-22 15:00:01,385] [0/0] torch._dynamo.symbolic_convert: [INFO] Step 1: torchdynamo start tracing __init__ <string>:2",
    ],
    expected: {
      scope: "torch._dynamo.symbolic_convert",
      timestamp: hr("2024-01-22T15:00:01Z", 385_000_000),
      severityNumber: SeverityNumber.INFO,
      severityText: "INFO",
      body: "Step 1: torchdynamo start tracing __init__ <string>:2",
      attributes: {
        "torch.rank": 3,
        "torch.compile_id": "0/0",
        "torch.compile.frame_id": 0,
        "torch.compile.frame_compile_id": 0,
        "torch.compile.attempt": 0,
        "torch.log.format": "bracket",
      },
    },
  },
  {
    name: "PyTorch 2.0 line glued to a tqdm bar: the bar is kept as torch.log.glued",
    lines: [
      "Epoch 1/20:   0%|          | 0/33171 [00:00<?, ?it/s][2025-05-06 21:34:57,547] torch._inductor.utils: [WARNING] using triton random, expect difference from eager",
    ],
    expected: {
      scope: "torch._inductor.utils",
      timestamp: hr("2025-05-06T21:34:57Z", 547_000_000),
      severityNumber: SeverityNumber.WARN,
      severityText: "WARN",
      body: "using triton random, expect difference from eager",
      attributes: {
        "torch.log.format": "bracket",
        "torch.log.glued": "Epoch 1/20:   0%|          | 0/33171 [00:00<?, ?it/s]",
      },
    },
  },
  {
    // pytorch-log-format.md §4's shape (no torchdynamo sample is vendored): no time, so no timestamp.
    name: "2022 torchdynamo: the printed logger name is the scope, no timestamp",
    lines: ["torchdynamo.convert_frame: [WARNING] torchdynamo hit config.cache_size_limit (64)"],
    expected: {
      scope: "torchdynamo.convert_frame",
      severityNumber: SeverityNumber.WARN,
      severityText: "WARN",
      body: "torchdynamo hit config.cache_size_limit (64)",
      attributes: { "torch.log.format": "torchdynamo" },
    },
  },
  {
    name: "another logger's line: other scope, UNSPECIFIED, no text, the raw line as body",
    lines: [
      "(EngineCore pid=62) INFO 03-26 11:04:04 [backends.py:1111] Dynamo bytecode transform time: 7.03 s",
    ],
    expected: {
      scope: OTHER_LINES_SCOPE,
      severityNumber: SeverityNumber.UNSPECIFIED,
      body: "(EngineCore pid=62) INFO 03-26 11:04:04 [backends.py:1111] Dynamo bytecode transform time: 7.03 s",
      attributes: { "torch.log.lookalike": "log" },
    },
  },
  {
    name: "PyTorch's C++ (c10) warning is not a torch._logging record; its [rankN]: is its rank",
    lines: [
      "    [rank1]:[W204 16:40:13.733434151 RegisterXPU.cpp:7614] Warning: Aten Op fallback from XPU to CPU happends.",
    ],
    expected: {
      scope: OTHER_LINES_SCOPE,
      severityNumber: SeverityNumber.UNSPECIFIED,
      body: "    [rank1]:[W204 16:40:13.733434151 RegisterXPU.cpp:7614] Warning: Aten Op fallback from XPU to CPU happends.",
      attributes: { "torch.log.lookalike": "c10", "torch.rank": 1 },
    },
  },
  {
    name: "plain program output",
    lines: ["SingleProcess AUTOTUNE benchmarking takes 1.5804 seconds and 0.0031 seconds precompiling"],
    expected: {
      scope: OTHER_LINES_SCOPE,
      severityNumber: SeverityNumber.UNSPECIFIED,
      body: "SingleProcess AUTOTUNE benchmarking takes 1.5804 seconds and 0.0031 seconds precompiling",
      attributes: {},
    },
  },
];

describe("toLogRecord", () => {
  it.each(CASES)("$name", ({ lines, expected }) => {
    expect(map(lines)).toStrictEqual([expected]);
  });

  it("adds the caller's attributes after the record's own, and uses the caller's other scope", () => {
    const [torch, other] = map(
      ["W0326 11:04:11.434000 62 torch/_inductor/utils.py:1679] Not enough SMs", "print output"],
      { ...OPTIONS, otherScope: "train.py", attributes: { "log.file.name": "train.log" } },
    );
    expect(Object.entries(torch?.attributes ?? {}).at(-1)).toEqual(["log.file.name", "train.log"]);
    expect(other).toMatchObject({ scope: "train.py", attributes: { "log.file.name": "train.log" } });
  });

  it("marks truncated lines and continued records", () => {
    const prefix = "W0326 11:04:11.434000 62 torch/_inductor/utils.py:1679]";
    const records = parsePytorchLog(`${prefix} ${"x".repeat(50)}\n${"y".repeat(50)}\n`, { maxLineChars: 40 });
    const [torch, other] = records.map((record) => toLogRecord(record, OPTIONS));
    expect(torch?.attributes["torch.log.truncated"]).toBe(true);
    expect(other?.attributes["torch.log.truncated"]).toBe(true);

    const parts = parsePytorchLog([1, 2, 3].map((i) => `${prefix}   part ${i}`).join("\n"), {
      maxBufferedChars: 10,
    }).map((record) => toLogRecord(record, OPTIONS));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0]?.attributes).not.toHaveProperty("torch.log.continued");
    expect(parts.at(-1)?.attributes["torch.log.continued"]).toBe(true);
  });

  describe("time", () => {
    const line = "W1231 23:30:00.250000 62 torch/_inductor/utils.py:1679] m";

    it.each([
      {
        name: "year inferred from the reference (Dec 31 read on Jun 1)",
        options: OPTIONS,
        iso: "2024-12-31T23:30:00Z",
      },
      { name: "--year", options: { ...OPTIONS, year: 2019 }, iso: "2019-12-31T23:30:00Z" },
      {
        name: "a fixed UTC offset (+05:30)",
        options: { ...OPTIONS, utcOffsetMinutes: 330 },
        iso: "2024-12-31T18:00:00Z",
      },
    ])("$name", ({ options, iso }) => {
      expect(map([line], options)[0]?.timestamp).toEqual(hr(iso, 250_000_000));
    });

    it("a zone function gets the offset in force at the line's instant, not at the reference", () => {
      // A zone at +60 in winter and +120 in summer (as Europe/Berlin), with the reference in summer.
      const zone = (ms: number) =>
        new Date(ms).getUTCMonth() >= 3 && new Date(ms).getUTCMonth() <= 8 ? 120 : 60;
      const [winter] = map([line], { ...OPTIONS, utcOffsetMinutes: zone });
      expect(winter?.timestamp).toEqual(hr("2024-12-31T22:30:00Z", 250_000_000));
      const [summer] = map(["W0520 12:00:00.000000 62 torch/_inductor/utils.py:1679] m"], {
        ...OPTIONS,
        utcOffsetMinutes: zone,
      });
      expect(summer?.timestamp).toEqual(hr("2025-05-20T10:00:00Z", 0));
    });

    it("a date no year makes valid has no timestamp", () => {
      expect(map(["W0231 10:00:00.000000 62 torch/_inductor/utils.py:1679] m"])[0]).not.toHaveProperty(
        "timestamp",
      );
    });
  });

  it("maps unnamed and NOTSET levels as the Python handler does", () => {
    const [level15, notset] = map([
      "[2023-11-15 16:13:26,741] torch._dynamo.guards: [Level 15] fifteen",
      "[2023-11-15 16:13:26,741] torch._dynamo.guards: [NOTSET] notset",
    ]);
    expect(level15).toMatchObject({ severityNumber: SeverityNumber.DEBUG4, severityText: "Level 15" });
    expect(notset).toMatchObject({ severityNumber: SeverityNumber.UNSPECIFIED, severityText: "NOTSET" });
  });
});
