// Scenario 5: end to end. Records/s through LoggerProvider → (TorchLogsLogRecordProcessor →) BatchLogRecordProcessor
// → the real OTLP/HTTP exporter (JSON and protobuf) → the local OTLP receiver (test/support/otlp-receiver.ts, on
// 127.0.0.1, in a worker thread of this process so its decoding does not run on the exporting thread).
// With and without our processor, at 0 % and 90 % of records filtered. Target: with/without ≥ 0.95 at 0 %.
//
// Bounded counts, not timed assertions: each measured call emits RECORDS records (yielding to the event loop
// every CHUNK, as a busy service would), flushes, and checks the receiver got exactly what should pass. mitata's
// `measure` runs blocks of one warm-up and SAMPLES_PER_BLOCK measured calls; BLOCKS blocks per side, alternating
// with and without, so drifting machine load hits both sides alike; the ratio is taken block by block (median
// over blocks), ns/op over the REPS measured calls. ns/op = wall ns per emitted record; the exporting thread's CPU time per record is reported beside it
// (below 100 % busy, the receiver or the network, not the exporting thread, bounds the throughput).
// BENCH_RECEIVER=inline runs the receiver on the exporting thread instead (its decoding then counts on both sides).
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { type Logger, type LogRecord, SeverityNumber } from "@opentelemetry/api";
import { OTLPLogExporter as JsonExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as ProtobufExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  type LogRecordExporter,
  type LogRecordProcessor,
} from "@opentelemetry/sdk-logs";
import { measure } from "mitata";
import { TorchLogs, TorchLogsLogRecordProcessor } from "../../src/index.ts";
import {
  atLeast,
  type CustomScenario,
  formatBytes,
  formatNs,
  formatRatio,
  type Row,
  type Spread,
  spreadOf,
} from "./harness.ts";
import { type ReceiverThread, startReceiverInline, startReceiverThread } from "./support/receiver-thread.ts";

const TARGET = 0.95;
const RECORDS = 20_000;
const CHUNK = 500;
const BLOCKS = 6;
const SAMPLES_PER_BLOCK = 2;
const REPS = BLOCKS * SAMPLES_PER_BLOCK;
const PASS_SCOPE = "torch._dynamo.convert_frame"; // +dynamo: DEBUG passes
const DROP_SCOPE = "torch._inductor.scheduler"; // inductor at WARNING: DEBUG is filtered

const PROTOCOLS = [
  ["http/json", (url: string): LogRecordExporter => new JsonExporter({ url })],
  ["http/protobuf", (url: string): LogRecordExporter => new ProtobufExporter({ url })],
] as const;

interface Side {
  readonly provider: LoggerProvider;
  /** One measured call: RECORDS records emitted, flushed, and checked at the receiver. */
  readonly call: () => Promise<void>;
  /** Wall ns per emitted record, one entry per measured call. */
  readonly wall: number[];
  /** The median wall ns per record of each block, in block order (blocks of both sides alternate in time). */
  readonly blocks: number[];
  /** Exporting-thread CPU ns per emitted record, one entry per call (warm-up calls included, then removed). */
  readonly cpu: number[];
  /** Highest process RSS sampled while this side ran (receiver thread included). */
  peakRss: number;
}

function createSide(
  receiver: ReceiverThread,
  createExporter: (url: string) => LogRecordExporter,
  withProcessor: boolean,
  filteredPercent: 0 | 90,
): Side {
  const batch = new BatchLogRecordProcessor({
    exporter: createExporter(receiver.url),
    maxQueueSize: RECORDS, // never drops: every record emitted in a call fits
    maxExportBatchSize: 512,
  });
  const torchLogs = new TorchLogs({ env: {}, settings: "+dynamo" });
  const processor: LogRecordProcessor = withProcessor
    ? new TorchLogsLogRecordProcessor(batch, { torchLogs })
    : batch;
  const provider = new LoggerProvider({ processors: [processor] });
  const pass = provider.getLogger(PASS_SCOPE);
  const drop = provider.getLogger(DROP_SCOPE);
  const attributes = { "torch.compile_id": "0/0", "code.function": "forward" };
  const expected = withProcessor ? (RECORDS * (100 - filteredPercent)) / 100 : RECORDS;
  const side: Side = {
    provider,
    wall: [],
    blocks: [],
    cpu: [],
    peakRss: process.memoryUsage.rss(),
    async call() {
      const cpu0 = process.threadCpuUsage();
      for (let i = 0; i < RECORDS; i++) {
        const logger: Logger = filteredPercent === 0 || i % 10 === 0 ? pass : drop;
        const record: LogRecord = {
          severityNumber: SeverityNumber.DEBUG,
          severityText: "DEBUG",
          body: `compiled frame ${i}`,
          attributes,
        };
        logger.emit(record);
        if ((i + 1) % CHUNK === 0) {
          side.peakRss = Math.max(side.peakRss, process.memoryUsage.rss());
          await yieldToEventLoop();
        }
      }
      await provider.forceFlush();
      const used = process.threadCpuUsage(cpu0);
      side.cpu.push(((used.user + used.system) * 1_000) / RECORDS);
      side.peakRss = Math.max(side.peakRss, process.memoryUsage.rss());
      const taken = await receiver.take();
      if (taken.count !== expected || taken.malformed !== 0 || taken.rejected !== 0) {
        throw new Error(
          `scenario 5: receiver got ${taken.count} records (expected ${expected}), ` +
            `${taken.malformed} malformed, ${taken.rejected} rejected requests`,
        );
      }
    },
  };
  return side;
}

/** mitata's `measure` of SAMPLES calls (after its one warm-up call, whose CPU figure is dropped). */
async function measureBlock(side: Side): Promise<void> {
  const cpuBefore = side.cpu.length;
  const stats = await measure(side.call, {
    min_samples: SAMPLES_PER_BLOCK,
    max_samples: SAMPLES_PER_BLOCK,
    min_cpu_time: 0,
    warmup_samples: 0,
  });
  side.cpu.splice(cpuBefore, 1);
  // samples_threshold (12) > SAMPLES_PER_BLOCK: mitata keeps every sample.
  for (const ns of stats.samples) side.wall.push(ns / RECORDS);
  side.blocks.push(stats.p50 / RECORDS);
}

function detail(side: Side, ns: Spread): string {
  const rate = Math.round(1e9 / ns.p50).toLocaleString("en-US");
  const cpu = spreadOf(side.cpu).p50;
  const busy = Math.round((100 * cpu) / ns.p50);
  return `${rate} rec/s; exporting thread CPU ${formatNs(cpu)} ns/rec (${busy} % busy); peak RSS ${formatBytes(side.peakRss)}`;
}

export const scenario: CustomScenario = {
  kind: "custom",
  id: "5",
  title: `End to end over OTLP/HTTP to a local receiver: ${RECORDS.toLocaleString("en-US")} DEBUG records per call, median of ${REPS} calls`,
  async run(_options) {
    const inline = process.env.BENCH_RECEIVER === "inline";
    const receiver = inline ? await startReceiverInline() : await startReceiverThread();
    const startRss = process.memoryUsage.rss();
    const rows: Row[] = [];
    try {
      let index = 0;
      for (const [protocol, createExporter] of PROTOCOLS) {
        for (const filtered of [0, 90] as const) {
          const without = createSide(receiver, createExporter, false, filtered);
          const withProcessor = createSide(receiver, createExporter, true, filtered);
          try {
            // Blocks alternate the order, so a change in machine load hits both sides alike.
            for (let block = 0; block < BLOCKS; block++) {
              for (const side of block % 2 === 0 ? [without, withProcessor] : [withProcessor, without]) {
                await measureBlock(side);
              }
            }
          } finally {
            await Promise.all([without.provider.shutdown(), withProcessor.provider.shutdown()]);
          }
          const withoutNs = spreadOf(without.wall);
          const withNs = spreadOf(withProcessor.wall);
          const baseLabel = `5${String.fromCharCode(97 + index++)}`;
          const label = `5${String.fromCharCode(97 + index++)}`;
          // Compared block by block (the two sides' blocks run back to back), then the median over blocks.
          const throughputRatio = spreadOf(
            without.blocks.map((ns, i) => ns / (withProcessor.blocks[i] ?? Number.NaN)),
          ).p50;
          const cpuRatio = spreadOf(withProcessor.cpu).p50 / spreadOf(without.cpu).p50;
          rows.push({
            label: baseLabel,
            case: `${protocol}, ${filtered} % filtered, without processor (all exported)`,
            ns: withoutNs,
            verdict: "baseline",
            detail: detail(without, withoutNs),
          });
          rows.push({
            label,
            case: `${protocol}, ${filtered} % filtered, with TorchLogsLogRecordProcessor`,
            ns: withNs,
            baseline: baseLabel,
            ratio: throughputRatio,
            ...(filtered === 0
              ? { target: `rec/s ≥ ${TARGET}×`, verdict: atLeast(throughputRatio, TARGET) }
              : { verdict: "report" as const }),
            detail: `${detail(withProcessor, withNs)}; CPU ratio ${formatRatio(cpuRatio)}`,
          });
        }
      }
    } finally {
      await receiver.close();
    }
    const maxRss = process.resourceUsage().maxRSS * 1024;
    return {
      id: this.id,
      title: this.title,
      rows,
      notes: [
        `Scenario 5 ratio = records/s with ÷ without (higher is better), compared block by block (${BLOCKS} blocks of ${SAMPLES_PER_BLOCK} calls per side, alternating) and the median taken; ns/op = wall ns per emitted record over all calls.`,
        `Scenario 5 RSS is the whole process's (exporting thread, receiver thread, up to ${RECORDS.toLocaleString("en-US")} queued records): ${formatBytes(startRss)} once the receiver was up, peak ${formatBytes(maxRss)} (resourceUsage().maxRSS); "peak RSS" per row is the highest sample up to the end of that row's measurement.`,
        inline
          ? "Scenario 5: the receiver ran on the exporting thread (BENCH_RECEIVER=inline): its decoding is counted on both sides."
          : "Scenario 5: the exporting thread is well below 100 % busy: the receiver (decoding every record in a worker thread) and the sequential batch exports bound the wall-clock rate; the CPU ratio is the processor's cost on the exporting thread.",
      ],
    };
  },
};
