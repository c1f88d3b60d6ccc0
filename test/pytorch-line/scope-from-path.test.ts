import { describe, expect, it } from "vitest";
import { scopeFromPath } from "../../src/pytorch-line/scope-from-path.ts";

describe("scopeFromPath", () => {
  // Path forms of pytorch-log-format.md §1.3 "Path", each from a sample.
  it.each([
    ["torch/_dynamo/convert_frame.py", "torch._dynamo.convert_frame"],
    ["torch/_inductor/__init__.py", "torch._inductor"],
    ["site-packages/torch/_guards.py", "torch._guards"],
    [
      "site-packages/torch/_functorch/_aot_autograd/graph_capture.py",
      "torch._functorch._aot_autograd.graph_capture",
    ],
    ["env/lib/python3.10/site-packages/torch/_dynamo/symbolic_convert.py", "torch._dynamo.symbolic_convert"],
    [".venv/lib/python3.12/site-packages/torch/_inductor/utils.py", "torch._inductor.utils"],
    ["/usr/local/lib/python3.12/dist-packages/torch/_dynamo/guards.py", "torch._dynamo.guards"],
    ["/opt/torch/lib/python3.11/site-packages/torch/_dynamo/guards.py", "torch._dynamo.guards"],
    ["Lib\\site-packages\\torch\\_dynamo\\convert_frame.py", "torch._dynamo.convert_frame"],
    ["C:\\Users\\me\\venv\\Lib\\Site-Packages\\torch\\_dynamo\\utils.py", "torch._dynamo.utils"],
    ["/home/me/src/pytorch/torch/_dynamo/eval_frame.py", "torch._dynamo.eval_frame"],
    ["torch/__init__.py", "torch"],
    // Outside torch: user and third-party modules, printed relative to their sys.path entry.
    ["shop/cart.py", "shop.cart"],
    ["run_job.py", "run_job"],
    ["mypkg/__init__.py", "mypkg"],
    ["site-packages/vllm/compilation/backends.py", "vllm.compilation.backends"],
    ["/home/me/train.py", "train"],
  ])("%s → %s", (path, scope) => {
    expect(scopeFromPath(path)).toBe(scope);
  });

  // Not a Python module path: the caller picks the fallback.
  it.each([
    "<string>",
    "<eval_with_key>.2",
    "ProcessGroupNCCL.cpp",
    "site-packages/torch/_dynamo/utils.pyc",
    "torch/_dynamo/my-file.py",
    "env/lib/python3.10/site-packages/torch/nn/modules/module",
    "",
  ])("%j → undefined", (path) => {
    expect(scopeFromPath(path)).toBeUndefined();
  });
});
