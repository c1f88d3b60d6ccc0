// readTorchRegistry and probePython against the machine's python3 with a fake torch package on PYTHONPATH
// (test/support/fake-torch.ts says why it is fake): the registry that interpreter's torch builds, names a
// device backend and the user's code register, set_logs' internal order, and module names resolved there.
import { afterAll, describe, expect, it } from "vitest";
import { PythonProbeError, readTorchRegistry, TorchLogs, torchRegistry } from "../../src/index.ts";
import { probePython } from "../../src/python/probe-python.ts";
import { makeFakeTorch } from "../support/fake-torch.ts";

const fake = makeFakeTorch();
afterAll(() => fake.remove());
const env = { PATH: process.env.PATH ?? "", PYTHONPATH: fake.dir };

describe("readTorchRegistry", () => {
  it("reads the registry of the interpreter's torch, whatever the package prints on import", async () => {
    const data = await readTorchRegistry({ python: "python3", env });
    expect(data.version).toBe("9.9.0a0+fake");
    expect(data.gitVersion).toBe("0123456789abcdef");
    expect(data.components).toEqual([
      { alias: "dynamo", qualifiedNames: ["torch._dynamo", "torch.fx.experimental.symbolic_shapes"] },
      { alias: "torch", qualifiedNames: ["torch"] },
      { alias: "mydevice", qualifiedNames: ["torch_mydevice"] },
    ]);
    expect(data.artifacts).toEqual([
      { name: "guards", description: "Prints the guards.", visible: true, offByDefault: false },
      { name: "output_code", description: "Prints the code.", visible: true, offByDefault: true },
      {
        name: "mydevice_kernels",
        description: "Kernels of mydevice.",
        visible: false,
        offByDefault: true,
        logFormat: "%(message)s",
      },
    ]);
    // The order of set_logs' inner _set_logs call, not of its signature.
    expect(data.setLogsKeywords).toEqual(["all", "mydevice", "dynamo", "output_code", "guards"]);
    expect(data.helpExamples).toBe("\nExamples:\n  a fake example\n");
  });

  it("imports the user's modules first, so the names they register are there", async () => {
    const data = await readTorchRegistry({ python: "python3", env, imports: ["userreg"] });
    expect(data.artifacts.map((a) => a.name)).toContain("my_artifact");
  });

  it("is a registry TorchLogs filters with: the backend's alias and artifact", async () => {
    const data = await readTorchRegistry({ python: "python3", env });
    const torchLogs = new TorchLogs({ pytorch: data, settings: "+mydevice,mydevice_kernels" });
    expect(torchLogs.registry.pytorchVersion).toBe("9.9.0a0+fake");
    expect(torchLogs.settings.effectiveLevel("torch_mydevice")).toBe(10);
    expect(torchLogs.settings.isArtifactEnabled("mydevice_kernels")).toBe(true);
    expect(torchRegistry({ pytorch: data }).setLogsKeywords).toEqual(data.setLogsKeywords);
  });

  it("says so when the interpreter has no torch", async () => {
    const noTorch = { PATH: process.env.PATH ?? "" };
    await expect(readTorchRegistry({ python: "python3", env: noTorch })).rejects.toThrow(
      /python3: no torch to read \(ModuleNotFoundError: No module named 'torch'\)/,
    );
  });

  it("says so when the interpreter cannot run", async () => {
    const error = await readTorchRegistry({ python: "/nonexistent/python", env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PythonProbeError);
    expect((error as Error).message).toContain("/nonexistent/python: cannot run it");
  });
});

describe("probePython", () => {
  it("resolves module names as PyTorch's parser does, in the same run", async () => {
    const answer = await probePython({ python: "python3", env, modules: ["json", "not_a_thing", "some.x"] });
    expect(answer.registry?.version).toBe("9.9.0a0+fake");
    expect(Object.fromEntries(answer.modules)).toEqual({
      json: { found: true, modules: ["json", "json.decoder", "json.encoder", "json.scanner", "json.tool"] },
      not_a_thing: { found: false },
      "some.x": { found: false, error: "No module named 'some'" },
    });
  });
});
