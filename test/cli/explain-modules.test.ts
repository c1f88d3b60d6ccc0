// `explain` accepts every TORCH_LOGS value PyTorch accepts: any module name is taken as importable, near-misses
// of registered names still get "did you mean", and `--python PATH` resolves names exactly as PyTorch does
// (find_spec through that interpreter; python3 and its stdlib here).
import { describe, expect, it } from "vitest";
import { runCliCaptured as run } from "../support/run-cli.ts";

// The interpreter is found on the CLI's PATH, as a shell would find it.
const PATH = { PATH: process.env.PATH ?? "" };

describe("explain and module names", () => {
  it.each([
    ["+mypkg", { mypkg: "DEBUG" }],
    ["+shop.cart,dynamo", { "shop.cart": "DEBUG", dynamo: "INFO" }],
    ["json", { json: "INFO" }],
  ])("%s is accepted without an interpreter to ask", async (value, levels) => {
    const { code, stdout } = await run(["explain", "--json", value]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).levels).toMatchObject(levels);
  });

  it.each([
    ["Dynamo", '"dynamo"'],
    ["grapf_breaks", '"graph_breaks"'],
    ["+dynamo,aot_grpahs", '"aot_graphs"'],
  ])("%s is a near-miss: did you mean %s", async (value, suggestion) => {
    const { code, stdout } = await run(["explain", "--json", value]);
    expect(code).toBe(1);
    const { error } = JSON.parse(stdout);
    expect(error.kind).toBe("invalid-settings");
    expect(error.message).toContain(`did you mean ${suggestion}`);
  });

  it("--python expands a package to its submodules, as PyTorch 2.13+ does", async () => {
    const { code, stdout } = await run(
      ["explain", "--json", "--python", "python3", "json,+json.decoder"],
      PATH,
    );
    expect(code).toBe(0);
    const { levels, qnameLevels } = JSON.parse(stdout);
    expect(levels).toMatchObject({ json: "INFO" });
    expect(qnameLevels).toMatchObject({ json: "INFO", "json.encoder": "INFO", "json.decoder": "DEBUG" });
  });

  it.each([
    ["mypkg_surely_not_installed", "invalid-settings", "unknown name"],
    ["+some.random.module", "module-not-found", "No module named 'some'"],
    ["json.decoder.x", "module-not-found", "__path__ attribute not found on 'json.decoder'"],
  ])("--python refuses %s as PyTorch would (%s)", async (value, kind, text) => {
    const { code, stdout } = await run(["explain", "--json", "--python", "python3", value], PATH);
    expect(code).toBe(1);
    const { error } = JSON.parse(stdout);
    expect(error.kind).toBe(kind);
    expect(error.message).toContain(text);
  });

  it("--python with an interpreter that cannot run exits 1 naming it", async () => {
    const { code, stderr } = await run(["explain", "--python", "/nonexistent/python", "mypkg"]);
    expect(code).toBe(1);
    expect(stderr).toContain("--python /nonexistent/python: cannot run it");
  });
});
