// Scenario 4: an artifact record TORCH_LOGS rejects, when only the `torch.artifact` attribute says so. With any
// artifact on (TORCH_LOGS=guards), `enabled()` must let DEBUG records of governed scopes through (it cannot see
// attributes), so the SDK builds the record and `onEmit` drops it. Reported next to the SDK's LoggerConfigurator
// drop (scenario 2's baseline, measured again here), and next to the two ways to keep the decision at source: a
// PyTorch-style artifact scope name (`module.__output_code`, rejected by `enabled()`) and the facade.
import { type LogRecord, SeverityNumber } from "@opentelemetry/api";
import { createLoggerConfigurator } from "@opentelemetry/sdk-logs";
import { ARTIFACT_ATTRIBUTE, getArtifactLogger, TorchLogs } from "../../src/index.ts";
import type { MicroScenario, Row } from "./harness.ts";
import { noopPipeline } from "./support/pipelines.ts";

const MODULE = "torch._inductor.graph";

const cases = {
  sdk: "SDK createLoggerConfigurator (minimumSeverity WARN) drop",
  attribute: `emit(DEBUG, ${ARTIFACT_ATTRIBUTE}=output_code): enabled() passes, onEmit drops`,
  plain: "emit(DEBUG), no attribute: enabled() passes (an artifact is on), onEmit drops",
  scope: `emit(DEBUG) from scope "${MODULE}.__output_code": enabled() drops`,
  facade: `getArtifactLogger("${MODULE}", "output_code").debug("x %s", obj)`,
};

export const scenario: MicroScenario = {
  kind: "micro",
  id: "4",
  rounds: 2,
  title: "Artifact `output_code` (off) from torch._inductor.graph, TORCH_LOGS=guards",

  setup() {
    const torchLogs = new TorchLogs({ env: {}, settings: "guards" });
    const plain: LogRecord = { severityNumber: SeverityNumber.DEBUG, severityText: "DEBUG", body: "x" };
    const artifactRecord: LogRecord = { ...plain, attributes: { [ARTIFACT_ATTRIBUTE]: "output_code" } };
    const obj = { step: 1 };

    const sdkDrop = noopPipeline({
      loggerConfigurator: createLoggerConfigurator([
        { pattern: MODULE, config: { minimumSeverity: SeverityNumber.WARN } },
      ]),
    });
    const ours = noopPipeline({ torchLogs });
    const sdkLogger = sdkDrop.provider.getLogger(MODULE);
    const moduleLogger = ours.provider.getLogger(MODULE);
    const artifactScopeLogger = ours.provider.getLogger(`${MODULE}.__output_code`);
    const facade = getArtifactLogger(MODULE, "output_code", { torchLogs, loggerProvider: ours.provider });
    if (!moduleLogger.enabled({ severityNumber: SeverityNumber.DEBUG })) {
      throw new Error("scenario 4: enabled() was expected to let DEBUG through while an artifact is on");
    }
    if (artifactScopeLogger.enabled({ severityNumber: SeverityNumber.DEBUG }) || facade.isEnabledFor(10)) {
      throw new Error("scenario 4: the artifact scope and the facade must reject output_code at source");
    }

    const nothingExported = async () => {
      await Promise.all([sdkDrop.provider.forceFlush(), ours.provider.forceFlush()]);
      if (sdkDrop.exporter.exported !== 0 || ours.exporter.exported !== 0) {
        throw new Error("scenario 4: a rejected record was exported");
      }
    };
    const droppedInOnEmit = async () => {
      await nothingExported();
      if ((ours.processor?.stats.filtered ?? 0) === 0) throw new Error("scenario 4: onEmit dropped nothing");
    };
    return {
      cases: [
        { name: cases.sdk, fn: () => sdkLogger.emit(plain), verify: nothingExported },
        { name: cases.attribute, fn: () => moduleLogger.emit(artifactRecord), verify: droppedInOnEmit },
        { name: cases.plain, fn: () => moduleLogger.emit(plain), verify: droppedInOnEmit },
        { name: cases.scope, fn: () => artifactScopeLogger.emit(plain), verify: nothingExported },
        { name: cases.facade, fn: () => facade.debug("x %s", obj), verify: nothingExported },
      ],
      dispose: async () => {
        await Promise.all([sdkDrop.provider.shutdown(), ours.provider.shutdown()]);
      },
    };
  },

  report(results) {
    const base = results.spread(cases.sdk);
    const rows: Row[] = [{ label: "4a", case: cases.sdk, ns: base, verdict: "baseline" }];
    const labels = ["4b", "4c", "4d", "4e"];
    [cases.attribute, cases.plain, cases.scope, cases.facade].forEach((name, i) => {
      const ns = results.spread(name);
      rows.push({
        label: labels[i] ?? "",
        case: name,
        ns,
        baseline: "4a",
        ratio: results.ratio(name, cases.sdk),
        verdict: "report",
      });
    });
    return {
      rows,
      notes: [
        "Scenario 4: 4b/4c build the SDK's LogRecordImpl (timestamps, attribute copy) only for onEmit to drop it; 4d/4e decide before any record exists. Compare 4b with 2b (same kind of record rejected by scope + severity in enabled()).",
      ],
    };
  },
};
