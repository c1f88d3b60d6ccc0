// Scenario 2: raw OTel `logger.emit()` of a record TORCH_LOGS rejects by scope and severity. Ours: the processor's
// `enabled()` answers false, so the SDK never builds the record. Baseline: the SDK's own LoggerConfigurator drop
// (`createLoggerConfigurator` with `minimumSeverity` for that scope). Target: ratio ≤ 1.5.
import { type LogRecord, SeverityNumber } from "@opentelemetry/api";
import { createLoggerConfigurator, LoggerProvider } from "@opentelemetry/sdk-logs";
import { createTorchLogsLoggerConfigurator, TorchLogs } from "../../src/index.ts";
import { atMost, type MicroScenario } from "./harness.ts";
import { noopPipeline, RejectAllProcessor } from "./support/pipelines.ts";

const TARGET = 1.5;
const SCOPE = "torch._dynamo.guards";

const cases = {
  sdk: "SDK createLoggerConfigurator (minimumSeverity WARN) drop",
  processor: "TorchLogsLogRecordProcessor enabled() drop",
  configurator: "createTorchLogsLoggerConfigurator drop",
  floor: "floor: a processor whose enabled() is `return false` (the SDK's enabled() path alone)",
};

export const scenario: MicroScenario = {
  kind: "micro",
  id: "2",
  rounds: 2,
  title: "Raw `logger.emit()` of a DEBUG record from torch._dynamo.guards, rejected by scope + severity",

  setup() {
    // TORCH_LOGS unset: dynamo at WARNING, no artifact on.
    const torchLogs = new TorchLogs({ env: {} });
    const record: LogRecord = { severityNumber: SeverityNumber.DEBUG, severityText: "DEBUG", body: "x" };
    const sdkDrop = noopPipeline({
      loggerConfigurator: createLoggerConfigurator([
        { pattern: SCOPE, config: { minimumSeverity: SeverityNumber.WARN } },
      ]),
    });
    const ours = noopPipeline({ torchLogs });
    const oursConfigurator = noopPipeline({
      loggerConfigurator: createTorchLogsLoggerConfigurator(torchLogs),
    });
    const floor = new LoggerProvider({ processors: [new RejectAllProcessor()] });
    const pipelines = [sdkDrop, ours, oursConfigurator];

    const sdkLogger = sdkDrop.provider.getLogger(SCOPE);
    const oursLogger = ours.provider.getLogger(SCOPE);
    const oursConfiguratorLogger = oursConfigurator.provider.getLogger(SCOPE);
    const floorLogger = floor.getLogger(SCOPE);
    const nothingExported = async () => {
      await Promise.all(pipelines.map((p) => p.provider.forceFlush()));
      if (pipelines.some((p) => p.exporter.exported !== 0)) {
        throw new Error("scenario 2: a rejected record was exported");
      }
    };
    return {
      cases: [
        { name: cases.sdk, fn: () => sdkLogger.emit(record), verify: nothingExported },
        { name: cases.processor, fn: () => oursLogger.emit(record), verify: nothingExported },
        { name: cases.configurator, fn: () => oursConfiguratorLogger.emit(record), verify: nothingExported },
        { name: cases.floor, fn: () => floorLogger.emit(record) },
      ],
      dispose: async () => {
        await Promise.all([...pipelines.map((p) => p.provider.shutdown()), floor.shutdown()]);
      },
    };
  },

  report(results) {
    const base = results.spread(cases.sdk);
    const processor = results.spread(cases.processor);
    const processorRatio = results.ratio(cases.processor, cases.sdk);
    const report = (label: string, name: string) => {
      const ns = results.spread(name);
      return {
        label,
        case: name,
        ns,
        baseline: "2a",
        ratio: results.ratio(name, cases.sdk),
        verdict: "report" as const,
      };
    };
    return {
      rows: [
        { label: "2a", case: cases.sdk, ns: base, verdict: "baseline" },
        {
          label: "2b",
          case: cases.processor,
          ns: processor,
          baseline: "2a",
          ratio: processorRatio,
          target: `≤ ${TARGET}`,
          verdict: atMost(processorRatio, TARGET),
        },
        report("2c", cases.configurator),
        report("2d", cases.floor),
      ],
      notes: [
        "Scenario 2: 2d is the least any processor-enabled() drop costs in this SDK (Logger.enabled() calls context.active() a second time, builds an options object, loops over the processors); 2b − 2d is the processor's own cost.",
      ],
    };
  },
};
