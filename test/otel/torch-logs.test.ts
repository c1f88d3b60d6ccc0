import { SeverityNumber } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import {
  PythonLevel,
  pythonLevelToSeverityNumber,
  pythonLevelToSeverityText,
  severityNumberToPythonLevel,
  TorchLogs,
} from "../../src/index.ts";
import { errorOf } from "../support/error-of.ts";

describe("TorchLogs.setLogs", () => {
  it("is ignored with one warning when TORCH_LOGS is present, even empty", () => {
    for (const value of ["", "+inductor"]) {
      const warnings: string[] = [];
      const torchLogs = new TorchLogs({ env: { TORCH_LOGS: value }, onWarning: (m) => warnings.push(m) });
      const before = torchLogs.settings;
      expect(torchLogs.setLogs({ dynamo: PythonLevel.DEBUG })).toBe(before);
      expect(torchLogs.generation).toBe(0);
      expect(warnings).toEqual([
        "Using TORCH_LOGS environment variable for log settings, ignoring call to set_logs",
      ]);
    }
  });

  it("resets on every call and bumps the generation", () => {
    const torchLogs = new TorchLogs({ env: {} });
    const seen: number[] = [];
    torchLogs.subscribe((_s, generation) => seen.push(generation));
    torchLogs.setLogs({ dynamo: 10, guards: true });
    torchLogs.setLogs({ inductor: 20 });
    expect(torchLogs.settings.effectiveLevel("torch._dynamo")).toBe(PythonLevel.WARNING);
    expect(torchLogs.settings.isArtifactEnabled("guards")).toBe(false);
    expect(torchLogs.settings.effectiveLevel("torch._inductor.scheduler")).toBe(PythonLevel.INFO);
    expect(seen).toEqual([1, 2]);
  });

  it("is atomic: a failing call changes nothing", () => {
    const torchLogs = new TorchLogs({ env: {} });
    torchLogs.setLogs({ inductor: 10 });
    const before = torchLogs.settings;
    const error = errorOf(() => torchLogs.setLogs({ dynamo: 10, aot_graphs: 5 as unknown as boolean }));
    expect(error.kind).toBe("invalid-artifact-value");
    expect(torchLogs.settings).toBe(before);
    expect(torchLogs.generation).toBe(1);
  });

  it.each([
    [{ pp: 10 }, "unknown-option", "use setLogs({ modules: { pp: … } })"],
    [{ dynamoo: 10 }, "unknown-option", 'Did you mean "dynamo"'],
    [{ dynamo: 15 }, "invalid-level", "Unrecognized log level for log dynamo: 15"],
    [{ all: 5 }, "invalid-level", "for log torch: 5"],
    [{ modules: { "json.decoder": true } }, "invalid-level", "json.decoder: True"],
    [{ modules: { all: 10 } }, "unknown-name", "set_logs: all"],
    [
      { modules: { guards: 10 } },
      "invalid-artifact-value",
      "Expected bool to enable artifact guards, received 10",
    ],
  ])("%j fails with %s", (options, kind, text) => {
    const error = errorOf(() => new TorchLogs({ env: {} }).setLogs(options));
    expect(error.kind).toBe(kind);
    expect(error.message).toContain(text);
  });

  it("applies keywords in PyTorch's fixed order, then modules", () => {
    const torchLogs = new TorchLogs({ env: {} });
    // Caller's order is irrelevant: dynamic is applied after dynamo; modules last.
    torchLogs.setLogs({ dynamic: 20, dynamo: 10, modules: { export: 40 } });
    expect(torchLogs.settings.effectiveLevel("torch.fx.experimental.sym_node")).toBe(40);
    torchLogs.setLogs({ dynamic: 20, dynamo: 10 });
    expect(torchLogs.settings.effectiveLevel("torch.fx.experimental.sym_node")).toBe(20);
    expect(torchLogs.settings.effectiveLevel("torch._dynamo")).toBe(10);
  });

  it("reads another env var for a custom registry name, in lossy mode", () => {
    const warnings: string[] = [];
    const torchLogs = new TorchLogs({
      env: { TORCH_LOGS: "+dynamo,nope" },
      mode: "lossy",
      onWarning: (m) => warnings.push(m),
    });
    expect(torchLogs.settings.effectiveLevel("torch._dynamo")).toBe(10);
    expect(warnings[0]).toMatch(/^TORCH_LOGS: unknown name "nope" at item 2/);
  });
});

describe("severity mapping (OpenTelemetry Python handler std_to_otel)", () => {
  it.each([
    [0, SeverityNumber.UNSPECIFIED, "NOTSET"],
    [9, SeverityNumber.UNSPECIFIED, "Level 9"],
    [10, SeverityNumber.DEBUG, "DEBUG"],
    [11, SeverityNumber.DEBUG2, "Level 11"],
    [13, SeverityNumber.DEBUG4, "Level 13"],
    [15, SeverityNumber.DEBUG4, "Level 15"],
    [20, SeverityNumber.INFO, "INFO"],
    [25, SeverityNumber.INFO4, "Level 25"],
    [30, SeverityNumber.WARN, "WARN"],
    [40, SeverityNumber.ERROR, "ERROR"],
    [50, SeverityNumber.FATAL, "CRITICAL"],
    [53, SeverityNumber.FATAL4, "Level 53"],
    [99, SeverityNumber.FATAL4, "Level 99"],
  ])("level %i → severity %i, text %s", (level, severity, text) => {
    expect(pythonLevelToSeverityNumber(level)).toBe(severity);
    expect(pythonLevelToSeverityText(level)).toBe(text);
  });

  it("a record passes a TORCH_LOGS threshold in OTel terms exactly when it does in Python terms", () => {
    for (const threshold of [10, 20, 30, 40, 50]) {
      for (let severity = 1; severity <= 24; severity++) {
        const python = severityNumberToPythonLevel(severity) >= threshold;
        const otel = severity >= pythonLevelToSeverityNumber(threshold);
        expect([threshold, severity, python]).toEqual([threshold, severity, otel]);
      }
      for (let level = 1; level <= 60; level++) {
        const viaOtel = severityNumberToPythonLevel(pythonLevelToSeverityNumber(level)) >= threshold;
        expect([threshold, level, viaOtel]).toEqual([threshold, level, level >= threshold]);
      }
    }
  });
});
