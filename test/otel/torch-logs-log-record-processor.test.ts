import { DiagLogLevel, diag, logs, SeverityNumber } from "@opentelemetry/api";
import { logs as legacyLogs } from "@opentelemetry/api-logs";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { afterEach, describe, expect, it } from "vitest";
import {
  createTorchLogsLoggerConfigurator,
  PythonLevel,
  parsePythonLevelName,
  parseTorchLogs,
  pythonLevelToSeverityNumber,
  registerLoggerProviderGlobally,
  TorchLogs,
  TorchLogsLogRecordProcessor,
} from "../../src/index.ts";
import { captureDiag } from "../support/capture-diag.ts";
import { referenceModuleResolver, torchLogsVectors } from "../support/conformance.ts";
import { setup } from "../support/pipeline.ts";
import { takeTorchLogsWarnings } from "../support/torch-logs-warnings.ts";

const severityOf = (levelName: string) => pythonLevelToSeverityNumber(parsePythonLevelName(levelName) ?? 0);

afterEach(() => diag.disable());

describe("conformance probes through a real LoggerProvider (strict mode)", () => {
  const accepted = torchLogsVectors.filter((v) => !v.expect.error);

  it.each(accepted.map((v) => [v.id, v] as const))("%s", async (_id, vector) => {
    const { provider, received } = setup({
      settings: vector.env ?? undefined,
      ...(vector.env === null ? { settings: "" } : {}),
      resolveModule: referenceModuleResolver,
      ungovernedScopes: "drop",
    });
    const probes = vector.expect.emits ?? [];
    const artifactsEnabled = (vector.expect.artifacts_enabled ?? []).length > 0;
    probes.forEach((probe, i) => {
      const severityNumber = severityOf(probe.level);
      if ("artifact" in probe) {
        // Attribute encoding (what the facade sends)...
        const logger = provider.getLogger(probe.module);
        logger.emit({ severityNumber, body: `a${i}`, attributes: { "torch.artifact": probe.artifact } });
        // ...and PyTorch's own artifact logger names, `<module>.__<artifact>`: enabled() is exact for those.
        const artifactLogger = provider.getLogger(`${probe.module}.__${probe.artifact}`);
        expect([probe, artifactLogger.enabled({ severityNumber })]).toEqual([probe, probe.emitted]);
        artifactLogger.emit({ severityNumber, body: `s${i}` });
      } else {
        const logger = provider.getLogger(probe.logger);
        const enabled = logger.enabled({ severityNumber });
        // enabled() sees no attributes: with an artifact enabled it must let DEBUG through for artifact records.
        if (!artifactsEnabled || probe.emitted) expect([probe, enabled]).toEqual([probe, probe.emitted]);
        logger.emit({ severityNumber, body: `p${i}` });
      }
    });
    const bodies = new Set(received().map((r) => r.body));
    const wrong = probes.filter((probe, i) => {
      const keys = "artifact" in probe ? [`a${i}`, `s${i}`] : [`p${i}`];
      return keys.some((key) => bodies.has(key) !== probe.emitted);
    });
    expect(wrong).toEqual([]);
    await provider.shutdown();
  });
});

describe("TorchLogsLogRecordProcessor", () => {
  it("passes scopes TORCH_LOGS does not govern untouched by default", () => {
    const { provider, received } = setup({ settings: "-all" });
    provider
      .getLogger("@opentelemetry/instrumentation-http")
      .emit({ severityNumber: SeverityNumber.DEBUG, body: "http" });
    provider.getLogger("myapp").emit({ severityNumber: SeverityNumber.TRACE, body: "app" });
    provider
      .getLogger("torch.utils")
      .emit({ severityNumber: SeverityNumber.WARN, body: "dropped: under torch" });
    expect(received().map((r) => r.body)).toEqual(["http", "app"]);
  });

  it("lets UNSPECIFIED severity bypass levels, as the SDK's minimumSeverity does, but not artifact switches", () => {
    const { provider, received } = setup({ settings: "-dynamo" });
    const logger = provider.getLogger("torch._dynamo");
    logger.emit({ body: "no severity" });
    logger.emit({ body: "off by default", attributes: { "torch.artifact": "output_code" } });
    logger.emit({ body: "follows level", attributes: { "torch.artifact": "guards" } });
    expect(received().map((r) => r.body)).toEqual(["no severity", "follows level"]);
  });

  it.each([
    ["a number", 7],
    ["an unknown name", "no_such_artifact"],
    ["a list", ["guards"]],
  ])("treats %s in torch.artifact as a plain record of its scope and warns once", (_what, value) => {
    const warnings = captureDiag(DiagLogLevel.WARN);
    const { provider, received } = setup({ settings: "inductor" });
    const logger = provider.getLogger("torch._inductor");
    for (const severityNumber of [SeverityNumber.DEBUG, SeverityNumber.INFO, SeverityNumber.INFO]) {
      logger.emit({ severityNumber, body: String(severityNumber), attributes: { "torch.artifact": value } });
    }
    expect(received().map((r) => r.body)).toEqual(["9", "9"]);
    expect(warnings.filter((w) => w.startsWith("TorchLogsLogRecordProcessor: "))).toHaveLength(1);
  });

  it("takes the artifact from eventName too, which enabled() sees", () => {
    const { provider, received } = setup({ settings: "guards" });
    const logger = provider.getLogger("torch._inductor.graph");
    const debug = SeverityNumber.DEBUG;
    expect(logger.enabled({ severityNumber: debug, eventName: "output_code" })).toBe(false);
    expect(logger.enabled({ severityNumber: debug, eventName: "guards" })).toBe(true);
    logger.emit({ severityNumber: debug, eventName: "output_code", body: "off by default" });
    logger.emit({ severityNumber: debug, eventName: "guards", body: "guards on" });
    logger.emit({ severityNumber: debug, eventName: "graph_breaks", body: "follows inductor: WARNING" });
    logger.emit({ severityNumber: debug, eventName: "not.an.artifact", body: "plain: WARNING" });
    expect(received().map((r) => r.body)).toEqual(["guards on"]);
  });

  it("with artifactAttribute: false, enabled() is exact even while artifacts are on", () => {
    const { provider, received } = setup({ settings: "guards", artifactAttribute: false });
    const logger = provider.getLogger("torch._dynamo");
    expect(logger.enabled({ severityNumber: SeverityNumber.DEBUG })).toBe(false);
    logger.emit({
      severityNumber: SeverityNumber.DEBUG,
      body: "attribute ignored",
      attributes: { "torch.artifact": "guards" },
    });
    provider
      .getLogger("torch._dynamo.guards.__guards")
      .emit({ severityNumber: SeverityNumber.DEBUG, body: "scope name" });
    expect(received().map((r) => r.body)).toEqual(["scope name"]);
  });

  it("changes filtering at run time for loggers created before the change", () => {
    const { processor, provider, received } = setup({ settings: "env" });
    const dynamo = provider.getLogger("torch._dynamo");
    const graph = provider.getLogger("torch._dynamo.output_graph");
    dynamo.emit({ severityNumber: SeverityNumber.DEBUG, body: "before" });
    expect(dynamo.enabled({ severityNumber: SeverityNumber.DEBUG })).toBe(false);
    processor.setLogs({ dynamo: PythonLevel.DEBUG, graph_code: true });
    expect(dynamo.enabled({ severityNumber: SeverityNumber.DEBUG })).toBe(true);
    dynamo.emit({ severityNumber: SeverityNumber.DEBUG, body: "after" });
    graph.emit({
      severityNumber: SeverityNumber.DEBUG,
      body: "code",
      attributes: { "torch.artifact": "graph_code" },
    });
    processor.update(parseTorchLogs("-dynamo"));
    dynamo.emit({ severityNumber: SeverityNumber.WARN, body: "hidden again" });
    expect(received().map((r) => r.body)).toEqual(["after", "code"]);
    // The two hidden records never reached onEmit: enabled() answered false, so the SDK did not build them.
    expect(processor.stats).toEqual({ passed: 2, filtered: 0 });
  });

  it("ignores setLogs while TORCH_LOGS is set, warning through the given channel", () => {
    const warnings: string[] = [];
    const processor = new TorchLogsLogRecordProcessor(
      new SimpleLogRecordProcessor({ exporter: new InMemoryLogRecordExporter() }),
      { env: { TORCH_LOGS: "+inductor" }, onWarning: (m) => warnings.push(m) },
    );
    processor.setLogs({ dynamo: 10 });
    expect(processor.settings.effectiveLevel("torch._dynamo")).toBe(PythonLevel.WARNING);
    expect(warnings).toHaveLength(1);
  });

  it("in lossy mode keeps valid items and warns through diag", () => {
    const warnings = captureDiag(DiagLogLevel.WARN);
    const { processor } = setup({ env: { TORCH_LOGS: "+dynamo,aot_grpahs" }, mode: "lossy" });
    expect(processor.settings.effectiveLevel("torch._dynamo")).toBe(PythonLevel.DEBUG);
    expect(warnings[0]).toMatch(/^TorchLogsLogRecordProcessor: TORCH_LOGS: unknown name "aot_grpahs"/);
  });

  it("throws a TorchLogsError for a bad TORCH_LOGS in strict mode (as import torch does)", () => {
    expect(() => setup({ env: { TORCH_LOGS: "dynamo " } })).toThrow(
      /whitespace is allowed only after a comma/,
    );
  });

  it("adds the component alias when asked", () => {
    const { provider, exporter } = setup({ settings: "+dynamo", componentAttribute: "torch.component" });
    provider
      .getLogger("torch.fx.experimental.symbolic_shapes")
      .emit({ severityNumber: SeverityNumber.INFO, body: "x" });
    provider.getLogger("myapp").emit({ severityNumber: SeverityNumber.INFO, body: "y" });
    expect(exporter.getFinishedLogRecords().map((r) => r.attributes["torch.component"])).toEqual([
      "dynamo",
      undefined,
    ]);
  });

  it("wraps several delegates, passes flush and shutdown through, and shuts down once", async () => {
    const a = new InMemoryLogRecordExporter();
    const b = new InMemoryLogRecordExporter();
    const processor = new TorchLogsLogRecordProcessor(
      [new SimpleLogRecordProcessor({ exporter: a }), new SimpleLogRecordProcessor({ exporter: b })],
      { settings: "" },
    );
    const provider = new LoggerProvider({ processors: [processor] });
    const logger = provider.getLogger("torch._inductor");
    logger.emit({ severityNumber: SeverityNumber.INFO, body: "filtered" });
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: "kept" });
    await provider.forceFlush();
    expect(a.getFinishedLogRecords().map((r) => r.body)).toEqual(["kept"]);
    expect(b.getFinishedLogRecords().map((r) => r.body)).toEqual(["kept"]);
    await Promise.all([provider.shutdown(), processor.shutdown()]);
    await processor.shutdown();
    expect(() => logger.emit({ severityNumber: SeverityNumber.ERROR, body: "after shutdown" })).not.toThrow();
  });

  it("never throws from onEmit when a delegate does", () => {
    const warnings = captureDiag(DiagLogLevel.WARN);
    const processor = new TorchLogsLogRecordProcessor(
      {
        onEmit: () => {
          throw new Error("boom");
        },
        forceFlush: async () => {},
        shutdown: async () => {},
      },
      { settings: "" },
    );
    const provider = new LoggerProvider({ processors: [processor] });
    expect(() =>
      provider.getLogger("x").emit({ severityNumber: SeverityNumber.ERROR, body: "x" }),
    ).not.toThrow();
    expect(warnings.join()).toContain("delegate onEmit threw: Error: boom");
  });

  it("survives delegates that throw from enabled(), forceFlush() and shutdown()", async () => {
    const warnings = captureDiag(DiagLogLevel.WARN);
    const boom = () => {
      throw new Error("boom");
    };
    const processor = new TorchLogsLogRecordProcessor(
      { onEmit: () => {}, enabled: boom, forceFlush: boom, shutdown: boom },
      { settings: "" },
    );
    const provider = new LoggerProvider({ processors: [processor] });
    expect(provider.getLogger("x").enabled({ severityNumber: SeverityNumber.ERROR })).toBe(true);
    expect(warnings.join()).toContain("delegate enabled() threw");
    await expect(processor.forceFlush()).rejects.toThrow("boom");
    await expect(processor.shutdown()).rejects.toThrow("boom");
  });

  it("stops following a shared TorchLogs once shut down", async () => {
    const torchLogs = new TorchLogs({ settings: "", env: {} });
    const { processor } = setup({ torchLogs });
    await processor.shutdown();
    torchLogs.update(parseTorchLogs("+dynamo"));
    expect(processor.settings.effectiveLevel("torch._dynamo")).toBe(PythonLevel.WARNING);
  });

  it("lets an eventName that names an artifact decide before the attribute, in enabled() and onEmit alike", () => {
    const { provider, received } = setup({ settings: "guards" });
    const logger = provider.getLogger("torch._dynamo");
    const record = {
      severityNumber: SeverityNumber.DEBUG,
      eventName: "output_code",
      attributes: { "torch.artifact": "guards" },
    };
    expect(logger.enabled(record)).toBe(false);
    logger.emit({ ...record, body: "output_code is off" });
    expect(received()).toEqual([]);
  });

  it("filters records from the legacy @opentelemetry/api-logs global the same way", async () => {
    const { provider, received } = setup({ settings: "-dynamo,+inductor" });
    const registration = registerLoggerProviderGlobally(provider);
    expect(registration.registered).toBe(true);
    try {
      const legacy = legacyLogs.getLogger("torch._dynamo");
      legacy.emit({ severityNumber: 17, body: "legacy error" });
      legacy.emit({ severityNumber: 13, body: "legacy warn: dropped" });
      legacyLogs.getLogger("torch._inductor.scheduler").emit({ severityNumber: 5, body: "legacy debug" });
      expect(received().map((r) => r.body)).toEqual(["legacy error", "legacy debug"]);
    } finally {
      registration.unregister();
    }
  });

  it("does not take over, or later remove, a global provider registered by someone else", async () => {
    const { provider: theirs } = setup();
    const { provider: ours } = setup();
    const first = registerLoggerProviderGlobally(theirs);
    try {
      const second = registerLoggerProviderGlobally(ours);
      expect(second.registered).toBe(false);
      // Said once, as a process warning (no diag logger here).
      expect(await takeTorchLogsWarnings()).toEqual([
        expect.stringMatching(
          /^torch-logs-otel: another LoggerProvider already holds the global of @opentelemetry\/api and @opentelemetry\/api-logs, /,
        ),
      ]);
      second.unregister();
      expect(logs.getLoggerProvider()).toBe(theirs);
    } finally {
      first.unregister();
    }
  });
});

describe("createTorchLogsLoggerConfigurator", () => {
  it("gives each scope its minimum severity at logger creation", () => {
    const torchLogs = new TorchLogs({ settings: "+dynamo,-inductor", env: {} });
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      processors: [new SimpleLogRecordProcessor({ exporter })],
      loggerConfigurator: createTorchLogsLoggerConfigurator(torchLogs),
    });
    const dynamo = provider.getLogger("torch._dynamo.guards");
    const inductor = provider.getLogger("torch._inductor");
    const other = provider.getLogger("myapp");
    expect(dynamo.enabled({ severityNumber: SeverityNumber.DEBUG })).toBe(true);
    expect(inductor.enabled({ severityNumber: SeverityNumber.WARN })).toBe(false);
    expect(inductor.enabled({ severityNumber: SeverityNumber.ERROR })).toBe(true);
    expect(other.enabled({ severityNumber: SeverityNumber.TRACE })).toBe(true);
    // Fixed at creation: the SDK caches a Logger's config, so setLogs does not reach it...
    torchLogs.update(parseTorchLogs("+inductor"));
    expect(inductor.enabled({ severityNumber: SeverityNumber.WARN })).toBe(false);
    // ...but a Logger created afterwards gets the new settings.
    expect(provider.getLogger("torch._inductor", "2").enabled({ severityNumber: SeverityNumber.DEBUG })).toBe(
      true,
    );
  });

  it("disables ungoverned scopes in strict mode and lets enabled artifacts through at DEBUG", () => {
    const configure = createTorchLogsLoggerConfigurator(parseTorchLogs("guards"), {
      ungovernedScopes: "drop",
    });
    expect(configure({ name: "myapp" }).enabled).toBe(false);
    expect(configure({ name: "torch._dynamo" }).minimumSeverity).toBe(SeverityNumber.DEBUG);
    expect(configure({ name: "torch._inductor.graph.__output_code" }).enabled).toBe(false);
  });
});
