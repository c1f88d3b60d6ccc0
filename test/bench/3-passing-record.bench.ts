// Scenario 3: a record that passes. LoggerProvider + TorchLogsLogRecordProcessor + BatchLogRecordProcessor with a
// no-op exporter, against the same pipeline without our processor, with 1, 20 and 200 registered components
// (each set to DEBUG in TORCH_LOGS), records rotating over one child scope per component.
// Target: ratio ≤ 1.05 at every count, and flat in the count.
//
// Each measured call emits BLOCK records and then awaits `provider.forceFlush()`: the batch processor exports
// from a timer or a promise chain, which never runs inside a synchronous bench loop, so without the flush its
// queue would fill and silently drop records. The flush (one 512-record export, a few promises) is amortised
// over the block and identical on both sides; every emitted record is checked to have been exported.
import { type Logger, type LogRecord, SeverityNumber } from "@opentelemetry/api";
import { TorchLogs, torchRegistry } from "../../src/index.ts";
import { atMost, formatNs, formatRatio, type MicroScenario, type Row } from "./harness.ts";
import { noopPipeline, type Pipeline } from "./support/pipelines.ts";

const TARGET = 1.05;
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

const CONTROL = "A/A control: without (baseline), 1 component, measured again as a separate case";
const FLOOR = "floor: a pass-through processor (enabled() → true, onEmit → delegate), 1 component";
const name = (count: number, ours: boolean) =>
  `${ours ? "with TorchLogsLogRecordProcessor" : "without (baseline)"}, ${count} component${count === 1 ? "" : "s"}`;

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

export const scenario: MicroScenario = {
  kind: "micro",
  id: "3",
  rounds: 5,
  title: `Passing DEBUG record, SDK + BatchLogRecordProcessor (no-op exporter), ${BLOCK} emits + flush per call`,

  setup() {
    const configs = COUNTS.map((count) => {
      const torchLogs = settingsWith(count);
      const scope = `bench.c${count - 1}.worker`;
      if (!torchLogs.settings.emits(scope, 10)) throw new Error(`scenario 3: ${scope} DEBUG must pass`);
      return { count, baseline: side(count, undefined), ours: side(count, torchLogs) };
    });
    const control = side(1, undefined);
    const floor = side(1, undefined, true);
    return {
      cases: [
        ...configs.flatMap((c) => [
          {
            name: name(c.count, false),
            fn: () => emitBlock(c.baseline),
            opsPerCall: BLOCK,
            verify: verify(c.baseline, c.count),
          },
          {
            name: name(c.count, true),
            fn: () => emitBlock(c.ours),
            opsPerCall: BLOCK,
            verify: verify(c.ours, c.count),
          },
        ]),
        { name: CONTROL, fn: () => emitBlock(control), opsPerCall: BLOCK, verify: verify(control, 1) },
        { name: FLOOR, fn: () => emitBlock(floor), opsPerCall: BLOCK, verify: verify(floor, 1) },
      ],
      dispose: async () => {
        await Promise.all(
          [control, floor, ...configs.flatMap((c) => [c.baseline, c.ours])].map((s) =>
            s.pipeline.provider.shutdown(),
          ),
        );
      },
    };
  },

  report(results) {
    const rows: Row[] = [];
    const ratios: number[] = [];
    COUNTS.forEach((count, i) => {
      const base = results.spread(name(count, false));
      const ours = results.spread(name(count, true));
      const r = results.ratio(name(count, true), name(count, false));
      const added = results.difference(name(count, true), name(count, false));
      ratios.push(r);
      const baseLabel = `3${String.fromCharCode(97 + 2 * i)}`;
      rows.push({ label: baseLabel, case: name(count, false), ns: base, verdict: "baseline" });
      rows.push({
        label: `3${String.fromCharCode(98 + 2 * i)}`,
        case: name(count, true),
        ns: ours,
        baseline: baseLabel,
        ratio: r,
        target: `≤ ${TARGET}`,
        verdict: atMost(r, TARGET),
        detail: `${signed(added)} ns/record`,
      });
    });
    // "Must not grow with the number of components": how far the ratio at 20 or 200 rises above the ratio at 1.
    const growth = Math.max(...ratios.slice(1)) - (ratios[0] ?? Number.NaN);
    const control = results.spread(CONTROL);
    rows.push({
      label: "3g",
      case: CONTROL,
      ns: control,
      baseline: "3a",
      ratio: results.ratio(CONTROL, name(1, false)),
      verdict: "report",
      detail: "measurement noise: ideally 1.000",
    });
    const floor = results.spread(FLOOR);
    rows.push({
      label: "3h",
      case: FLOOR,
      ns: floor,
      baseline: "3a",
      ratio: results.ratio(FLOOR, name(1, false)),
      verdict: "report",
      detail: `${signed(results.difference(FLOOR, name(1, false)))} ns/record: what wrapping alone costs`,
    });
    rows.push({
      label: "3i",
      case: `flat in component count: highest ratio at ${COUNTS.slice(1).join("/")} − ratio at ${COUNTS[0]}`,
      target: `≤ ${FLAT_TOLERANCE}`,
      verdict: atMost(growth, FLAT_TOLERANCE),
      detail: `${growth >= 0 ? "+" : "−"}${formatRatio(Math.abs(growth))} (ratios ${ratios.map(formatRatio).join(" / ")})`,
    });
    return {
      rows,
      notes: [
        "Scenario 3: per call, 512 emits and one forceFlush (one 512-record export, a few promises and a timer), amortised over the 512 records on both sides. 3g is the baseline measured again as a separate case: its ratio is the noise floor for 3b/3d/3f. 3h is the SDK's cost of any wrapping processor with an enabled(): 3b − 3h is the TORCH_LOGS processor's own cost.",
      ],
    };
  },
};
