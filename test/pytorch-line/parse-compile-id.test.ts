import { describe, expect, it } from "vitest";
import { parseCompileId } from "../../src/pytorch-line/parse-compile-id.ts";

describe("parseCompileId", () => {
  // Every shape CompileId/TraceId.__str__ can print (torch/_guards.py), with the samples that show it.
  it.each([
    ["0/0", { frameId: 0, frameCompileId: 0, attempt: 0 }],
    ["12/21", { frameId: 12, frameCompileId: 21, attempt: 0 }],
    ["0/0_1", { frameId: 0, frameCompileId: 0, attempt: 1 }],
    ["8/1_1", { frameId: 8, frameCompileId: 1, attempt: 1 }],
    ["!0", { compiledAutogradId: 0, attempt: 0 }],
    ["!0/5/0", { compiledAutogradId: 0, frameId: 5, frameCompileId: 0, attempt: 0 }],
    ["!2/5/0_3", { compiledAutogradId: 2, frameId: 5, frameCompileId: 0, attempt: 3 }],
    ["!1_2", { compiledAutogradId: 1, attempt: 2 }],
  ])("parses %s", (raw, expected) => {
    expect(parseCompileId(raw)).toStrictEqual({ raw, ...expected });
  });

  // Bracketed message tokens seen right after a prefix that must not become trace ids (§1.4).
  it.each(["default", "5", "1/2/3", "!0/5", "2, int_oo", "0/0_", "_1", "statically known", ""])(
    "rejects %j",
    (raw) => {
      expect(parseCompileId(raw)).toBeUndefined();
    },
  );
});
