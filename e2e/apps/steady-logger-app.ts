// An application that logs at a steady pace for a while under startTorchLogs, to the collector named by
// OTEL_EXPORTER_OTLP_ENDPOINT: E2E_RECORDS records (default 5,000) over E2E_DURATION_MS (default 20 s), each
// with its sequence number as body and attribute. stdout: one JSON object, { stats, emitted, firstEmittedAt }.
// Run by e2e/faults.e2e.test.ts, which stops the collector in the middle.
import { setTimeout as sleep } from "node:timers/promises";

const api = await import("@opentelemetry/api");
const torch = await import("../../src/index.ts");

const records = Number(process.env.E2E_RECORDS ?? 5_000);
const durationMs = Number(process.env.E2E_DURATION_MS ?? 20_000);
const pipeline = torch.startTorchLogs({
  serviceName: "e2e-steady",
  resourceAttributes: { "e2e.run": process.env.E2E_RUN ?? "" },
  batch: { scheduledDelayMillis: 200 },
});
const logger = api.logs.getLogger("torch._dynamo");
const ticks = 100;
const perTick = Math.ceil(records / ticks);
let emitted = 0;
const times: number[] = [];
for (let tick = 0; tick < ticks && emitted < records; tick++) {
  for (let i = 0; i < perTick && emitted < records; i++, emitted++) {
    logger.emit({
      severityNumber: api.SeverityNumber.WARN,
      body: `steady ${emitted}`,
      attributes: { "e2e.seq": emitted },
    });
  }
  times.push(Date.now());
  await sleep(durationMs / ticks);
}
await pipeline.shutdown();
process.stdout.write(`${JSON.stringify({ stats: pipeline.stats(), emitted, tickTimes: times, perTick })}\n`);
