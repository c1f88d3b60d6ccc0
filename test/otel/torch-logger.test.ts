import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { SeverityNumber } from "@opentelemetry/api";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { describe, expect, it } from "vitest";
import {
  formatMessage,
  getArtifactLogger,
  getLogger,
  PythonLevel,
  setDefaultTorchLogs,
  startTorchLogs,
  TorchLogs,
  torchRegistry,
} from "../../src/index.ts";

function setup(value: string) {
  const torchLogs = new TorchLogs({ settings: value, env: {} });
  const exporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  const received = () =>
    exporter.getFinishedLogRecords().map((r) => ({
      scope: r.instrumentationScope.name,
      severityNumber: r.severityNumber,
      severityText: r.severityText,
      body: r.body,
      attributes: r.attributes,
    }));
  return { torchLogs, options: { torchLogs, loggerProvider }, received };
}

describe("getLogger / getArtifactLogger", () => {
  it("emits TORCH_LOGS-style records with scope, severity, severityText and the artifact attribute", () => {
    const { options, received } = setup("+dynamo,graph_code");
    getLogger("torch._dynamo.convert_frame", options).debug("compiling %s in %d ms", "fn", 12.7);
    getLogger("torch._dynamo.convert_frame", options).warning("careful");
    getArtifactLogger("torch._dynamo.output_graph", "graph_code", options).debug(() => "def forward(x): ...");
    getLogger("torch._inductor", options).info("hidden: inductor is at WARNING");
    expect(received()).toEqual([
      {
        scope: "torch._dynamo.convert_frame",
        severityNumber: SeverityNumber.DEBUG,
        severityText: "DEBUG",
        body: "compiling fn in 12 ms",
        attributes: {},
      },
      {
        scope: "torch._dynamo.convert_frame",
        severityNumber: SeverityNumber.WARN,
        severityText: "WARN",
        body: "careful",
        attributes: {},
      },
      {
        scope: "torch._dynamo.output_graph",
        severityNumber: SeverityNumber.DEBUG,
        severityText: "DEBUG",
        body: "def forward(x): ...",
        attributes: { "torch.artifact": "graph_code" },
      },
    ]);
  });

  it("does not evaluate lazy messages or format arguments for disabled calls", () => {
    const { options, received } = setup("-dynamo");
    const log = getLogger("torch._dynamo", options);
    let evaluated = 0;
    const costly = {
      toString() {
        evaluated++;
        return "x";
      },
    };
    log.debug(() => {
      evaluated++;
      return "never";
    });
    log.info("%s", costly);
    expect(evaluated).toBe(0);
    expect(log.isEnabledFor(PythonLevel.WARNING)).toBe(false);
    expect(log.isEnabledFor(PythonLevel.ERROR)).toBe(true);
    expect(received()).toEqual([]);
  });

  it("re-binds existing loggers when settings change", () => {
    const { torchLogs, options, received } = setup("");
    const log = getLogger("torch._inductor.scheduler", options);
    const schedule = getArtifactLogger("torch._inductor.scheduler", "schedule", options);
    log.debug("before");
    schedule.debug("before");
    torchLogs.setLogs({ inductor: PythonLevel.DEBUG, schedule: true });
    log.debug("after");
    schedule.debug("scheduled");
    expect(received().map((r) => r.body)).toEqual(["after", "scheduled"]);
    expect(getLogger("torch._inductor.scheduler", options)).toBe(log);
  });

  it("attaches errors as OTel exception attributes", () => {
    const { options, received } = setup("");
    const log = getLogger("torch._dynamo", options);
    const failure = new TypeError("bad graph");
    log.exception("compile failed for %s", "fn", failure);
    log.error(failure);
    const [first, second] = received();
    expect(first?.body).toBe("compile failed for fn");
    expect(first?.severityNumber).toBe(SeverityNumber.ERROR);
    expect(first?.attributes).toMatchObject({
      "exception.type": "TypeError",
      "exception.message": "bad graph",
    });
    expect(String(first?.attributes["exception.stacktrace"])).toContain("TypeError: bad graph");
    expect(second?.body).toBe("bad graph");
  });

  it("treats names no component governs like unconfigured Python loggers (WARNING and above)", () => {
    const { options, received } = setup("+all");
    const log = getLogger("myapp.db", options);
    log.info("hidden");
    log.warning("shown");
    expect(received().map((r) => r.body)).toEqual(["shown"]);
  });

  it("never throws into the application when a message fails to format", () => {
    const { options, received } = setup("");
    const log = getLogger("torch._dynamo", options);
    expect(() => log.warning("count %d", Symbol("s"))).not.toThrow();
    expect(() =>
      log.error(() => {
        throw new Error("lazy failed");
      }),
    ).not.toThrow();
    expect(received().map((r) => r.body)).toEqual([
      "count %d (formatting failed: TypeError: Cannot convert a Symbol value to a number)",
      "<message function threw> (formatting failed: Error: lazy failed)",
    ]);
  });

  it("shows an artifact switched on from a name no component governs, as the processor would", () => {
    const registry = torchRegistry().registerArtifact({ name: "sql", offByDefault: true });
    const torchLogs = new TorchLogs({ registry, settings: "sql", env: {} });
    const sql = getArtifactLogger("myapp.db", "sql", { torchLogs });
    expect(sql.isEnabledFor(PythonLevel.DEBUG)).toBe(true);
    const off = getArtifactLogger("myapp.db", "output_code", { torchLogs });
    expect([off.isEnabledFor(PythonLevel.INFO), off.isEnabledFor(PythonLevel.WARNING)]).toEqual([
      false,
      true,
    ]);
  });

  it("does not keep a logger provider alive once the application dropped it", async () => {
    const torchLogs = new TorchLogs({ settings: "", env: {} });
    const refs = Array.from({ length: 20 }, () => {
      const loggerProvider = new LoggerProvider();
      getLogger("torch._dynamo", { torchLogs, loggerProvider }).warning("x");
      return new WeakRef(loggerProvider);
    });
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    for (let i = 0; i < 3 && refs.some((r) => r.deref()); i++) {
      await new Promise((resolve) => setImmediate(resolve)); // WeakRefs clear only between jobs
      gc();
    }
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    torchLogs.setLogs({ dynamo: 10 }); // re-configuring what is left still works
  });

  it("refuses an unregistered artifact, as PyTorch does", () => {
    const { options } = setup("");
    expect(() => getArtifactLogger("torch._dynamo", "no_such", options)).toThrow(/'no_such' not registered/);
  });
});

describe("the process default", () => {
  it("moves loggers made before startTorchLogs to the pipeline's settings, and back after shutdown", async () => {
    setDefaultTorchLogs(new TorchLogs({ settings: "", env: {} }));
    const early = getLogger("torch._dynamo.early"); // e.g. at module load, before the pipeline starts
    expect(early.isEnabledFor(PythonLevel.INFO)).toBe(false);
    const exporter = new InMemoryLogRecordExporter();
    const pipeline = startTorchLogs({ exporter, settings: "dynamo", env: {}, flushOnExit: false });
    try {
      early.info("follows the pipeline");
      pipeline.setLogs({ dynamo: PythonLevel.ERROR });
      early.warning("hidden after setLogs");
      await pipeline.forceFlush();
      expect(exporter.getFinishedLogRecords().map((r) => r.body)).toEqual(["follows the pipeline"]);
    } finally {
      await pipeline.shutdown();
    }
    // Back to the process default, TORCH_LOGS.
    const fromEnv = new TorchLogs({ mode: "lossy" }).settings;
    expect(early.isEnabledFor(PythonLevel.WARNING)).toBe(
      fromEnv.emits("torch._dynamo.early", PythonLevel.WARNING),
    );
    setDefaultTorchLogs(undefined);
  });
});

describe("formatMessage", () => {
  it.each([
    ["%s and %s", ["a", 1], "a and 1"],
    ["%d%%", [99.9], "99%"],
    ["%r", ["x"], "'x'"],
    ["%f", [1.5], "1.500000"],
    ["%x", [255], "ff"],
    ["missing %s %s", ["one"], "missing one %s"],
    ["extra", ["a", { b: 1 }], "extra a { b: 1 }"],
    ["no args %s", [], "no args %s"],
  ])("%j with %j → %j", (template, args, expected) => {
    expect(formatMessage(template, args)).toBe(expected);
  });
});
