// `collector-filter` in the real filter processor: for hundreds of TORCH_LOGS values and a grid of records that
// covers every registered component, child and artifact-logger scopes, every artifact as attribute and as
// eventName, every severity and ungoverned scopes, the collector (v0.161, the OTTL engine users run) keeps
// exactly the records TorchLogsLogRecordProcessor passes. Any disagreement is a bug in one of the two.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiagLogLevel, diag, type SeverityNumber } from "@opentelemetry/api";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import {
  type CollectorFilterOptions,
  formatCollectorFilterConfig,
  parseTorchLogs,
  TorchLogsLogRecordProcessor,
  type UngovernedScopes,
} from "../src/index.ts";
import { type OtlpReceiver, startOtlpReceiver } from "../test/support/otlp-receiver.ts";
import { stopAllBackends } from "./support/backend-process.ts";
import { type Collector, startCollector } from "./support/backends.ts";
import { filterRecordGrid, type GridRecord } from "./support/filter-record-grid.ts";
import { freePorts } from "./support/free-port.ts";
import { exportLogsRequest, postOtlpLogs } from "./support/otlp-json.ts";
import { torchLogsValues } from "./support/torch-logs-values.ts";

interface Case {
  readonly value: string;
  readonly ungoverned: UngovernedScopes;
  readonly syntax: NonNullable<CollectorFilterOptions["syntax"]>;
}

const values = torchLogsValues(300);
// Every value as `collector-filter VALUE` prints it; the first 25 again with `--ungoverned drop` and `--legacy`.
const CASES: readonly Case[] = [
  ...values.map((value) => ({ value, ungoverned: "pass" as const, syntax: "log_conditions" as const })),
  ...values
    .slice(0, 25)
    .map((value) => ({ value, ungoverned: "drop" as const, syntax: "log_conditions" as const })),
  ...values.slice(0, 25).map((value) => ({ value, ungoverned: "pass" as const, syntax: "legacy" as const })),
];
const grid = filterRecordGrid();

/** What the processor passes: a real LoggerProvider, the processor in front of an in-memory exporter. */
function processorPasses(testCase: Case): Set<string> {
  const exporter = new InMemoryLogRecordExporter();
  const processor = new TorchLogsLogRecordProcessor(new SimpleLogRecordProcessor({ exporter }), {
    settings: parseTorchLogs(testCase.value),
    ungovernedScopes: testCase.ungoverned,
    env: {},
  });
  const provider = new LoggerProvider({ processors: [processor] });
  for (const record of grid) {
    provider.getLogger(record.scope).emit({
      severityNumber: record.severityNumber as SeverityNumber,
      body: record.id,
      ...(record.eventName !== undefined && { eventName: record.eventName }),
      attributes: record.attributes,
    });
  }
  return new Set(exporter.getFinishedLogRecords().map((r) => String(r.body)));
}

/** One collector, one logs pipeline per case: its own receiver port, the generated filter, its own exporter. */
function differentialConfig(ports: readonly number[], downstream: string): Record<string, unknown> {
  const receivers: Record<string, unknown> = {};
  const processors: Record<string, unknown> = {};
  const exporters: Record<string, unknown> = {};
  const pipelines: Record<string, unknown> = {};
  CASES.forEach((testCase, i) => {
    const name = `filter/case${i}`;
    const generated = parse(
      formatCollectorFilterConfig(parseTorchLogs(testCase.value), testCase.value, {
        ungovernedScopes: testCase.ungoverned,
        syntax: testCase.syntax,
        processorName: name,
      }),
    ) as { processors: Record<string, unknown> };
    Object.assign(processors, generated.processors);
    receivers[`otlp/case${i}`] = { protocols: { http: { endpoint: `127.0.0.1:${ports[i]}` } } };
    // No queue and no retry: a request is answered only after its surviving records were delivered.
    exporters[`otlp_http/case${i}`] = {
      endpoint: downstream,
      sending_queue: { enabled: false },
      retry_on_failure: { enabled: false },
    };
    pipelines[`logs/case${i}`] = {
      receivers: [`otlp/case${i}`],
      processors: [name],
      exporters: [`otlp_http/case${i}`],
    };
  });
  return {
    receivers,
    processors,
    exporters,
    service: { telemetry: { metrics: { level: "none" } }, pipelines },
  };
}

describe("collector-filter in the real collector's filter processor", () => {
  let workDir: string;
  let receiver: OtlpReceiver;
  let collector: Collector;
  let ports: number[];

  beforeAll(async () => {
    // Unknown or non-string artifact values make the processor warn; those warnings are not this test's subject.
    diag.setLogger({ error() {}, warn() {}, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
    workDir = mkdtempSync(join(tmpdir(), "e2e-collector-filter-"));
    receiver = await startOtlpReceiver();
    // The config names its own ports (one receiver per case): chosen again if another process took one first.
    for (let attempt = 1; ; attempt++) {
      ports = await freePorts(CASES.length);
      const configPath = join(workDir, `differential-${attempt}.yaml`);
      writeFileSync(configPath, stringify(differentialConfig(ports, receiver.endpoint)));
      try {
        collector = await startCollector({ name: "differential collector", config: configPath, workDir });
        break;
      } catch (error) {
        if (attempt >= 3 || !/address already in use/.test(String((error as Error).message))) throw error;
      }
    }
  });

  afterAll(async () => {
    await stopAllBackends();
    await receiver?.close();
    diag.disable();
    rmSync(workDir, { recursive: true, force: true });
  });

  it(`keeps exactly what the processor passes, for ${CASES.length} cases × ${grid.length} records`, {
    timeout: 900_000,
  }, async () => {
    expect(values.length).toBeGreaterThanOrEqual(200);
    const disagreements: string[] = [];
    let total = 0;
    let passedSomewhere = 0;
    for (const [i, testCase] of CASES.entries()) {
      receiver.clear();
      const records = grid.map((record: GridRecord) => ({ ...record, body: record.id }));
      await postOtlpLogs(
        `http://127.0.0.1:${ports[i]}/v1/logs`,
        exportLogsRequest({ "e2e.case": i }, records),
      );
      const kept = new Set(receiver.records.map((r) => String(r.body)));
      const passed = processorPasses(testCase);
      for (const record of grid) {
        total++;
        if (passed.has(record.id)) passedSomewhere++;
        if (kept.has(record.id) !== passed.has(record.id)) {
          disagreements.push(
            `TORCH_LOGS=${JSON.stringify(testCase.value)} (ungoverned ${testCase.ungoverned}, ${testCase.syntax}): ` +
              `${record.id} — processor ${passed.has(record.id) ? "passes" : "drops"}, collector ${kept.has(record.id) ? "keeps" : "drops"}`,
          );
        }
      }
    }
    console.log(
      `collector-filter differential: ${total - disagreements.length}/${total} decisions agree ` +
        `(${CASES.length} cases, ${values.length} distinct TORCH_LOGS values, ${grid.length} records each; ` +
        `${passedSomewhere} passed)`,
    );
    expect(disagreements.slice(0, 40)).toEqual([]);
    expect(collector.process.isRunning).toBe(true);
  });
});
