// Where a run of identical prefixes holds several records: pairs of first lines from the ground-truth corpus
// (separate records), and pairs of lines from real multi-line messages (one record).
import { describe, expect, it } from "vitest";
import { parsePytorchLog } from "../../src/ingest/pytorch-log-parser.ts";
import { startsNewRecord } from "../../src/ingest/record-boundary.ts";

describe("startsNewRecord", () => {
  it.each([
    ["TRACE LOAD_FAST x []", "TRACE LOAD_CONST 1 [LazyVariableTracker(unrealized: <class 'torch.Tensor'>)]"],
    [
      "Registered template heuristic: ATenConfigHeuristics for 'a'",
      "Registered template heuristic: X for 'b'",
    ],
    ["track_symint L['self'].size()[0] 8 None", "track_symint L['self'].size()[1] 8 None"],
    ["Skipping guard L['x'].size()[0] == 8", "Skipping guard L['x'].stride()[0] == 8"],
    ["lru_cache_stats _find: CacheInfo(hits=0)", "lru_cache_stats has_guarding_hint: CacheInfo(hits=0)"],
    ["skipping: __init__ (reason: skipfiles)", "skipping: nothing (reason: skipfiles)"],
    ["run_node l_x_ = L_x_()", "run_node linear = torch._C._nn.linear(l_x_)"],
    ["prim.device.default (FakeTensor(..., size=(8, 8)),) {}", "aten.detach.default (FakeTensor(...),) {}"],
    ["topological_sort_bfs peak memory: 96", "topological_sort_dfs peak memory: 96"],
    ["Generated backward_epilogue:", "Generated compiled_function_forward:"],
    ["worker 1 tick 3", "worker 2 tick 3"],
    ["Thread-1 tick 0", "Thread-2 tick 0"],
    ["  SchedulerNode(name='op1'), Pointwise(['[3, 4]'])", "  ExternKernelSchedulerNode(name='op2')"],
    // FakeTensor cache stats (gb_plus_all, 2.13): one padded row per logging call.
    ["    non-fake tensor:           65", "    CompositeImplicitAutograd: 17"],
  ])("%j then %j: two records", (first, line) => {
    expect(startsNewRecord(first, line, 1)).toBe(true);
  });

  it.each([
    ["Graph break in user code at x.py:18", "Graph Break Reason: Encountered graph break"],
    ["Graph break from `Tensor.item()`, consider setting:", "Graph break: from user code at:"],
    ["GUARDS:", ""],
    ["TREE_GUARD_MANAGER:", "+- RootGuardManager"],
    ["TRACED GRAPH", " ===== __compiled_fn_1 ====="],
    ["Traceback (most recent call last):", '  File "x.py", line 1, in f'],
    ['  File "x.py", line 1, in f', '  File "y.py", line 2, in g'],
    ['        convert_element_type: "f32[3, 4]"', "        return (convert_element_type,)"],
    ["Output code: ", "# AOT ID: ['0_inference']"],
    ["mypkg.sub error:", "  first detail line"],
    // Indented lines that are not rows of one aligned table: a message that starts indented goes on.
    ["    non-fake tensor:           65", "    CompositeImplicitAutograd:    17"],
    ["    non-fake tensor:           65", "      nested: 1"],
    ["  Explanation: x", "  Hint: y"],
    ['  File "x.py", line 1, in f', '  File "y.py", line 2, in g'],
  ])("%j then %j: one record", (first, line) => {
    expect(startsNewRecord(first, line, 1)).toBe(false);
  });

  it("an indented repr starts a record only after a one-line record", () => {
    expect(startsNewRecord("  SchedulerNode(name='op1')", "  SchedulerNode(name='op2')", 2)).toBe(false);
  });
});

describe("tags that do not repeat (liftFalseTags)", () => {
  const P = "I0102 03:04:05.006000 42 shop/cart.py:21]";

  it.each([
    ["[0/0] looks like a trace id", "[0/0] looks like a trace id\nmore"],
    ["[0/0] [__guards] both", "[0/0] [__guards] both\nmore"],
  ])("%j not repeated on the next line is message text", (text, message) => {
    const [record] = parsePytorchLog(`${P} ${text}\n${P} more\n`);
    expect(record).toMatchObject({ kind: "torch", message, lineCount: 2 });
    expect(record).not.toHaveProperty("compileId");
  });

  it("then takes the lines that repeat the record's new prefix, and not those with tags", () => {
    const records = parsePytorchLog(
      `${P} [0/0] text\n${P} more\n${P} still more\n${P} [0/0] tagged\n${P} [0/0] again\n`,
    );
    expect(records.map((r) => (r.kind === "torch" ? [r.compileId?.raw, r.message] : []))).toStrictEqual([
      [undefined, "[0/0] text\nmore\nstill more"],
      ["0/0", "tagged\nagain"],
    ]);
  });

  it("leaves records whose tags repeat, and multi-line records, alone", () => {
    const records = parsePytorchLog(`${P} [0/0] a\n${P} [0/0]   b\n${P} c\n`);
    expect(records.map((r) => (r.kind === "torch" ? [r.compileId?.raw, r.message] : []))).toStrictEqual([
      ["0/0", "a\n  b"],
      [undefined, "c"],
    ]);
  });
});
