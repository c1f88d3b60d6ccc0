// findRecordLoggers against the generated table and against what real PyTorch printed: for every truth record
// of both corpora printed from a module that logs through another module's logger, the likeliest logger is
// the one the truth names.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findRecordLoggers } from "../../src/pytorch-line/module-loggers.ts";
import { scopeFromPath } from "../../src/pytorch-line/scope-from-path.ts";
import { TORCH_MODULE_LOGGERS } from "../../src/pytorch-line/torch-module-loggers.ts";

const SYMBOLIC_SHAPES = "torch.fx.experimental.symbolic_shapes";

describe("findRecordLoggers", () => {
  it.each([
    // pgo.py:444 prints "marking … as dynamic" through symbolic_shapes, pgo.py:448 through its own logger.
    ["torch._dynamo.pgo", 444, undefined, [SYMBOLIC_SHAPES, "torch._dynamo.pgo"]],
    ["torch._dynamo.pgo", 446, undefined, [SYMBOLIC_SHAPES, "torch._dynamo.pgo"]],
    ["torch._dynamo.pgo", 448, undefined, ["torch._dynamo.pgo", SYMBOLIC_SHAPES]],
    ["torch._dynamo.pgo", undefined, undefined, ["torch._dynamo.pgo", SYMBOLIC_SHAPES]],
    // No logger of its own: every line is torch._dynamo's.
    ["torch._higher_order_ops.triton_kernel_wrap", 1, undefined, ["torch._dynamo"]],
    // An artifact logger is only for records tagged with its artifact.
    [
      "torch._inductor.compile_fx",
      1556,
      "output_code",
      ["torch._inductor.codecache", "torch._inductor.compile_fx"],
    ],
    ["torch._inductor.compile_fx", 1556, undefined, undefined],
    [
      "torch._inductor.compile_fx",
      1,
      "cudagraphs",
      ["torch._inductor.compile_fx", "torch._inductor.cudagraph_utils"],
    ],
    // Modules that log through their own name only are not in the table.
    ["torch._dynamo.guards", 1, undefined, undefined],
    ["shop.cart", 1, undefined, undefined],
  ] as const)("%s:%s [%s] → %j", (module, lineno, artifact, expected) => {
    expect(findRecordLoggers(module, lineno, artifact)).toEqual(expected);
  });

  it("the table is small, sorted, and names torch loggers only", () => {
    const modules = TORCH_MODULE_LOGGERS.map(([module]) => module);
    expect(modules).toEqual([...modules].sort());
    expect(modules.length).toBeLessThan(50);
    for (const [module, , loggers] of TORCH_MODULE_LOGGERS) {
      for (const [logger, lines] of loggers) {
        expect([module, logger.startsWith("torch."), /^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(lines)]).toEqual([
          module,
          true,
          true,
        ]);
      }
    }
  });
});

describe("findRecordLoggers on what PyTorch 2.13 and 2.15 printed", () => {
  const PATH_LINE = / ([^ \]]+\.py):(\d+)\](?: \[[^\]]+\])?(?: \[__(\w+)\])?$/;
  const checked: [string, string, string][] = [];
  for (const dir of ["corpus", "corpus-2.15"]) {
    const root = fileURLToPath(new URL(`../fixtures/${dir}/`, import.meta.url));
    for (const file of readdirSync(root).filter((f) => f.endsWith(".truth.jsonl"))) {
      for (const line of readFileSync(`${root}${file}`, "utf8").split("\n")) {
        if (line === "") continue;
        const truth = JSON.parse(line) as { logger: string; prefix: string | null };
        const m = truth.prefix === null ? null : PATH_LINE.exec(truth.prefix);
        const module = m?.[1] === undefined ? undefined : scopeFromPath(m[1]);
        if (m === null || module === undefined) continue;
        const loggers = findRecordLoggers(module, Number(m[2]), m[3]);
        if (loggers === undefined) continue;
        checked.push([`${file} ${truth.prefix}`, loggers[0] ?? "", truth.logger.replace(/\.__\w+$/, "")]);
      }
    }
  }

  it("gives the truth's logger first for every record of a module in the table", () => {
    const foreign = checked.filter(([record, , truth]) => !record.includes(truth.replaceAll(".", "/")));
    expect(checked.length).toBeGreaterThan(800);
    expect(foreign.length).toBeGreaterThan(40); // records PyTorch printed through another module's logger
    expect(checked.filter(([, likeliest, truth]) => likeliest !== truth)).toEqual([]);
  });
});
