// Scenario 3: a record that passes, against the floor: a pass-through processor (`enabled()` returns true,
// `onEmit` hands the record on), the least any wrapping processor costs. Target: ratio ≤ 1.03 in every case.
// (a) The SDK's LoggerProvider and a delegate that only counts, TORCH_LOGS=+dynamo, DEBUG from
// torch._dynamo.guards: one emit per call. (b) LoggerProvider + BatchLogRecordProcessor with a no-op exporter,
// with 1, 20 and 200 registered components (each set to DEBUG in TORCH_LOGS), records rotating over one child
// scope per component; the ratio must also be flat in the count. The same pipeline without any processor in
// front is reported, for what wrapping costs at all.
//
// In (b) each measured call emits BLOCK records and then awaits `provider.forceFlush()`: the batch processor
// exports from a timer or a promise chain, which never runs inside a synchronous bench loop, so without the flush
// its queue would fill and silently drop records. The flush (one 512-record export, a few promises) is amortised
// over the block and identical on both sides; every emitted record is checked to have been exported.
import { type Logger, type LogRecord, SeverityNumber } from "@opentelemetry/api";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import {
  createTorchLogsLoggerConfigurator,
  TorchLogs,
  TorchLogsLogRecordProcessor,
  torchRegistry,
} from "../../src/index.ts";
import { atMost, formatNs, formatRatio, type MicroScenario, type Row } from "./harness.ts";
import { CountingProcessor, noopPipeline, PassThroughProcessor, type Pipeline } from "./support/pipelines.ts";

const TARGET = 1.03;
const FLAT_TOLERANCE = 0.05;
const COUNTS = [1, 20, 200] as const;
const BLOCK = 512;

function settingsWith(count: number): TorchLogs {
  const registry = torchRegistry();
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    registry.registerComponent(`c${i}`, `bench.c${i}`);
    items.push(`+c${i}`);
  }
  return new TorchLogs({ registry, settings: items.join(",") });
}

interface Side {
  readonly pipeline: Pipeline;
  readonly loggers: readonly Logger[];
  emitted: number;
}

function side(count: number, torchLogs: TorchLogs | undefined, passThrough = false): Side {
  const pipeline = noopPipeline(torchLogs ? { torchLogs } : { passThrough });
  const loggers = Array.from({ length: count }, (_, i) => pipeline.provider.getLogger(`bench.c${i}.worker`));
  return { pipeline, loggers, emitted: 0 };
}

const record: LogRecord = {
  severityNumber: SeverityNumber.DEBUG,
  severityText: "DEBUG",
  body: "step done",
  attributes: { step: 1 },
};

async function emitBlock(s: Side): Promise<void> {
  const { loggers } = s;
  const n = loggers.length;
  for (let k = 0; k < BLOCK; k++) (loggers[k % n] as Logger).emit(record);
  s.emitted += BLOCK;
  await s.pipeline.provider.forceFlush();
}

const SCOPE = "torch._dynamo.guards";
const SINGLE_FLOOR = `floor: pass-through processor, counting delegate, DEBUG from ${SCOPE}`;
const SINGLE_OURS = `TorchLogsLogRecordProcessor (TORCH_LOGS=+dynamo), counting delegate, DEBUG from ${SCOPE}`;
const SINGLE_CONFIGURATOR = `createTorchLogsLoggerConfigurator (TORCH_LOGS=+dynamo), the counting delegate alone, DEBUG from ${SCOPE}`;
const CONTROL = "A/A control: floor, 1 component, measured again as a separate case";
const WITHOUT = "without any processor (batch processor alone), 1 component";
const name = (count: number, ours: boolean) =>
  `${ours ? "with TorchLogsLogRecordProcessor" : "floor: pass-through processor"}, batch, ${count} component${count === 1 ? "" : "s"}`;

function signed(ns: number): string {
  return `${ns >= 0 ? "+" : "−"}${formatNs(Math.abs(ns))}`;
}

function verify(s: Side, count: number): () => Promise<void> {
  return async () => {
    await s.pipeline.provider.forceFlush();
    if (s.pipeline.exporter.exported !== s.emitted) {
      throw new Error(
        `scenario 3 (${count}): emitted ${s.emitted}, exported ${s.pipeline.exporter.exported}: records were dropped`,
      );
    }
    if ((s.pipeline.processor?.stats.filtered ?? 0) !== 0)
      throw new Error("scenario 3: a record was filtered");
  };
}

/**
 * (a): one provider, one logger, a delegate that counts; every emitted record must reach it. The TORCH_LOGS
 * decision by our processor in front of the delegate, by a pass-through processor (no decision: the floor), or
 * by the LoggerConfigurator alone (decided once per logger, no processor in front).
 */
function single(kind: "floor" | "ours" | "configurator") {
  const delegate = new CountingProcessor();
  const torchLogs = new TorchLogs({ settings: "+dynamo", env: {} });
  const provider =
    kind === "configurator"
      ? new LoggerProvider({
          processors: [delegate],
          loggerConfigurator: createTorchLogsLoggerConfigurator(torchLogs),
        })
      : new LoggerProvider({
          processors: [
            kind === "ours"
              ? new TorchLogsLogRecordProcessor(delegate, { torchLogs })
              : new PassThroughProcessor(delegate),
          ],
        });
  const logger = provider.getLogger(SCOPE);
  const debug: LogRecord = { severityNumber: SeverityNumber.DEBUG, severityText: "DEBUG", body: "x" };
  let emitted = 0;
  return {
    provider,
    fn: () => {
      emitted++;
      logger.emit(debug);
    },
    verify: () => {
      if (delegate.count !== emitted)
        throw new Error(`scenario 3: emitted ${emitted}, the delegate got ${delegate.count}`);
    },
  };
}

export const scenario: MicroScenario = {
  kind: "micro",
  id: "3",
  rounds: 5,
  title: `Passing DEBUG record against a pass-through processor: (a) counting delegate, one emit per call; (b) BatchLogRecordProcessor (no-op exporter), ${BLOCK} emits + flush per call`,

  setup() {
    const configs = COUNTS.map((count) => {
      const torchLogs = settingsWith(count);
      const scope = `bench.c${count - 1}.worker`;
      if (!torchLogs.settings.emits(scope, 10)) throw new Error(`scenario 3: ${scope} DEBUG must pass`);
      return { count, floor: side(count, undefined, true), ours: side(count, torchLogs) };
    });
    const control = side(1, undefined, true);
    const without = side(1, undefined);
    const singles = [single("floor"), single("ours"), single("configurator")] as const;
    const batchCase = (caseName: string, s: Side, count: number) => ({
      name: caseName,
      fn: () => emitBlock(s),
      opsPerCall: BLOCK,
      verify: verify(s, count),
    });
    return {
      cases: [
        { name: SINGLE_FLOOR, fn: singles[0].fn, verify: singles[0].verify },
        { name: SINGLE_OURS, fn: singles[1].fn, verify: singles[1].verify },
        { name: SINGLE_CONFIGURATOR, fn: singles[2].fn, verify: singles[2].verify },
        ...configs.flatMap((c) => [
          batchCase(name(c.count, false), c.floor, c.count),
          batchCase(name(c.count, true), c.ours, c.count),
        ]),
        batchCase(CONTROL, control, 1),
        batchCase(WITHOUT, without, 1),
      ],
      dispose: async () => {
        await Promise.all(
          [
            control.pipeline.provider,
            without.pipeline.provider,
            ...singles.map((x) => x.provider),
            ...configs.flatMap((c) => [c.floor.pipeline.provider, c.ours.pipeline.provider]),
          ].map((provider) => provider.shutdown()),
        );
      },
    };
  },

  report(results) {
    const target = (label: string, caseName: string, floor: string, floorLabel: string): Row => {
      const ratio = results.ratio(caseName, floor);
      return {
        label,
        case: caseName,
        ns: results.spread(caseName),
        baseline: floorLabel,
        ratio,
        target: `≤ ${TARGET}`,
        verdict: atMost(ratio, TARGET),
        detail: `${signed(results.difference(caseName, floor))} ns/record over the floor`,
      };
    };
    const rows: Row[] = [
      { label: "3a", case: SINGLE_FLOOR, ns: results.spread(SINGLE_FLOOR), verdict: "baseline" },
      target("3b", SINGLE_OURS, SINGLE_FLOOR, "3a"),
    ];
    const ratios: number[] = [];
    COUNTS.forEach((count, i) => {
      const floorLabel = `3${String.fromCharCode(99 + 2 * i)}`;
      rows.push({
        label: floorLabel,
        case: name(count, false),
        ns: results.spread(name(count, false)),
        verdict: "baseline",
      });
      const row = target(
        `3${String.fromCharCode(100 + 2 * i)}`,
        name(count, true),
        name(count, false),
        floorLabel,
      );
      ratios.push(row.ratio ?? Number.NaN);
      rows.push(row);
    });
    // "Must not grow with the number of components": how far the ratio at 20 or 200 rises above the ratio at 1.
    const growth = Math.max(...ratios.slice(1)) - (ratios[0] ?? Number.NaN);
    rows.push(
      {
        label: "3i",
        case: `flat in component count: highest ratio at ${COUNTS.slice(1).join("/")} − ratio at ${COUNTS[0]}`,
        target: `≤ ${FLAT_TOLERANCE}`,
        verdict: atMost(growth, FLAT_TOLERANCE),
        detail: `${growth >= 0 ? "+" : "−"}${formatRatio(Math.abs(growth))} (ratios ${ratios.map(formatRatio).join(" / ")})`,
      },
      {
        label: "3j",
        case: CONTROL,
        ns: results.spread(CONTROL),
        baseline: "3c",
        ratio: results.ratio(CONTROL, name(1, false)),
        verdict: "report",
        detail: "measurement noise: ideally 1.000",
      },
      {
        label: "3k",
        case: WITHOUT,
        ns: results.spread(WITHOUT),
        baseline: "3c",
        ratio: results.ratio(WITHOUT, name(1, false)),
        verdict: "report",
        detail: `${signed(results.difference(name(1, false), WITHOUT))} ns/record: what wrapping alone costs`,
      },
      {
        label: "3l",
        case: SINGLE_CONFIGURATOR,
        ns: results.spread(SINGLE_CONFIGURATOR),
        baseline: "3a",
        ratio: results.ratio(SINGLE_CONFIGURATOR, SINGLE_FLOOR),
        verdict: "report",
        detail: `${signed(results.difference(SINGLE_CONFIGURATOR, SINGLE_FLOOR))} ns/record vs the floor: scope and severity decided once per logger (no artifact attribute)`,
      },
    );
    return {
      rows,
      notes: [
        "Scenario 3: the floor is a pass-through processor (enabled() → true, onEmit → delegate), the least any wrapping processor costs; 3b − 3a and 3d − 3c … are the TORCH_LOGS processor's own cost. In 3c–3h each call is 512 emits and one forceFlush (one 512-record export, a few promises and a timer), amortised over the 512 records on both sides. 3j is the floor measured again as a separate case: its ratio is the noise floor for 3d/3f/3h. 3l decides scope and severity in the LoggerConfigurator instead (once per logger), with no processor in front of the delegate: a passing record costs nothing for TORCH_LOGS there, but artifacts given as a record attribute are not seen.",
      ],
    };
  },
};
