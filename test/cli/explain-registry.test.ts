// Which registry the commands use: `--pytorch VERSION` (the built-in releases, default the newest), `--python
// PATH` (that interpreter's torch: here python3 with a fake torch, test/support/fake-torch.ts says why), and
// what `explain` says of names that only an interpreter could resolve (PyTorch accepts any importable module).
import { afterAll, describe, expect, it } from "vitest";
import { PYTORCH_VERSIONS } from "../../src/index.ts";
import { makeFakeTorch } from "../support/fake-torch.ts";
import { runCliCaptured as run } from "../support/run-cli.ts";

const fake = makeFakeTorch();
afterAll(() => fake.remove());
const withFakeTorch = { PATH: process.env.PATH ?? "", PYTHONPATH: fake.dir };

describe("explain: names nothing resolved", () => {
  it.each([
    ["dynamo,not_a_thing", ["not_a_thing"]],
    ["_", ["_"]],
    ["+mypkg.sub,torch._dynamo,dynamo", ["mypkg.sub"]],
    ["dynamo,guards", []],
  ])("%s lists %j under unresolvedModules", async (value, names) => {
    const { code, stdout } = await run(["explain", "--json", value]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).unresolvedModules).toEqual(names);
  });

  it("names each of them in a line of the table's notes", async () => {
    const { code, stdout } = await run(["explain", "dynamo,not_a_thing,_"]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      "  - PyTorch accepts `not_a_thing` only if `import not_a_thing` succeeds; check with --python\n",
    );
    expect(stdout).toContain("  - PyTorch accepts `_` only if `import _` succeeds; check with --python\n");
  });

  it("refuses Help as PyTorch does (Invalid log settings), suggesting help", async () => {
    const { code, stderr } = await run(["explain", "Help"]);
    expect(code).toBe(1);
    expect(stderr).toContain('unknown name "Help" at item 1 (did you mean "help"?)');
    expect(stderr).toContain("Invalid log settings: Help, must be a comma separated list");
  });

  it("with --python, names the interpreter does not know are refused as PyTorch refuses them", async () => {
    const { code, stdout } = await run(
      ["explain", "--json", "--python", "python3", "dynamo,_"],
      withFakeTorch,
    );
    expect(code).toBe(1);
    expect(JSON.parse(stdout).error.message).toContain("Invalid log settings: dynamo,_,");
  });
});

describe("--pytorch VERSION", () => {
  it("defaults to the newest release", async () => {
    const { stdout } = await run(["explain", "--json", "dynamo"]);
    expect(JSON.parse(stdout).pytorch).toBe(PYTORCH_VERSIONS[0]);
    expect(PYTORCH_VERSIONS[0]).toBe("2.15.0");
  });

  it.each([
    ["2.13", ["flex_gemm"]],
    ["2.13.0", ["flex_gemm"]],
    ["2.14", []],
    ["2.15.0", []],
  ])("--pytorch %s: flex_gemm (an alias since 2.14.1) is left unresolved: %j", async (version, names) => {
    const { code, stdout } = await run(["explain", "--json", "--pytorch", version, "flex_gemm"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).unresolvedModules).toEqual(names);
  });

  it("gives each release's own help text (2.15 fixed a typo of 2.14's)", async () => {
    const old = await run(["help", "--pytorch", "2.14"]);
    const current = await run(["help"]);
    expect(old.stdout).toContain(
      'TORCH_LOGS="+dynamo,schedule" will enable set the log level of TorchDynamo\n',
    );
    expect(current.stdout).toContain('TORCH_LOGS="+dynamo,schedule" will set the log level of TorchDynamo\n');
  });

  it.each([["explain"], ["help"], ["collector-filter"], ["ingest"], ["trace"]])(
    "%s refuses an unknown version, naming the built-in ones",
    async (command) => {
      const { code, stderr } = await run([
        command,
        "--pytorch",
        "1.0",
        ...(command === "trace" ? ["x"] : []),
      ]);
      expect(code).toBe(1);
      expect(stderr).toContain(
        `unknown PyTorch version "1.0": the registries built in are ${PYTORCH_VERSIONS.join(", ")}`,
      );
    },
  );
});

describe("--python PATH", () => {
  it("explains with the registry of that interpreter's torch (a device backend's names included)", async () => {
    const { code, stdout } = await run(
      ["explain", "--json", "--python", "python3", "+mydevice,mydevice_kernels"],
      withFakeTorch,
    );
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.pytorch).toBe("9.9.0a0+fake");
    expect(json.levels).toMatchObject({ mydevice: "DEBUG" });
    expect(json.artifactsEnabled).toEqual(["mydevice_kernels"]);
    expect(json.unresolvedModules).toEqual([]);
  });

  it("reads names the user's code registers (--python-import)", async () => {
    const args = ["explain", "--json", "--python", "python3", "--python-import", "userreg", "my_artifact"];
    const { code, stdout } = await run(args, withFakeTorch);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).artifactsEnabled).toEqual(["my_artifact"]);
  });

  it("prints that torch's help", async () => {
    const { code, stdout } = await run(["help", "--python", "python3"], withFakeTorch);
    expect(code).toBe(0);
    expect(stdout).toContain("a fake example");
    expect(stdout).toContain("  mydevice\n");
  });

  it("says which registry it used when the interpreter has no torch", async () => {
    const { code, stdout } = await run(["explain", "--python", "python3", "json"], {
      PATH: process.env.PATH ?? "",
    });
    expect(code).toBe(0);
    expect(stdout).toContain(
      "python3 has no torch to read (ModuleNotFoundError: No module named 'torch'): PyTorch 2.15.0's registry",
    );
  });

  it.each([["ingest"], ["trace"]])("%s exits 1 naming an interpreter that cannot run", async (command) => {
    const { code, stderr } = await run([command, "--python", "/nonexistent/python", "x"]);
    expect(code).toBe(1);
    expect(stderr).toContain("--python /nonexistent/python: cannot run it");
  });
});
