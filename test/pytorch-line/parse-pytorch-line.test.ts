import { describe, expect, it } from "vitest";
import { parsePytorchLine } from "../../src/pytorch-line/parse-pytorch-line.ts";
import type { TorchLogLine } from "../../src/pytorch-line/pytorch-log-line.ts";
import { expectFields } from "./expect-fields.ts";

const V = { levelno: 10, levelName: "DEBUG" };
const I = { levelno: 20, levelName: "INFO" };
const W = { levelno: 30, levelName: "WARNING" };
const E = { levelno: 40, levelName: "ERROR" };
const C = { levelno: 50, levelName: "CRITICAL" };
const id00 = { raw: "0/0", frameId: 0, frameCompileId: 0, attempt: 0 };

interface HeaderCase {
  readonly name: string;
  readonly line: string;
  readonly expected: Partial<TorchLogLine>;
}

// Variant A (pytorch-log-format.md §1): the current glog-style format.
const glog: HeaderCase[] = [
  {
    name: "artifact line with trace id (yaoshiang_sandbox)",
    line: "V0121 00:38:06.315000 2422825 site-packages/torch/_dynamo/symbolic_convert.py:611] [1/0] [__graph_breaks] Graph Break Reason: Unsupported Tensor.backward() call",
    expected: {
      format: "glog",
      ...V,
      time: {
        month: 1,
        day: 21,
        hour: 0,
        minute: 38,
        second: 6,
        microsecond: 315_000,
        precision: "microsecond",
      },
      id: "2422825",
      processId: 2422825,
      path: "site-packages/torch/_dynamo/symbolic_convert.py",
      lineno: 611,
      scope: "torch._dynamo.symbolic_convert",
      compileId: { raw: "1/0", frameId: 1, frameCompileId: 0, attempt: 0 },
      artifact: "graph_breaks",
      message: "Graph Break Reason: Unsupported Tensor.backward() call",
      wrapper: "",
      glued: "",
      prefix:
        "V0121 00:38:06.315000 2422825 site-packages/torch/_dynamo/symbolic_convert.py:611] [1/0] [__graph_breaks]",
    },
  },
  {
    name: "real microseconds, level E (dropbox_gemlite22)",
    line: "E0318 11:31:03.682039 78640 torch/_inductor/select_algorithm.py:1300] [0/0] Exception out of resource",
    expected: {
      ...E,
      time: {
        month: 3,
        day: 18,
        hour: 11,
        minute: 31,
        second: 3,
        microsecond: 682_039,
        precision: "microsecond",
      },
    },
  },
  {
    name: "level C (CRITICAL), not observed but defined",
    line: "C0101 00:00:00.000000 1 torch/_dynamo/utils.py:1] boom",
    expected: { ...C, message: "boom" },
  },
  {
    name: "rank prefix and 15-digit thread id (pytorch_issue121386)",
    line: "[rank3]:V0306 22:17:59.702000 139967781041280 torch/_dynamo/symbolic_convert.py:516] [0/0] [__graph_breaks] Graph break: from user code at:",
    expected: {
      rank: 3,
      id: "139967781041280",
      threadId: 139967781041280,
      processId: undefined,
      compileId: id00,
    },
  },
  {
    name: "restart attempt _1",
    line: "V0121 00:38:06.327000 2422825 site-packages/torch/_dynamo/output_graph.py:1983] [1/0_1] [__graph_code] TRACED GRAPH",
    expected: {
      compileId: { raw: "1/0_1", frameId: 1, frameCompileId: 0, attempt: 1 },
      artifact: "graph_code",
    },
  },
  {
    name: "compiled autograd id with frame (!0/5/0)",
    line: "I0121 00:38:07.894000 2422825 site-packages/torch/_functorch/_aot_autograd/graph_capture.py:289] [!0/5/0] [__aot_graphs] TRACED GRAPH",
    expected: {
      ...I,
      compileId: { raw: "!0/5/0", compiledAutogradId: 0, frameId: 5, frameCompileId: 0, attempt: 0 },
      artifact: "aot_graphs",
    },
  },
  {
    name: "bare compiled autograd id (!0)",
    line: "V0121 00:38:07.000000 2422825 site-packages/torch/_dynamo/compiled_autograd.py:100] [!0] [__compiled_autograd] TRACED GRAPH",
    expected: { compileId: { raw: "!0", compiledAutogradId: 0, attempt: 0 }, artifact: "compiled_autograd" },
  },
  {
    name: "artifact without trace id (2024 recompiles)",
    line: "V0410 15:48:57.778000 140318524949632 torch/_dynamo/guards.py:1785] [__recompiles] Recompiling function f",
    expected: { compileId: undefined, artifact: "recompiles", message: "Recompiling function f" },
  },
  {
    name: "no trace id, message starting with a non-TID bracket (k8s)",
    line: "I1210 18:28:00.568000 1 site-packages/torch/distributed/elastic/agent/server/api.py:845] [default] starting workers for entrypoint: python3.11",
    expected: {
      compileId: undefined,
      artifact: undefined,
      message: "[default] starting workers for entrypoint: python3.11",
      processId: 1,
    },
  },
  {
    name: "bracketed values after the trace id stay in the message",
    line: "I0618 08:08:25.000000 295 torch/fx/experimental/symbolic_shapes.py:4000] [0/0] [2, int_oo] range",
    expected: { compileId: id00, artifact: undefined, message: "[2, int_oo] range" },
  },
  {
    name: "[5] is not a trace id shape",
    line: "I0618 08:08:25.000000 295 torch/_dynamo/utils.py:1] [5] five",
    expected: { compileId: undefined, message: "[5] five" },
  },
  {
    name: "empty message with the trailing separator space",
    line: "V0922 20:33:25.409000 679839 torch/_functorch/_aot_autograd/dispatch_and_compile_graph.py:204] [0/0] [__aot_graphs] ",
    expected: { message: "", artifact: "aot_graphs" },
  },
  {
    name: "empty message with the separator stripped by an editor",
    line: "W1210 18:28:00.405000 1 site-packages/torch/distributed/run.py:793]",
    expected: { message: "", prefix: "W1210 18:28:00.405000 1 site-packages/torch/distributed/run.py:793]" },
  },
  {
    name: "whitespace-only message keeps its spaces",
    line: "I0922 20:33:25.409000 679839 torch/x.py:204] [0/0] [__aot_graphs]         ",
    expected: { message: "        " },
  },
  {
    name: "custom level name printed in full (ml runs)",
    line: "NOTICE1126 08:29:17.945000 42 mypkg/sub.py:30] notice text",
    expected: { levelName: "NOTICE", levelno: 25, glued: "", scope: "mypkg.sub", message: "notice text" },
  },
  {
    name: "unnamed level printed as Level N",
    line: "Level 151126 08:29:17.945000 42 mypkg/sub.py:31] level 15",
    expected: { levelName: "Level 15", levelno: 15, glued: "", message: "level 15" },
  },
  {
    name: "[__name] of a user module is message text",
    line: "I0102 03:04:05.006000 42 shop/cart.py:21] [__guards] not an artifact",
    expected: { artifact: undefined, message: "[__guards] not an artifact", scope: "shop.cart" },
  },
  {
    name: "[__name] that torch does not register is message text",
    line: "I0102 03:04:05.006000 42 torch/_dynamo/utils.py:21] [__no_such_artifact] text",
    expected: { artifact: undefined, message: "[__no_such_artifact] text" },
  },
  {
    name: "<string> pseudo-path has no scope (torch-logs-semantics.md §7)",
    line: "V1126 08:04:52.733000 17172 <string>:4] [__guards] guard line",
    expected: { path: "<string>", lineno: 4, scope: undefined, artifact: "guards", message: "guard line" },
  },
  {
    name: "Windows path with backslashes",
    line: "W0101 10:00:00.000000 4242 Lib\\site-packages\\torch\\_dynamo\\convert_frame.py:1000] [0/0] msg",
    expected: {
      path: "Lib\\site-packages\\torch\\_dynamo\\convert_frame.py",
      scope: "torch._dynamo.convert_frame",
    },
  },
  {
    name: "absolute Windows path with a drive and spaces",
    line: "W0101 10:00:00.000000 4242 C:\\Program Files\\Py\\Lib\\site-packages\\torch\\_dynamo\\utils.py:12] msg: a:1] b",
    expected: {
      path: "C:\\Program Files\\Py\\Lib\\site-packages\\torch\\_dynamo\\utils.py",
      lineno: 12,
      message: "msg: a:1] b",
    },
  },
  {
    name: "a full level name for a level without a letter (Level 15)",
    line: "Level 150101 12:00:00.000000 7 torch/_dynamo/utils.py:3] custom",
    expected: {
      levelno: 15,
      levelName: "Level 15",
      time: { month: 1, day: 1, hour: 12, minute: 0, second: 0, microsecond: 0, precision: "microsecond" },
    },
  },
  {
    name: "\\r and U+2028 inside a message do not break the match",
    line: "I0101 00:00:00.000000 1 torch/x.py:1] a\rb\u2028c",
    expected: { message: "a\rb\u2028c" },
  },
];

// Variant A0 (§1.5): Feb 2024 nightlies, no `]` after path:line, no artifact marker.
const transitional: HeaderCase[] = [
  {
    name: "with trace id",
    line: "V0213 10:00:00.123000 140000000000001 torch/_dynamo/convert_frame.py:500 [0/0] Graph break",
    expected: {
      format: "glog-transitional",
      ...V,
      threadId: 140000000000001,
      path: "torch/_dynamo/convert_frame.py",
      lineno: 500,
      scope: "torch._dynamo.convert_frame",
      compileId: id00,
      message: "Graph break",
    },
  },
  {
    name: "without trace id",
    line: "I0213 10:00:00.123000 7 torch/_dynamo/eval_frame.py:42 hello",
    expected: { format: "glog-transitional", compileId: undefined, message: "hello" },
  },
];

// Variants B and C (§2, §3).
const bracket: HeaderCase[] = [
  {
    name: "trace id and artifact suffix (INDEX example)",
    line: "[2024-02-06 10:32:24,334] [0/0] torch._dynamo.symbolic_convert.__graph_breaks: [DEBUG] msg",
    expected: {
      format: "bracket",
      ...V,
      time: {
        year: 2024,
        month: 2,
        day: 6,
        hour: 10,
        minute: 32,
        second: 24,
        microsecond: 334_000,
        precision: "millisecond",
      },
      compileId: id00,
      loggerName: "torch._dynamo.symbolic_convert",
      scope: "torch._dynamo.symbolic_convert",
      artifact: "graph_breaks",
      message: "msg",
      prefix: "[2024-02-06 10:32:24,334] [0/0] torch._dynamo.symbolic_convert.__graph_breaks: [DEBUG]",
    },
  },
  {
    name: "rank prefix and trailing-space padding (pytorch_issue117383)",
    line: "[rank6]:[2024-01-16 22:29:36,221] [0/0] torch._dynamo.convert_frame: [INFO] Restarting analysis   ",
    expected: { rank: 6, ...I, loggerName: "torch._dynamo.convert_frame", message: "Restarting analysis   " },
  },
  {
    name: "restart attempt (pytorch_pr119079)",
    line: "[2024-02-02 14:08:19,017] [0/0_1] torch._dynamo.symbolic_convert: [INFO]     y = linear(x)",
    expected: {
      compileId: { raw: "0/0_1", frameId: 0, frameCompileId: 0, attempt: 1 },
      message: "    y = linear(x)",
    },
  },
  {
    name: "no trace id, multi-underscore artifact (pytorch_pr113585)",
    line: "[2023-11-15 16:13:26,741] torch._dynamo.guards.__recompiles_verbose: [DEBUG] Recompiling function fn",
    expected: { compileId: undefined, loggerName: "torch._dynamo.guards", artifact: "recompiles_verbose" },
  },
  {
    name: "empty message with trailing space (pytorch_pr106625)",
    line: "[2023-08-04 17:48:38,550] torch._dynamo.symbolic_convert: [DEBUG] ",
    expected: { message: "", prefix: "[2023-08-04 17:48:38,550] torch._dynamo.symbolic_convert: [DEBUG]" },
  },
  {
    name: "PyTorch 2.0 form (nanogpt)",
    line: "[2023-04-14 09:55:30,333] torch._inductor.utils: [WARNING] using triton random, expect difference from eager",
    expected: { ...W, loggerName: "torch._inductor.utils", artifact: undefined, compileId: undefined },
  },
  {
    name: "opening bracket lost in a paste (pytorch_pr88480)",
    line: "2022-11-04 18:25:32,123] torch._dynamo.optimizations.distributed: [INFO]",
    expected: { ...I, loggerName: "torch._dynamo.optimizations.distributed", message: "", glued: "" },
  },
  {
    name: "ERROR and CRITICAL level names",
    line: "[2023-04-14 09:55:30,333] torch._dynamo.convert_frame: [CRITICAL] x",
    expected: C,
  },
];

// Variant D (§4).
const torchdynamo: HeaderCase[] = [
  {
    name: "2022 package logger",
    line: "torchdynamo.symbolic_convert: [WARNING] Graph break",
    expected: {
      format: "torchdynamo",
      ...W,
      time: undefined,
      loggerName: "torchdynamo.symbolic_convert",
      scope: "torchdynamo.symbolic_convert",
      message: "Graph break",
      prefix: "torchdynamo.symbolic_convert: [WARNING]",
    },
  },
  {
    name: "capitalised root logger",
    line: "Torchdynamo: [WARNING] x",
    expected: { loggerName: "Torchdynamo" },
  },
  {
    name: "torchinductor",
    line: "torchinductor.compile_fx: [INFO] y",
    expected: { ...I, loggerName: "torchinductor.compile_fx" },
  },
];

// §5.1 and §5.2: wrappers and glued text in front of the torch prefix.
const wrapped: HeaderCase[] = [
  {
    name: "vLLM worker wrapper + torch rank (vllm_ascend_1368)",
    line: "(VllmWorker rank=2 pid=295) [rank2]:E0618 08:08:25.749000 295 site-packages/torch/_guards.py:283] [0/0] Error while creating guard:",
    expected: {
      wrapper: "(VllmWorker rank=2 pid=295) ",
      glued: "",
      rank: 2,
      scope: "torch._guards",
      prefix:
        "(VllmWorker rank=2 pid=295) [rank2]:E0618 08:08:25.749000 295 site-packages/torch/_guards.py:283] [0/0]",
    },
  },
  {
    name: "vLLM EngineCore wrapper, no compile id",
    line: "(EngineCore pid=62) [rank0]:W0326 11:04:11.434000 62 torch/_inductor/utils.py:1679] Not enough SMs to use max_autotune_gemm mode",
    expected: { wrapper: "(EngineCore pid=62) ", rank: 0, compileId: undefined },
  },
  {
    name: "Ray wrapper with several key=value pairs",
    line: "(RayWorkerWrapper pid=5678, ip=10.0.0.1) W0101 00:00:00.000000 5678 torch/x.py:1] m",
    expected: { wrapper: "(RayWorkerWrapper pid=5678, ip=10.0.0.1) ", glued: "" },
  },
  {
    name: "Kubeflow node prefix",
    line: "[node-0]: I1210 18:28:00.405000 1 torch/distributed/run.py:1] m",
    expected: { wrapper: "[node-0]: ", rank: undefined },
  },
  {
    name: "torchrun stream prefix (space) before torch's rank prefix (no space)",
    line: "[rank1]: [rank1]:W0516 10:49:23.951000 10143 torch/distributed/elastic/multiprocessing/api.py:900] m",
    expected: { wrapper: "[rank1]: ", rank: 1 },
  },
  {
    name: "markdown indentation (pytorch_issue140394)",
    line: "    V1112 13:10:18.379000 52923 torch/_dynamo/convert_frame.py:1282] [5/0] [__graph_breaks] Graph break: skip: from user code at:",
    expected: { wrapper: "    ", compileId: { raw: "5/0", frameId: 5, frameCompileId: 0, attempt: 0 } },
  },
  {
    name: "tqdm bar glued before a glog line (zyphra_zonos168)",
    line: "Generating:   0%|                                      | 0/2588 [00:00<?, ?it/s]W0301 14:50:21.667000 3157 .venv/lib/python3.12/site-packages/torch/_inductor/utils.py:1137] [2/0] Not enough SMs to use max_autotune_gemm mode",
    expected: {
      wrapper: "",
      glued: "Generating:   0%|                                      | 0/2588 [00:00<?, ?it/s]",
      scope: "torch._inductor.utils",
      prefix:
        "W0301 14:50:21.667000 3157 .venv/lib/python3.12/site-packages/torch/_inductor/utils.py:1137] [2/0]",
    },
  },
  {
    name: "tqdm bar glued before a bracket line (rf_graphsage)",
    line: "Epoch 1/20:   0%|          | 0/33171 [00:00<?, ?it/s][2025-05-06 21:34:57,547] torch._inductor.utils: [WARNING] using triton random",
    expected: { format: "bracket", glued: "Epoch 1/20:   0%|          | 0/33171 [00:00<?, ?it/s]" },
  },
  {
    name: "terminal ^C echo",
    line: "^CW0817 10:00:00.000000 99 torch/_dynamo/convert_frame.py:1] m",
    expected: { glued: "^C", ...W },
  },
  {
    name: "unittest dot (pytorch_pr110928)",
    line: ".[2023-10-10 01:56:07,749] torch._dynamo.convert_frame.__recompiles: [DEBUG] ('Recompiling function fn', 'x')",
    expected: { glued: ".", artifact: "recompiles", message: "('Recompiling function fn', 'x')" },
  },
  {
    name: "indentation then tqdm",
    line: "  50%|█| [rank0]:W0101 00:00:00.000000 1 torch/x.py:1] m",
    expected: { wrapper: "  ", glued: "50%|█| ", rank: 0 },
  },
  {
    name: "the header that starts first wins over one quoted in its message",
    line: "[2023-04-14 09:55:30,333] torch._dynamo.convert_frame: [INFO] saw W0101 00:00:00.000000 1 torch/x.py:1] m",
    expected: { format: "bracket", glued: "", message: "saw W0101 00:00:00.000000 1 torch/x.py:1] m" },
  },
  {
    name: "a glued glog line after glued text still parses",
    line: "xx torchdynamo: [INFO] yy W0101 00:00:00.000000 1 torch/x.py:1] m",
    expected: { format: "glog", glued: "xx torchdynamo: [INFO] yy " },
  },
  {
    name: "wrapped torchdynamo line",
    line: "(pid=12) torchdynamo.convert_frame: [ERROR] WON'T CONVERT",
    expected: { format: "torchdynamo", wrapper: "(pid=12) ", message: "WON'T CONVERT" },
  },
];

describe("parsePytorchLine", () => {
  describe.each([
    ["glog (§1)", glog],
    ["transitional (§1.5)", transitional],
    ["bracket (§2, §3)", bracket],
    ["torchdynamo (§4)", torchdynamo],
    ["wrappers and glued text (§5)", wrapped],
  ])("%s", (_title, cases) => {
    it.each(cases)("$name", ({ line, expected }) => {
      expectFields(parsePytorchLine(line), { kind: "torch", line, ...expected });
    });
  });

  // §5.6: look-alike formats and ordinary output are not torch._logging lines.
  it.each([
    [
      "vLLM",
      "(VllmWorker rank=3 pid=296) ERROR 06-18 08:08:25 [multiproc_executor.py:522] WorkerProc hit an exception.",
      "log",
    ],
    ["vLLM INFO", "INFO 03-26 11:04:04 [backends.py:1051] Using cache directory", "log"],
    ["etcd rendezvous", "INFO 2024-12-10 18:28:00,562 Etcd machines: ['http://0.0.0.0:2379']", "log"],
    ["torchtitan", "[2025-02-04 16:40:10][I][mmm/train:317:__main__] Training starts at step 1", "log"],
    ["oneCCL", "    2025:02:04-16:40:07:(44763) |CCL_WARN| value of CCL_OP_SYNC changed", "log"],
    [
      "DeepSpeed",
      "[2025-03-25 07:58:32,399] [INFO] [real_accelerator.py:219:get_accelerator] Setting ds_accelerator",
      "log",
    ],
    [
      "c10 with rank",
      "[rank1]:[W204 16:40:13.733434151 RegisterXPU.cpp:7614] Warning: Aten Op fallback",
      "c10",
    ],
    [
      "c10 month not padded",
      "[E703 01:02:03.123456789 ProcessGroupNCCL.cpp:1234] [PG 0 Rank 0] Watchdog caught",
      "c10",
    ],
    [
      "C++ glog with 8-digit date",
      "I20241209 23:39:42.495619 138559122262912 ProcessGroupNCCL.cpp:905] msg",
      "log",
    ],
    ["logging.BASIC_FORMAT", "INFO:torch._dynamo:hello", "log"],
    ["bracket format of a non-torch logger", "[2023-04-14 09:55:30,333] myapp.train: [WARNING] slow", "log"],
    ["Python warning", "/x/resource_tracker.py:254: UserWarning: resource_tracker: leaked", undefined],
    ["traceback frame", '  File "/x/y.py", line 3, in f', undefined],
    ["exception line", "torch._dynamo.exc.FailOnRecompileLimitHit: recompile_limit reached", undefined],
    ["torchrun stream line", "[rank1]: [rank1]:     work = group.broadcast([tensor], opts)", undefined],
    // Glog-shaped but not a valid torch header: still flagged as some logger's line.
    ["invalid month", "W1399 00:00:00.000000 1 torch/x.py:1] m", "log"],
    ["milliseconds instead of microseconds", "W0101 00:00:00.000 1 torch/x.py:1] m", "log"],
    ["prose mentioning torchdynamo", "see torchdynamo.convert_frame: [WARNING] in the log", undefined],
    ["empty line", "", undefined],
    ["author elision", "......", undefined],
  ])("%s is not a torch line", (_name, line, lookalike) => {
    expect(parsePytorchLine(line)).toStrictEqual({
      kind: "other",
      line,
      ...(lookalike !== undefined && { lookalike }),
    });
  });
});
