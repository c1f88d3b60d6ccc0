import { describe, expect, it } from "vitest";
import { runCliCaptured as run } from "../support/run-cli.ts";

describe("torch-logs-otel CLI", () => {
  it("explain --json reads $TORCH_LOGS by default", async () => {
    const { code, stdout } = await run(["explain", "--json"], { TORCH_LOGS: "+dynamo,guards" });
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.levels.dynamo).toBe("DEBUG");
    expect(json.levels.inductor).toBe("WARNING");
    expect(json.qnameLevels["torch._dynamo"]).toBe("DEBUG");
    expect(json.artifactsEnabled).toEqual(["guards"]);
  });

  it("explain VALUE prints a table with notes", async () => {
    const { code, stdout } = await run(["explain", "-inductor,+output_code"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}inductor +ERROR +torch\._inductor, torch\._inductor\.cudagraph_trees$/m);
    expect(stdout).toContain("artifacts enabled: output_code");
    expect(stdout).toContain('a prefix on an artifact is ignored; it enables "output_code"');
  });

  it("a bad value exits 1 with the error as JSON", async () => {
    const { code, stdout } = await run(["explain", "--json", "dynamo,aot_grpahs"]);
    expect(code).toBe(1);
    const { error } = JSON.parse(stdout);
    expect(error.kind).toBe("invalid-settings");
    expect(error.message).toContain('did you mean "aot_graphs"');
  });

  it("a bad value exits 1 with the message on stderr", async () => {
    const { code, stderr } = await run(["explain", "dynamo "]);
    expect(code).toBe(1);
    expect(stderr).toContain("whitespace is allowed only after a comma");
  });

  it.each([["help"], ["+help"]])("%s prints PyTorch's help", async (command) => {
    const { code, stdout } = await run([command]);
    expect(code).toBe(0);
    expect(stdout.startsWith("\nTORCH_LOGS Info\n")).toBe(true);
  });

  it.each([[[]], [["nope"]], [["explain", "a", "b"]], [["explain", "--jsn"]], [["help", "x"]]])(
    "bad arguments %j give usage and exit 2",
    async (argv) => {
      const { code, stderr } = await run(argv);
      expect(code).toBe(2);
      expect(stderr).toContain("Usage: torch-logs-otel");
    },
  );
});
