// `ingest --format jsonl` under the producer's TORCH_LOGS on the shapes of real PyTorch output that the
// ground-truth corpus showed (synthetic lines, one class each): user loggers, module names PyTorch accepts,
// custom level names, `[__x]` inside user text, an empty first line, same-prefix records, custom formats.
// Asserted on what the JSON-lines exporter printed. The rule: never drop a record PyTorch printed.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCliCaptured } from "../support/run-cli.ts";

interface JsonRecord {
  readonly severityNumber: number;
  readonly severityText: string | null;
  readonly scope: string;
  readonly body: string;
  readonly attributes: Record<string, unknown>;
}

async function ingest(input: string, env: Record<string, string>, args: readonly string[] = []) {
  const { code, stdout, stderr } = await runCliCaptured(
    ["ingest", "--format", "jsonl", "--utc-offset", "Z", ...args],
    env,
    input,
  );
  const records = stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as JsonRecord);
  return { code, stderr, records, torch: records.filter((r) => r.severityText !== null) };
}

const lines = (...text: string[]) => `${text.join("\n")}\n`;
const at = (level: string, path: string, ms = "006") => `${level}0102 03:04:05.${ms}000 42 ${path}]`;
const summary = (r: JsonRecord) => [r.severityText, r.scope, r.body];

describe("ingest: user loggers", () => {
  it("TORCH_LOGS=+shop.cart: records of user modules pass, on their module's scope", async () => {
    const { code, torch } = await ingest(
      lines(
        `${at("I", "shop/cart.py:10")} cart total=3`,
        `${at("V", "run_job.py:7")} worker tick`,
        `${at("V", "run_job.py:7")}   second line of the tick`,
      ),
      { TORCH_LOGS: "+shop.cart" },
    );
    expect(code).toBe(0);
    // run_job.py is a call site outside torch: with one user module named, it is that module's record.
    expect(torch.map(summary)).toStrictEqual([
      ["INFO", "shop.cart", "cart total=3"],
      ["DEBUG", "shop.cart", "worker tick\n  second line of the tick"],
    ]);
  });

  it("with two user modules named, a call site of neither keeps its own scope and passes", async () => {
    const { torch } = await ingest(lines(`${at("V", "run_job.py:7")} worker tick`), {
      TORCH_LOGS: "+shop.cart,+billing",
    });
    expect(torch.map(summary)).toStrictEqual([["DEBUG", "run_job", "worker tick"]]);
  });

  it.each(["+mypkg", "json", "+mypkg,dynamo"])(
    "TORCH_LOGS=%s is accepted as PyTorch accepts it",
    async (value) => {
      const { code, torch } = await ingest(lines(`${at("W", "mypkg/sub.py:3")} careful`), {
        TORCH_LOGS: value,
      });
      expect(code).toBe(0);
      expect(torch.map((r) => r.body)).toStrictEqual(["careful"]);
    },
  );

  it("a near-miss of a registered name is still a typo (exit 1, did you mean)", async () => {
    const { code, stderr } = await ingest("", { TORCH_LOGS: "+dynamo,grapf_breaks" });
    expect(code).toBe(1);
    expect(stderr).toContain('did you mean "graph_breaks"');
  });
});

describe("ingest: levels", () => {
  it.each([
    // std_to_otel: 25 → INFO4 (12), 15 → DEBUG4 (8), 45 → ERROR4 (20).
    ["NOTICE", [], "NOTICE", 12],
    ["Level 15", [], "Level 15", 8],
    ["SUCCESS", [], "SUCCESS", 12],
    ["AUDIT", ["--level", "AUDIT=45"], "AUDIT", 20],
  ])("%s printed in full keeps its name (%j)", async (level, args, text, severityNumber) => {
    const { torch } = await ingest(
      lines(`${at(level, "shop/cart.py:10")} custom level`, `${at(level, "shop/cart.py:10")}   detail`),
      { TORCH_LOGS: "+shop.cart" },
      args,
    );
    expect(torch).toHaveLength(1);
    expect(torch[0]).toMatchObject({ severityText: text, severityNumber, body: "custom level\n  detail" });
  });
});

describe("ingest: tags, empty lines and record boundaries", () => {
  it("[__guards] in a user module's text is text, not an artifact", async () => {
    const { torch } = await ingest(
      lines(
        `${at("I", "shop/cart.py:21")} [__guards] not an artifact`,
        `${at("I", "shop/cart.py:21")} second`,
      ),
      { TORCH_LOGS: "+shop.cart" },
    );
    expect(torch.map(summary)).toStrictEqual([["INFO", "shop.cart", "[__guards] not an artifact\nsecond"]]);
    expect(torch[0]?.attributes).not.toHaveProperty("torch.artifact");
  });

  it("a trace id that the next line does not repeat was message text", async () => {
    const { torch } = await ingest(
      lines(
        `${at("I", "shop/cart.py:21")} [0/0] looks like a trace id`,
        `${at("I", "shop/cart.py:21")} more`,
      ),
      { TORCH_LOGS: "+shop.cart" },
    );
    expect(torch.map((r) => r.body)).toStrictEqual(["[0/0] looks like a trace id\nmore"]);
    expect(torch[0]?.attributes).not.toHaveProperty("torch.compile_id");
  });

  // A one-line user record that starts with `[0/0]`: the records of its process around it tell whether a
  // compile was running (torch's records carry its trace id) — the held-back ml_* runs of the 2.13 corpus.
  const DYNAMO = "torch/_dynamo/convert_frame.py:1";
  const USER = "shop/cart.py:21";
  it.each([
    [
      "between torch records outside any compile",
      [`${at("I", DYNAMO)} before`, `${at("I", USER)} [0/0] text`, `${at("I", DYNAMO)} after`],
      false,
    ],
    [
      "after a torch record of another compile",
      [`${at("I", DYNAMO)} [1/0] step`, `${at("I", USER)} [0/0] text`],
      false,
    ],
    [
      "next to user records only (nothing tells)",
      [`${at("I", USER)} a`, `${at("I", "shop/cart.py:22")} [0/0] text`, `${at("I", USER)} b`],
      true,
    ],
    [
      "inside a compile (a custom backend's log)",
      [`${at("I", DYNAMO)} [0/0] step 2`, `${at("I", USER)} [0/0] text`, `${at("I", DYNAMO)} after`],
      true,
    ],
    [
      "inside a restarted compile",
      [`${at("I", DYNAMO)} before`, `${at("I", USER)} [0/0] text`, `${at("I", DYNAMO)} [0/0_1] again`],
      true,
    ],
  ] as const)("a user record's [0/0] %s: a trace id = $2", async (_name, input, traceId) => {
    const { torch } = await ingest(lines(...input), { TORCH_LOGS: "+shop.cart,dynamo" });
    const record = torch.find((r) => r.body.endsWith("text"));
    expect(record?.body).toBe(traceId ? "text" : "[0/0] text");
    expect(record?.attributes["torch.compile_id"]).toBe(traceId ? "0/0" : undefined);
  });

  it("a registered artifact at a torch call site is an artifact", async () => {
    const { torch } = await ingest(
      lines(
        `${at("V", "torch/_dynamo/guards.py:9")} [0/0] [__guards] GUARDS:`,
        `${at("V", "torch/_dynamo/guards.py:9")} [0/0] [__guards] +- x`,
      ),
      { TORCH_LOGS: "+dynamo,guards" },
    );
    expect(torch).toHaveLength(1);
    expect(torch[0]?.attributes).toMatchObject({ "torch.artifact": "guards" });
  });

  it("keeps an empty first line", async () => {
    const { torch } = await ingest(
      lines(`${at("I", "shop/cart.py:30")} `, `${at("I", "shop/cart.py:30")} after the newline`),
      { TORCH_LOGS: "+shop.cart" },
    );
    expect(torch.map((r) => r.body)).toStrictEqual(["\nafter the newline"]);
  });

  it("splits same-prefix records by the shape of their lines, never a multi-line message", async () => {
    const p = at("V", "torch/_dynamo/symbolic_convert.py:1584");
    const g = at("V", "torch/_dynamo/guards.py:9");
    const { torch } = await ingest(
      lines(
        `${p} [0/0] [__trace_bytecode] TRACE LOAD_FAST x []`,
        `${p} [0/0] [__trace_bytecode] TRACE LOAD_CONST 1 [LazyVariableTracker()]`,
        `${g} [0/0] [__guards] GUARDS:`,
        `${g} [0/0] [__guards] `,
        `${g} [0/0] [__guards] TREE_GUARD_MANAGER:`,
        `${g} [0/0] [__guards] +- RootGuardManager`,
      ),
      { TORCH_LOGS: "+dynamo,trace_bytecode,guards" },
    );
    expect(torch.map((r) => r.body)).toStrictEqual([
      "TRACE LOAD_FAST x []",
      "TRACE LOAD_CONST 1 [LazyVariableTracker()]",
      "GUARDS:\n\nTREE_GUARD_MANAGER:\n+- RootGuardManager",
    ]);
  });
});

describe("ingest: custom formats", () => {
  const short = lines(
    "DEBUG:torch._dynamo.symbolic_convert.__graph_breaks:Graph break in user code at x.py:18",
    "Graph Break Reason: print",
    "",
    "  Explanation: Dynamo does not know how to trace print",
    "WARNING:torch._dynamo.variables.tensor:Graph break from `Tensor.item()`",
  );

  it.each([
    ["TORCH_LOGS_FORMAT", { TORCH_LOGS_FORMAT: "short" }, []],
    ["--log-format", {}, ["--log-format", "%(levelname)s:%(name)s:%(message)s"]],
  ] as const)("reads TORCH_LOGS_FORMAT=short output (%s)", async (_how, env, args) => {
    const { torch } = await ingest(short, { TORCH_LOGS: "graph_breaks", ...env }, args);
    expect(torch.map(summary)).toStrictEqual([
      [
        "DEBUG",
        "torch._dynamo.symbolic_convert",
        "Graph break in user code at x.py:18\nGraph Break Reason: print\n\n  Explanation: Dynamo does not know how to trace print",
      ],
      ["WARN", "torch._dynamo.variables.tensor", "Graph break from `Tensor.item()`"],
    ]);
    expect(torch[0]?.attributes).toMatchObject({
      "torch.artifact": "graph_breaks",
      "torch.log.format": "custom",
    });
  });

  it("a %-format with padding, time and path", async () => {
    const { torch } = await ingest(
      lines("2025-01-02 03:04:05,006 INFO     [torch._dynamo.eval_frame:42] hello"),
      {},
      ["--log-format", "%(asctime)s %(levelname)-8s [%(name)s:%(lineno)d] %(message)s"],
    );
    expect(torch.map(summary)).toStrictEqual([["INFO", "torch._dynamo.eval_frame", "hello"]]);
    expect(torch[0]?.attributes).toMatchObject({ "code.line.number": 42 });
  });

  it("a level name given with --level is a level in any case (Notice=25)", async () => {
    const { torch } = await ingest(lines("Notice:torch._dynamo.eval_frame:hello"), {}, [
      "--log-format",
      "%(levelname)s:%(name)s:%(message)s",
      "--level",
      "Notice=25",
    ]);
    expect(torch.map(summary)).toStrictEqual([["Notice", "torch._dynamo.eval_frame", "hello"]]);
    expect(torch[0]?.severityNumber).toBe(12);
  });

  it("a format PyTorch would reject exits 1 naming the specifier", async () => {
    const { code, stderr } = await ingest("", {}, ["--log-format", "%(levle)s %(message)s"]);
    expect(code).toBe(1);
    expect(stderr).toContain(`%(levle)s at offset 0 names an unknown field "levle"`);
  });
});

describe("ingest: torch modules that log through another module's logger", () => {
  // pgo.py prints "marking … as dynamic" through torch.fx.experimental.symbolic_shapes (TORCH_LOGS `dynamic`);
  // its own records go through torch._dynamo.pgo (`dynamo`). Line 444 is that call in 2.13–2.15; 9444 stands for
  // a release whose lines moved, where only the producer's TORCH_LOGS can tell.
  const MARKING = "marking L['x'] as dynamic (from automatic dynamic/PGO)";
  it.each([
    ["444", "+dynamic", "torch.fx.experimental.symbolic_shapes"],
    ["444", "+dynamo", "torch.fx.experimental.symbolic_shapes"],
    ["9444", "+dynamic", "torch.fx.experimental.symbolic_shapes"],
    ["9444", "-dynamic,+torch._dynamo.pgo", "torch._dynamo.pgo"],
  ])("pgo.py:%s under TORCH_LOGS=%s is kept, on %s", async (line, torchLogs, scope) => {
    const { torch } = await ingest(lines(`${at("I", `torch/_dynamo/pgo.py:${line}`)} [2/1] ${MARKING}`), {
      TORCH_LOGS: torchLogs,
    });
    expect(torch.map(summary)).toStrictEqual([["INFO", scope, MARKING]]);
  });

  it("is filtered out when none of its loggers is enabled", async () => {
    const { torch } = await ingest(lines(`${at("I", "torch/_dynamo/pgo.py:444")} [2/1] ${MARKING}`), {
      TORCH_LOGS: "-dynamo,-dynamic",
    });
    expect(torch).toEqual([]);
  });

  it("a module with no logger of its own: its records are the other logger's", async () => {
    const { torch } = await ingest(
      lines(`${at("W", "torch/_higher_order_ops/triton_kernel_wrap.py:1")} kernel source unavailable`),
      { TORCH_LOGS: "-inductor" },
    );
    expect(torch.map((r) => r.scope)).toStrictEqual(["torch._dynamo"]);
  });
});

describe("ingest --ranks", () => {
  const SAMPLES = new URL("../fixtures/pytorch-logs/", import.meta.url);
  const sample = (name: string) => readFileSync(new URL(name, SAMPLES), "utf8");
  const ranksOf = (records: readonly JsonRecord[]) => records.map((r) => r.attributes["torch.rank"]);

  it.each([
    // vLLM workers: `(VllmWorker rank=3 …)` output and a `[rank2]:` torch record inside rank 2's wrapper.
    ["vllm_ascend_1368_guard_error_E_mixed_with_vllm_logs.log", "2", 4, 2],
    ["vllm_ascend_1368_guard_error_E_mixed_with_vllm_logs.log", "3", 8, 0],
    // torchrun's `[rank1]: ` on the worker's stderr; the launcher's own W/E and a warning carry no rank.
    ["skypilot_mnist_torchrun_rank_stdout_prefix_vs_torch_W_E.log", "1", 6, 0],
    ["skypilot_mnist_torchrun_rank_stdout_prefix_vs_torch_W_E.log", "0,2-7", 0, 0],
    ["pytorch_issue121386_rank3_prefix_graph_breaks_threadid.log", "3", 1, 1],
    ["pytorch_issue121386_rank3_prefix_graph_breaks_threadid.log", "0-2,4", 0, 0],
  ])("%s --ranks %s: %i records, %i of them torch", async (name, ranks, count, torchCount) => {
    const { code, records, torch, stderr } = await ingest(sample(name), {}, ["--ranks", ranks]);
    expect(code).toBe(0);
    expect([records.length, torch.length]).toEqual([count, torchCount]);
    const selected = new Set(ranks.split(",").flatMap((r) => r.split("-").map(Number)));
    for (const rank of ranksOf(records)) expect(selected.has(Number(rank))).toBe(true);
    expect(stderr).toMatch(`not of ranks ${ranks}`);
  });

  it("a list that does not parse is a usage error naming the item", async () => {
    const { code, stderr } = await ingest("", {}, ["--ranks", "0,2-x"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--ranks: "2-x" at item 2 is not a rank or a range of ranks/);
    expect(stderr).toMatch(/Usage: torch-logs-otel ingest/);
  });
});
