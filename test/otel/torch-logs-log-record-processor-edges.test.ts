// Edge cases of TorchLogsLogRecordProcessor, each through a real LoggerProvider: severities that are not numbers,
// artifacts named in several places at once, failing delegates, and many distinct scopes.

import { inspect } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { DiagLogLevel, diag, type Logger, ROOT_CONTEXT, SeverityNumber } from "@opentelemetry/api";
import { LoggerProvider, type LogRecordProcessor, type ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import { afterEach, describe, expect, it } from "vitest";
import { parseTorchLogs, TorchLogs, TorchLogsLogRecordProcessor } from "../../src/index.ts";
import { captureDiag } from "../support/capture-diag.ts";
import { setup } from "../support/pipeline.ts";

afterEach(() => diag.disable());

describe("severities that are not numbers", () => {
  it.each([
    ["NaN", Number.NaN],
    ["a string", "DEBUG" as unknown as number],
  ])(
    "a record with %s as severity from an ungoverned scope passes (never drop what we do not govern)",
    (_what, severityNumber) => {
      const { provider, received } = setup({ settings: "-all" });
      const logger = provider.getLogger("myapp.db");
      expect(logger.enabled({ severityNumber })).toBe(true);
      logger.emit({ severityNumber, body: "app" });
      expect(received().map((r) => r.body)).toEqual(["app"]);
    },
  );

  it("a NaN severity from a governed scope is UNSPECIFIED: it bypasses levels, in enabled() and onEmit alike", () => {
    const { provider, received } = setup({ settings: "-dynamo" });
    const logger = provider.getLogger("torch._dynamo");
    expect(logger.enabled({ severityNumber: Number.NaN })).toBe(true);
    logger.emit({ severityNumber: Number.NaN, body: "nan" });
    logger.emit({ severityNumber: Number.NaN, body: "off", attributes: { "torch.artifact": "output_code" } });
    expect(received().map((r) => r.body)).toEqual(["nan"]);
  });

  it("ungovernedScopes: drop drops them whatever their severity", () => {
    const { provider, received } = setup({ settings: "+dynamo", ungovernedScopes: "drop" });
    const logger = provider.getLogger("myapp");
    for (const severityNumber of [Number.NaN, 0, SeverityNumber.FATAL]) {
      expect(logger.enabled({ severityNumber })).toBe(false);
      logger.emit({ severityNumber, body: String(severityNumber) });
    }
    expect(received()).toEqual([]);
  });
});

describe("enabled() never answers false for a record onEmit would pass", () => {
  const settingsValues = ["", "guards", "output_code", "+dynamo,output_code", "-dynamo,guards"];
  const scopes = [
    "torch._dynamo.guards",
    "torch._dynamo.guards.__guards",
    "torch._inductor.graph.__output_code",
    "torch._dynamo.__not_an_artifact",
    "myapp",
  ];
  const attributes = [undefined, "guards", "output_code", "unknown_artifact"];
  const eventNames = [undefined, "guards", "output_code", "not.an.artifact"];
  const KNOWN = new Set<string | undefined>(["guards", "output_code"]);
  const severities = [
    0,
    SeverityNumber.TRACE,
    SeverityNumber.DEBUG,
    SeverityNumber.INFO,
    SeverityNumber.WARN,
  ];

  it.each(settingsValues)("TORCH_LOGS=%j", (settings) => {
    captureDiag(DiagLogLevel.WARN); // unknown artifact names warn
    const { provider, received } = setup({ settings });
    const disagreements: unknown[] = [];
    let body = 0;
    for (const scope of scopes) {
      const logger = provider.getLogger(scope);
      for (const artifact of attributes)
        for (const eventName of eventNames)
          for (const severityNumber of severities) {
            const record = {
              severityNumber,
              ...(eventName === undefined ? {} : { eventName }),
              ...(artifact === undefined ? {} : { attributes: { "torch.artifact": artifact } }),
            };
            const enabled = logger.enabled(record);
            const before = received().length;
            logger.emit({ ...record, body: String(body++) });
            const passed = received().length > before;
            // An eventName or scope-name artifact decides before the attribute, and enabled() sees it: exact.
            const exact = KNOWN.has(eventName) || KNOWN.has(scope.split(".__")[1]);
            if ((!enabled && passed) || (exact && enabled !== passed)) {
              disagreements.push({ scope, artifact, eventName, severityNumber, enabled, passed });
            }
          }
    }
    expect(disagreements).toEqual([]);
  });

  it("a PyTorch artifact logger name decides over a conflicting attribute", () => {
    const { provider, received } = setup({ settings: "guards" });
    const off = provider.getLogger("torch._inductor.graph.__output_code");
    expect(off.enabled({ severityNumber: SeverityNumber.DEBUG })).toBe(false);
    off.emit({
      severityNumber: SeverityNumber.DEBUG,
      body: "off",
      attributes: { "torch.artifact": "guards" },
    });
    const on = provider.getLogger("torch._dynamo.guards.__guards");
    expect(on.enabled({ severityNumber: SeverityNumber.DEBUG })).toBe(true);
    on.emit({
      severityNumber: SeverityNumber.DEBUG,
      body: "on",
      attributes: { "torch.artifact": "output_code" },
    });
    expect(received().map((r) => r.body)).toEqual(["on"]);
  });
});

describe("failing delegates", () => {
  it("a delegate's enabled() failure does not hide its later onEmit failure", () => {
    const warnings = captureDiag(DiagLogLevel.WARN);
    const failing: LogRecordProcessor = {
      enabled: () => {
        throw new Error("enabled boom");
      },
      onEmit: () => {
        throw new Error("onEmit boom");
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const provider = new LoggerProvider({
      processors: [new TorchLogsLogRecordProcessor(failing, { settings: "", env: {} })],
    });
    const logger = provider.getLogger("myapp");
    for (let i = 0; i < 3; i++) {
      expect(() => logger.emit({ severityNumber: SeverityNumber.ERROR, body: "x" })).not.toThrow();
    }
    const ours = warnings.filter((w) => w.startsWith("TorchLogsLogRecordProcessor: "));
    expect(ours).toEqual([
      "TorchLogsLogRecordProcessor: delegate enabled() threw, answered true: Error: enabled boom",
      "TorchLogsLogRecordProcessor: delegate onEmit threw: Error: onEmit boom",
    ]);
  });
});

describe("the common case and the full decision deliver and count alike", () => {
  // TORCH_LOGS=+dynamo: a DEBUG record from torch._dynamo.guards with no eventName and no artifact attribute takes
  // onEmit's common case; the others take the full decision.
  const cases: ReadonlyArray<[string, Parameters<Logger["emit"]>[0], boolean]> = [
    ["common case", { severityNumber: SeverityNumber.DEBUG, body: "b" }, true],
    ["UNSPECIFIED severity", { severityNumber: SeverityNumber.UNSPECIFIED, body: "b" }, true],
    [
      "artifact eventName, on",
      { severityNumber: SeverityNumber.DEBUG, body: "b", eventName: "guards" },
      true,
    ],
    [
      "artifact attribute, off",
      { severityNumber: SeverityNumber.DEBUG, body: "b", attributes: { "torch.artifact": "output_code" } },
      false,
    ],
  ];

  it.each(cases)(
    "%s: passed/filtered counted, a throwing delegate warned about, the next one still served",
    (_what, record, passes) => {
      const warnings = captureDiag(DiagLogLevel.WARN);
      const got: string[] = [];
      const throwing: LogRecordProcessor = {
        onEmit: () => {
          throw new Error("onEmit boom");
        },
        forceFlush: async () => {},
        shutdown: async () => {},
      };
      const counting: LogRecordProcessor = {
        onEmit: (r) => {
          got.push(String(r.body));
        },
        forceFlush: async () => {},
        shutdown: async () => {},
      };
      const torchLogs = new TorchLogs({ settings: "+dynamo", env: {} });
      const single = new TorchLogsLogRecordProcessor(throwing, { torchLogs });
      const both = new TorchLogsLogRecordProcessor([throwing, counting], { torchLogs });
      for (const processor of [single, both]) {
        const logger = new LoggerProvider({ processors: [processor] }).getLogger("torch._dynamo.guards");
        for (let i = 0; i < 2; i++) expect(() => logger.emit(record)).not.toThrow();
        expect(processor.stats).toEqual(passes ? { passed: 2, filtered: 0 } : { passed: 0, filtered: 2 });
      }
      expect(got).toEqual(passes ? ["b", "b"] : []);
      const ours = warnings.filter((w) => w.startsWith("TorchLogsLogRecordProcessor: "));
      expect(ours).toEqual(
        passes ? Array(2).fill("TorchLogsLogRecordProcessor: delegate onEmit threw: Error: onEmit boom") : [],
      );
    },
  );
});

describe("many distinct scopes", () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;

  /** Heap growth, in bytes, of emitting one DEBUG record from each of `count` new scopes through `processor`. */
  function heapGrowth(processor: LogRecordProcessor, count: number): number {
    const provider = new LoggerProvider({ processors: [processor] });
    provider.getLogger("warm-up").emit({ severityNumber: SeverityNumber.INFO, body: "x" });
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < count; i++) {
      provider.getLogger(`torch._dynamo.scope${i}`).emit({ severityNumber: SeverityNumber.DEBUG, body: "x" });
    }
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    // The SDK keeps every Logger it made: the provider stays reachable until the measurement is done.
    expect(provider.getLogger("torch._dynamo.scope0")).toBeDefined();
    return growth;
  }

  class CountingProcessor implements LogRecordProcessor {
    count = 0;
    onEmit(_record: ReadWriteLogRecord): void {
      this.count++;
    }
    async forceFlush(): Promise<void> {}
    async shutdown(): Promise<void> {}
  }

  it("keep the per-scope decision cache bounded (memory compared with a processor that keeps nothing)", () => {
    const count = 50_000;
    const floor = heapGrowth(new CountingProcessor(), count);
    const delegate = new CountingProcessor();
    const torchLogs = new TorchLogs({ settings: "+dynamo", env: {} });
    const ours = heapGrowth(new TorchLogsLogRecordProcessor(delegate, { torchLogs }), count);
    expect(delegate.count).toBe(count + 1);
    // Unbounded, the cache held ≈ 150 bytes per scope (14 MB here); bounded, a few hundred KB at most.
    expect(ours - floor).toBeLessThan(4 * 2 ** 20);
  });

  it("leave the SDK's scope objects as they serialize and print, and follow settings changes", async () => {
    const { processor, provider, exporter } = setup({ settings: "-dynamo" });
    const logger = provider.getLogger("torch._dynamo", "1.0");
    expect(logger.enabled({ severityNumber: SeverityNumber.INFO })).toBe(false);
    processor.update(parseTorchLogs("+dynamo"));
    logger.emit({ severityNumber: SeverityNumber.DEBUG, body: "x" });
    const scope = exporter.getFinishedLogRecords()[0]?.instrumentationScope;
    expect(Object.keys(scope ?? {})).toEqual(["name", "version", "schemaUrl"]);
    expect(JSON.stringify(scope)).toBe('{"name":"torch._dynamo","version":"1.0"}');
    expect(inspect(scope)).not.toContain("Symbol");
    await processor.shutdown();
    // Shut down, the processor leaves nothing of its own on the scope (its property holds undefined).
    const own = scope as unknown as Record<symbol, unknown>;
    expect(Object.getOwnPropertySymbols(own).map((symbol) => own[symbol])).toEqual([undefined]);
  });

  it("filter frozen scope objects too", () => {
    const processor = new TorchLogsLogRecordProcessor(new CountingProcessor(), {
      settings: "-dynamo",
      env: {},
    });
    const instrumentationScope = Object.freeze({ name: "torch._dynamo" });
    const ask = (severityNumber: number) =>
      processor.enabled({ context: ROOT_CONTEXT, instrumentationScope, severityNumber });
    expect([ask(SeverityNumber.WARN), ask(SeverityNumber.ERROR)]).toEqual([false, true]);
    processor.update(parseTorchLogs("+dynamo"));
    expect(ask(SeverityNumber.DEBUG)).toBe(true);
  });
});
