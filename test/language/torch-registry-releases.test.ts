// The built-in PyTorch registries, each generated from its release's wheel (tools/pytorch/generate_registry.py),
// and how a caller picks one: torchRegistry({ pytorch }), TorchLogs and startTorchLogs' `pytorch` option.
import { InMemoryLogRecordExporter } from "@opentelemetry/sdk-logs";
import { describe, expect, it } from "vitest";
import {
  findPytorchRelease,
  formatHelp,
  PYTORCH_VERSIONS,
  parseTorchLogs,
  startTorchLogs,
  TORCH_ARTIFACTS,
  TORCH_COMPONENTS,
  TORCH_SET_LOGS_KEYWORDS,
  TorchLogs,
  TorchLogsError,
  torchRegistry,
} from "../../src/index.ts";

describe("the built-in releases", () => {
  it("are 2.15.0 (the default), 2.14.1 and 2.13.0, newest first", () => {
    expect(PYTORCH_VERSIONS).toEqual(["2.15.0", "2.14.1", "2.13.0"]);
    expect(torchRegistry().pytorchVersion).toBe("2.15.0");
  });

  it.each([
    ["2.15.0", 19, 54, 55],
    ["2.14.1", 19, 54, 55],
    ["2.13.0", 18, 51, 53],
  ])("%s has %i aliases, %i artifacts, %i set_logs keywords", (version, aliases, artifacts, keywords) => {
    const registry = torchRegistry({ pytorch: version });
    expect([registry.aliases.size, registry.artifacts.size, registry.setLogsKeywords.length]).toEqual([
      aliases,
      artifacts,
      keywords,
    ]);
  });

  it("2.14.1 added flex_gemm, native_dsl_compile, partitioned_scatter and autotuning_inputs to 2.13.0", () => {
    const old = torchRegistry({ pytorch: "2.13" });
    const next = torchRegistry({ pytorch: "2.14" });
    expect([...next.aliases.keys()].filter((a) => !old.aliases.has(a))).toEqual(["flex_gemm"]);
    expect([...next.artifacts.keys()].filter((a) => !old.artifacts.has(a))).toEqual([
      "native_dsl_compile",
      "partitioned_scatter",
      "autotuning_inputs",
    ]);
  });

  it("2.15.0 has 2.14.1's registry, with the help text's typo fixed", () => {
    const a = torchRegistry({ pytorch: "2.14.1" });
    const b = torchRegistry({ pytorch: "2.15.0" });
    expect([...b.aliases]).toEqual([...a.aliases]);
    expect([...b.artifacts]).toEqual([...a.artifacts]);
    expect(b.setLogsKeywords).toEqual(a.setLogsKeywords);
    expect(formatHelp(a)).toContain("will enable set the log level of TorchDynamo");
    expect(formatHelp(b)).not.toContain("will enable set");
  });

  it("exports the newest release's tables as TORCH_COMPONENTS, TORCH_ARTIFACTS, TORCH_SET_LOGS_KEYWORDS", () => {
    const newest = findPytorchRelease(undefined);
    expect([TORCH_COMPONENTS, TORCH_ARTIFACTS, TORCH_SET_LOGS_KEYWORDS]).toEqual([
      newest.components,
      newest.artifacts,
      newest.setLogsKeywords,
    ]);
  });
});

describe("findPytorchRelease", () => {
  it.each([
    ["2.15", "2.15.0"],
    ["2.15.0", "2.15.0"],
    ["v2.15.0+cpu", "2.15.0"],
    ["2.14", "2.14.1"],
    [" 2.13.0+cu130 ", "2.13.0"],
  ])("%j is %s", (asked, version) => {
    expect(findPytorchRelease(asked).version).toBe(version);
  });

  it.each([["2.12"], ["2.1"], ["2.14.0"], ["latest"], [""]])(
    "refuses %j, naming the releases there are",
    (asked) => {
      let error: unknown;
      try {
        findPytorchRelease(asked);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TorchLogsError);
      expect((error as TorchLogsError).kind).toBe("unknown-option");
      expect((error as Error).message).toContain("the registries built in are 2.15.0, 2.14.1, 2.13.0");
    },
  );
});

describe("the pytorch option", () => {
  it("parses with that release's names", () => {
    expect(() => parseTorchLogs("flex_gemm", { registry: torchRegistry({ pytorch: "2.13" }) })).toThrow(
      /unknown name "flex_gemm"/,
    );
    expect(parseTorchLogs("+flex_gemm", { registry: torchRegistry({ pytorch: "2.14" }) }).explicit).toEqual(
      new Map([["torch._inductor.kernel.flex_gemm.debug", 10]]),
    );
  });

  it("selects TorchLogs' registry (an explicit registry wins)", () => {
    expect(new TorchLogs({ pytorch: "2.13", settings: "dynamo" }).registry.pytorchVersion).toBe("2.13.0");
    const registry = torchRegistry({ pytorch: "2.14" });
    expect(new TorchLogs({ pytorch: "2.13", registry }).registry).toBe(registry);
  });

  it("selects startTorchLogs' registry", async () => {
    const pipeline = startTorchLogs(
      { pytorch: "2.13", exporter: new InMemoryLogRecordExporter(), register: false, flushOnExit: false },
      { TORCH_LOGS: "+dynamo" },
    );
    expect(pipeline.torchLogs.registry.pytorchVersion).toBe("2.13.0");
    expect(pipeline.torchLogs.registry.aliases.has("flex_gemm")).toBe(false);
    await pipeline.shutdown();
  });
});
