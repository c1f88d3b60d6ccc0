// The public samples in test/fixtures/pytorch-logs (sources in INDEX.md there). Every expectation below
// was written from reading the sample's lines, not from the parser's output.

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePytorchLog } from "../../src/ingest/pytorch-log-parser.ts";
import type { PytorchLogRecord } from "../../src/ingest/pytorch-log-record.ts";
import { expectFields } from "../pytorch-line/expect-fields.ts";
import { countLines } from "./count-lines.ts";

const FIXTURES = new URL("../fixtures/pytorch-logs/", import.meta.url);

function readSample(file: string): string {
  return readFileSync(new URL(file, FIXTURES), "utf8");
}

type Expected = Readonly<Record<string, unknown>>;

const V = { levelno: 10, levelName: "DEBUG" };
const I = { levelno: 20, levelName: "INFO" };
const W = { levelno: 30, levelName: "WARNING" };
const E = { levelno: 40, levelName: "ERROR" };

function cid(raw: string): Expected {
  const [ids = "", attempt] = raw.split("_");
  const parts = ids.replace("!", "").split("/").map(Number);
  return raw.startsWith("!")
    ? {
        raw,
        compiledAutogradId: parts[0],
        frameId: parts[1],
        frameCompileId: parts[2],
        attempt: Number(attempt ?? 0),
      }
    : { raw, frameId: parts[0], frameCompileId: parts[1], attempt: Number(attempt ?? 0) };
}

function torch(firstLineNumber: number, lineCount: number, fields: Expected): Expected {
  return { kind: "torch", firstLineNumber, lineCount, ...fields };
}

/** Other records for the lines `from`..`to`, one per line. */
function others(from: number, to: number, lookalike?: "log" | "c10"): Expected[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({
    kind: "other",
    firstLineNumber: from + i,
    lineCount: 1,
    lookalike,
  }));
}

const AOT_TAIL = [
  '        convert_element_type: "f32[3, 4][4, 1]cuda:0" = torch.ops.prims.convert_element_type.default(device_put, torch.float32);  device_put = None',
  "        return (convert_element_type,)",
  "        ",
  "",
].join("\n");

const SAMPLES: ReadonlyArray<{ file: string; records: Expected[] }> = [
  {
    file: "alcf_aurora_profiling_readme_rank0_W_hard_wrapped_before_trace_id.log",
    // The author wrapped the line after the prefix: the trace id and message are on line 2.
    records: [
      torch(1, 2, {
        format: "glog",
        ...W,
        rank: 0,
        processId: 92672,
        path: "site-packages/torch/_logging/_internal.py",
        lineno: 1146,
        scope: "torch._logging._internal",
        compileId: cid("0/0"),
        artifact: undefined,
        message: "Profiler function <class 'torch.autograd.profiler.record_function'> will be ignored",
        unprefixedLineCount: 1,
      }),
    ],
  },
  {
    file: "dropbox_gemlite22_inductor_autotune_E_W_real_microseconds.log",
    records: [
      ...others(1, 4),
      torch(5, 1, {
        ...E,
        time: { month: 3, day: 18, hour: 11, minute: 31, second: 3, microsecond: 682_039 },
        processId: 78640,
        scope: "torch._inductor.select_algorithm",
        lineno: 1300,
        compileId: cid("0/0"),
      }),
      torch(6, 1, {
        ...W,
        time: { month: 3, day: 18, hour: 11, minute: 31, second: 5, microsecond: 468_129 },
        lineno: 1517,
        message:
          "out of resource: shared memory, Required: 147456, Hardware limit: 101376. Reducing block sizes or `num_stages` may help.",
      }),
      ...others(7, 7),
    ],
  },
  {
    file: "k8s_fsdp_torchelastic_W_I_multiline_with_etcd_logs.log",
    records: [
      ...others(1, 2),
      torch(3, 4, {
        ...W,
        processId: 1,
        scope: "torch.distributed.run",
        compileId: undefined,
        message: [
          "",
          "*****************************************",
          "Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed.",
          "*****************************************",
        ].join("\n"),
      }),
      torch(7, 14, { ...I, scope: "torch.distributed.launcher.api", lineno: 194 }),
      ...others(21, 21, "log"),
      torch(22, 1, {
        scope: "torch.distributed.elastic.agent.server.api",
        lineno: 845,
        compileId: undefined,
        message: "[default] starting workers for entrypoint: python3.11",
      }),
      torch(23, 1, { lineno: 662 }),
      ...others(24, 31, "log"),
      torch(32, 12, { lineno: 525 }),
      torch(44, 1, { lineno: 670 }),
      torch(45, 1, { scope: "torch.distributed.elastic.agent.server.local_elastic_agent", lineno: 291 }),
      torch(46, 1, { lineno: 192 }),
      torch(47, 1, { lineno: 229, time: { microsecond: 791_000 } }),
      ...others(48, 49),
    ],
  },
  {
    file: "microsoft_dion23_recompile_limit_W_then_exception.log",
    records: [
      torch(1, 3, {
        ...W,
        processId: 158,
        scope: "torch._dynamo.convert_frame",
        compileId: cid("2/8"),
      }),
      ...others(4, 5),
    ],
  },
  {
    file: "nanogpt_notes_pt20_old_bracket_format_inductor_W_in_stdout.log",
    // The "iter N" lines after the 2.0-style warning are the program's prints, not continuations.
    records: [
      ...others(1, 2),
      torch(3, 1, {
        format: "bracket",
        ...W,
        time: {
          year: 2023,
          month: 4,
          day: 14,
          hour: 9,
          minute: 55,
          second: 30,
          microsecond: 333_000,
          precision: "millisecond",
        },
        loggerName: "torch._inductor.utils",
        scope: "torch._inductor.utils",
        compileId: undefined,
        artifact: undefined,
        message: "using triton random, expect difference from eager",
      }),
      ...others(4, 6),
    ],
  },
  {
    file: "pytorch_issue117383_rank_prefix_old_bracket_format_trailing_spaces.log",
    // Lines 1–2 are two logging calls with a byte-identical prefix: the format merges them (§1.4).
    records: [
      torch(1, 2, {
        format: "bracket",
        ...V,
        rank: 1,
        compileId: cid("0/0"),
        loggerName: "torch._dynamo.symbolic_convert",
      }),
      torch(3, 1, {
        ...I,
        rank: 6,
        loggerName: "torch._dynamo.convert_frame",
        message: "Restarting analysis due to _dynamo/symbolic_convert.py:141 in fail_and_restart_analysis",
      }),
    ],
  },
  {
    file: "pytorch_issue118262_rank3_prefix_old_bracket_format_step1.log",
    records: [
      torch(1, 1, {
        ...I,
        rank: 3,
        compileId: cid("0/0"),
        message: "Step 1: torchdynamo start tracing __init__ <string>:2",
      }),
      torch(2, 1, { rank: 3, compileId: cid("1/0") }),
      torch(3, 1, { rank: 3, compileId: cid("2/0"), time: { year: 2024, hour: 15, minute: 15, second: 13 } }),
    ],
  },
  {
    file: "pytorch_issue121386_rank3_prefix_graph_breaks_threadid.log",
    records: [
      torch(1, 7, {
        ...V,
        rank: 3,
        threadId: 139967781041280,
        processId: undefined,
        compileId: cid("0/0"),
        artifact: "graph_breaks",
        scope: "torch._dynamo.symbolic_convert",
      }),
    ],
  },
  {
    file: "pytorch_issue140394_graph_breaks_convert_frame_indented_markdown.log",
    records: [
      torch(1, 8, {
        wrapper: "    ",
        ...V,
        processId: 52923,
        compileId: cid("5/0"),
        artifact: "graph_breaks",
        scope: "torch._dynamo.convert_frame",
      }),
    ],
  },
  {
    file: "pytorch_issue150314_W_inductor_cutlass_gemm_template.log",
    records: [
      torch(1, 1, {
        ...W,
        scope: "torch._inductor.codegen.cuda.gemm_template",
        lineno: 518,
        compileId: cid("0/0"),
      }),
    ],
  },
  {
    file: "pytorch_pr106625_old_bracket_format_no_trace_id_bytecode_trace_source.log",
    records: [
      torch(1, 6, {
        ...V,
        compileId: undefined,
        artifact: undefined,
        loggerName: "torch._dynamo.symbolic_convert",
      }),
      torch(7, 2, {
        artifact: "trace_source",
        loggerName: "torch._dynamo.symbolic_convert",
        message:
          "TRACE starts_line inner_foo /scratch/voz/work/pytorch/x.py:7 (inline depth: 1)\n    @torch._dynamo.debug",
      }),
    ],
  },
  {
    file: "pytorch_pr108864_old_bracket_format_restart_attempt_hard_wrapped.log",
    // Hard-wrapped in the PR text: an open `[` on line 1 continues on line 2; the INFO header on line 3
    // ends at `[INFO]` and its message is on lines 4–5.
    records: [
      torch(1, 2, {
        ...V,
        compileId: cid("0/0"),
        message: "TRACE STORE_ATTR foo [ConstantVariable(int), NNModule\nVariable()]",
        unprefixedLineCount: 1,
      }),
      torch(3, 3, {
        ...I,
        loggerName: "torch._dynamo.convert_frame",
        message:
          "Restarting analysis due to _dynamo/variables/nn_module.py\n:138 in convert_to_unspecialized",
        unprefixedLineCount: 2,
      }),
      torch(6, 1, { ...I, compileId: cid("0/0_1") }),
      torch(7, 1, { ...V, compileId: cid("0/0_1"), artifact: "trace_source" }),
    ],
  },
  {
    file: "pytorch_pr110928_old_bracket_format_tuple_message_pytest_dot.log",
    records: [
      torch(1, 1, {
        glued: ".",
        ...V,
        loggerName: "torch._dynamo.convert_frame",
        artifact: "recompiles",
        compileId: undefined,
      }),
      torch(2, 1, { glued: "", artifact: "recompiles" }),
    ],
  },
  {
    file: "pytorch_pr113585_old_bracket_format_no_trace_id_recompiles_verbose.log",
    records: [
      torch(1, 4, {
        ...V,
        loggerName: "torch._dynamo.guards",
        artifact: "recompiles_verbose",
        compileId: undefined,
        message: [
          "Recompiling function fn in /data/users/williamwen/pytorch/playground5.py:15",
          "    triggered by the following guard failure(s):",
          "    guard 0 failures:",
          "    - len(L['x']) == 3",
        ].join("\n"),
      }),
    ],
  },
  {
    file: "pytorch_pr119079_old_bracket_format_info_stack_0_0.log",
    records: [...others(1, 2), torch(3, 6, { ...I, compileId: cid("0/0") })],
  },
  {
    file: "pytorch_pr119079_old_bracket_format_restart_0_0_1.log",
    records: [torch(1, 9, { ...I, compileId: cid("0/0_1") })],
  },
  {
    file: "pytorch_pr123780_guards_one_record_per_guard.log",
    // Five guard calls; lines 2–3 and 4–5 share a byte-identical prefix, so they merge (§1.4).
    records: [
      torch(1, 1, { ...V, threadId: 140318524949632, lineno: 1785, artifact: "guards", message: "GUARDS:" }),
      torch(2, 2, { lineno: 1803, time: { microsecond: 778_000 } }),
      torch(4, 2, { lineno: 1803, time: { microsecond: 779_000 } }),
    ],
  },
  {
    file: "pytorch_pr136414_aot_graphs_tail_then_output_code.log",
    records: [
      torch(1, 4, { ...I, artifact: "aot_graphs", compileId: cid("0/0"), message: AOT_TAIL }),
      torch(5, 1, { ...V, artifact: "output_code", lineno: 1134, scope: "torch._inductor.codecache" }),
      torch(6, 4, {
        ...V,
        artifact: "output_code",
        lineno: 1135,
        message:
          "Output code: \n# AOT ID: ['0_inference']\nfrom ctypes import c_void_p, c_long, c_int\nimport torch",
      }),
    ],
  },
  {
    file: "pytorch_pr137297_info_no_compile_id_multiline_frames_summary.log",
    records: [
      ...others(1, 1),
      torch(2, 4, {
        ...I,
        processId: 177,
        compileId: undefined,
        scope: "torch._dynamo.eval_frame",
        message: [
          "starting from foo /Users/ryanguo99/Documents/work/scratch/test.py:4, torchdynamo attempted to trace the following frames: [",
          "  * foo /Users/ryanguo99/Documents/work/scratch/test.py:4",
          "  * bar /Users/ryanguo99/Documents/work/scratch/test.py:7",
          "]",
        ].join("\n"),
      }),
      torch(6, 1, { compileId: undefined, time: { microsecond: 64_000 } }),
      ...others(7, 7),
    ],
  },
  {
    file: "pytorch_pr141553_graph_breaks_py311_caret_lines.log",
    records: [torch(1, 8, { ...V, artifact: "graph_breaks", processId: 1303718 })],
  },
  {
    file: "rf_graphsage_train_tqdm_glued_old_bracket_format_W.log",
    records: [
      torch(1, 1, {
        ...W,
        glued: "Epoch 1/20:   0%|          | 0/33171 [00:00<?, ?it/s]",
        loggerName: "torch._inductor.utils",
        time: { year: 2025, month: 5, day: 6, second: 57, microsecond: 547_000 },
      }),
      torch(2, 1, { glued: "" }),
      torch(3, 1, { glued: "" }),
      ...others(4, 4),
    ],
  },
  {
    file: "saforem2_mmm_aurora_fsdp_rank0_W_among_other_loggers_indented.log",
    records: [
      ...others(1, 7, "log"),
      torch(8, 1, {
        wrapper: "    ",
        ...W,
        rank: 0,
        compileId: undefined,
        scope: "torch.distributed._composable.fsdp._fsdp_param_group",
        message: "Using XPU for Streams!",
      }),
      ...others(9, 9, "c10"),
      ...others(10, 11),
    ],
  },
  {
    file: "skypilot_mnist_torchrun_rank_stdout_prefix_vs_torch_W_E.log",
    // Lines 1–6 carry torchrun's `[rank1]: ` stream prefix but are a Python traceback, not torch logs.
    records: [
      ...others(1, 6),
      torch(7, 1, {
        ...W,
        rank: undefined,
        scope: "torch.distributed.elastic.multiprocessing.api",
        lineno: 900,
      }),
      ...others(8, 9),
      torch(10, 1, { ...E, lineno: 874 }),
    ],
  },
  {
    file: "tohskai_siglip2_graph_breaks_venv_relative_path.log",
    records: [
      torch(1, 21, {
        ...V,
        path: "env/lib/python3.10/site-packages/torch/_dynamo/symbolic_convert.py",
        scope: "torch._dynamo.symbolic_convert",
        compileId: cid("0/0"),
        artifact: "graph_breaks",
      }),
    ],
  },
  {
    file: "vfdev5_pth_inductor_dev_old_bracket_format_no_trace_id_W_cache_limit.log",
    records: [
      torch(1, 3, {
        ...W,
        loggerName: "torch._dynamo.convert_frame",
        compileId: undefined,
        message: [
          "torch._dynamo hit config.cache_size_limit (8)",
          "   function: 'transform' (perf_interp_bilinear_aa.py:5)",
          "to diagnose recompilation issues, set env variable TORCHDYNAMO_REPORT_GUARD_FAILURES=1 and also see https://pytorch.org/docs/master/compile/troubleshooting.html.",
        ].join("\n"),
      }),
    ],
  },
  {
    file: "vllm_ascend_1368_guard_error_E_mixed_with_vllm_logs.log",
    records: [
      ...others(1, 8, "log"),
      torch(9, 17, {
        wrapper: "(VllmWorker rank=2 pid=295) ",
        ...E,
        rank: 2,
        processId: 295,
        lineno: 283,
        scope: "torch._guards",
        compileId: cid("0/0"),
      }),
      torch(26, 9, { wrapper: "(VllmWorker rank=2 pid=295) ", lineno: 285, time: { microsecond: 751_000 } }),
      ...others(35, 36, "log"),
    ],
  },
  {
    file: "vllm_enginecore_wrapper_rank0_W_inductor_no_compile_id.log",
    records: [
      ...others(1, 2, "log"),
      torch(3, 1, {
        wrapper: "(EngineCore pid=62) ",
        ...W,
        rank: 0,
        processId: 62,
        compileId: undefined,
        scope: "torch._inductor.utils",
        message: "Not enough SMs to use max_autotune_gemm mode",
      }),
      ...others(4, 5, "log"),
    ],
  },
  {
    file: "yaoshiang_sandbox_aot_graphs_ca_id_bang0_5_0.log",
    records: [
      torch(1, 1, { ...V, compileId: cid("!0/5/0"), artifact: "aot_graphs", lineno: 203 }),
      torch(2, 23, { ...I, compileId: cid("!0/5/0"), artifact: "aot_graphs", lineno: 289 }),
    ],
  },
  {
    file: "yaoshiang_sandbox_graph_breaks_then_graph_code_restart_1_0_1.log",
    records: [
      torch(1, 18, {
        ...V,
        compileId: cid("1/0"),
        artifact: "graph_breaks",
        scope: "torch._dynamo.symbolic_convert",
      }),
      torch(19, 16, {
        ...V,
        compileId: cid("1/0_1"),
        artifact: "graph_code",
        scope: "torch._dynamo.output_graph",
      }),
    ],
  },
  {
    file: "zyphra_zonos168_tqdm_glued_W_inductor_not_enough_sms.log",
    records: [
      ...others(1, 2),
      torch(3, 1, {
        ...W,
        glued: "Generating:   0%|                                      | 0/2588 [00:00<?, ?it/s]",
        path: ".venv/lib/python3.12/site-packages/torch/_inductor/utils.py",
        scope: "torch._inductor.utils",
        compileId: cid("2/0"),
      }),
      ...others(4, 4),
    ],
  },
];

describe("PytorchLogParser on the public samples", () => {
  it("covers every sample file", () => {
    const files = readdirSync(FIXTURES).filter((name) => name.endsWith(".log"));
    expect(SAMPLES.map((sample) => sample.file).sort()).toStrictEqual(files.sort());
  });

  describe.each(SAMPLES)("$file", ({ file, records }) => {
    const text = readSample(file);
    const parsed = parsePytorchLog(text);

    it("yields the expected records", () => {
      expect(parsed.map((r) => `${r.kind}@${r.firstLineNumber}`)).toStrictEqual(
        records.map((r) => `${String(r.kind)}@${String(r.firstLineNumber)}`),
      );
      parsed.forEach((record, i) => {
        expectFields(record, records[i] ?? {});
      });
    });

    it("accounts for every line exactly once", () => {
      const lines = text.split("\n");
      const total = parsed.reduce((sum, r) => sum + r.lineCount, 0);
      expect(total).toBe(countLines(text));
      for (const record of parsed) {
        if (record.kind === "other") expect(record.text).toBe(lines[record.firstLineNumber - 1]);
      }
    });

    it("keeps each record's message lines as printed", () => {
      const lines = text.split("\n");
      for (const record of parsed.filter(
        (r): r is Extract<PytorchLogRecord, { kind: "torch" }> => r.kind === "torch",
      )) {
        if (record.unprefixedLineCount > 0) continue;
        const source = lines.slice(record.firstLineNumber - 1, record.firstLineNumber - 1 + record.lineCount);
        const messageLines = record.message.split("\n");
        expect(messageLines).toHaveLength(record.lineCount);
        source.forEach((line, i) => {
          expect(line.endsWith(messageLines[i] ?? "")).toBe(true);
        });
      }
    });
  });
});
