import { describe, expect, it } from "vitest";
import { compilePercentFormat, type PercentValues } from "../../src/console/compile-percent-format.ts";

const KINDS = { s: "str", i: "int", f: "float" } as const;

function format(source: string, values: PercentValues): string {
  const result = compilePercentFormat(source, KINDS);
  if (!result.ok) throw new Error(result.problem.message);
  return result.format.format(values);
}

describe("compilePercentFormat", () => {
  // Expected values are Python 3.11's `fmt % values`, generated once and pasted here.
  it.each<[string, PercentValues, string]>([
    ["%(s)-12s|", { s: "torch.fx" }, "torch.fx    |"],
    ["%(s)12s|", { s: "torch.fx" }, "    torch.fx|"],
    ["%(s)05s", { s: "ab" }, "   ab"],
    ["%(s).3s", { s: "abcdef" }, "abc"],
    ["%(s)10.3s", { s: "abcdef" }, "       abc"],
    ["%(s)r", { s: "it's" }, '"it\'s"'],
    ["%(s)r", { s: "a\"b'c" }, "'a\"b\\'c'"],
    ["%(s)a", { s: "é\t" }, "'\\xe9\\t'"],
    ["%(i)d", { i: 42 }, "42"],
    ["%(i)-6d|", { i: 42 }, "42    |"],
    ["%(i)05d", { i: -42 }, "-0042"],
    ["%(i)+d|%(i) d", { i: 5 }, "+5| 5"],
    ["%(i)+08d", { i: 42 }, "+0000042"],
    ["%(i).3d", { i: 7 }, "007"],
    ["%(i)#x %(i)X %(i)#o", { i: 255 }, "0xff FF 0o377"],
    ["%(i)#08x", { i: 255 }, "0x0000ff"],
    ["%(i)s %(i)r", { i: 20 }, "20 20"],
    ["%(f)f", { f: 1710761465.468129 }, "1710761465.468129"],
    ["%(f).0f %(f)#.0f", { f: 2.5 }, "2 2."],
    ["%(f).2f", { f: 0.125 }, "0.12"],
    ["%(f)08.3f", { f: -1.23456 }, "-001.235"],
    ["%(f)-08.3f|", { f: 1.23456 }, "1.235   |"],
    ["%(f)e %(f)E", { f: 12345.678 }, "1.234568e+04 1.234568E+04"],
    ["%(f).1e", { f: 0.0 }, "0.0e+00"],
    ["%(f)g %(f)G", { f: 1e-10 }, "1e-10 1E-10"],
    ["%(f)g %(f)#g", { f: 100000.0 }, "100000 100000."],
    ["%(f)g", { f: 1000000.0 }, "1e+06"],
    ["%(f).3g %(f)#g", { f: 0.5 }, "0.5 0.500000"],
    ["%(f)s %(f)r", { f: 1710761465.0 }, "1710761465.0 1710761465.0"],
    ["%(f)s", { f: 468.129 }, "468.129"],
    ["%(f)d %(f)03d", { f: 468.129 }, "468 468"],
    ["%(f)d", { f: -0.5 }, "0"],
    ["100%% %(s)s", { s: "done" }, "100% done"],
    ["%(s)ls %(i)hd", { s: "x", i: 3 }, "x 3"],
  ])("%s with %o is %j, as in Python", (source, values, expected) => {
    expect(format(source, values)).toBe(expected);
  });

  it.each([
    ["%(s)", "incomplete", 0],
    ["ok %(s", "incomplete", 3],
    ["%(s)s %", "incomplete", 6],
    ["%(s)q", "unsupported-conversion", 0],
    ["%(s)c", "unsupported-conversion", 0],
    ["%(s)*s", "unsupported-conversion", 0],
    ["%(i)%", "unsupported-conversion", 0],
    ["%s", "unnamed", 0],
    ["%(nope)s", "unknown-field", 0],
    ["%(s)d", "type-mismatch", 0],
    ["x %(f)x", "type-mismatch", 2],
    ["no fields 100%%", "no-fields", undefined],
  ])("rejects %j (%s)", (source, reason, offset) => {
    const result = compilePercentFormat(source, KINDS);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect({ reason: result.problem.reason, offset: result.problem.offset }).toEqual({ reason, offset });
  });

  it("passes converted field text, not the format's literal text, through the escape hook", () => {
    const result = compilePercentFormat("<%(s)-6s>%(i)d", KINDS, { escape: (text, key) => `${key}:${text}` });
    expect(result.ok && result.format.format({ s: "a", i: 1 })).toBe("<s:a   >1");
  });
});
