// A chatty application: E2E_RECORDS records (default 1,000,000) from every registered PyTorch component and some
// of their child modules, 80 % DEBUG, 15 % INFO, 5 % WARNING, under startTorchLogs with TORCH_LOGS from the
// environment, to the collector named by OTEL_EXPORTER_OTLP_ENDPOINT. It paces itself on the pipeline's pending
// count, so nothing is dropped for a full queue. stdout: { stats, cpuSeconds, wallSeconds }.
// Run by e2e/bench/filter-at-source.ts.
import { setTimeout as sleep } from "node:timers/promises";

const api = await import("@opentelemetry/api");
const torch = await import("../../src/index.ts");

const records = Number(process.env.E2E_RECORDS ?? 1_000_000);
const pipeline = torch.startTorchLogs({
  serviceName: "e2e-chatty",
  resourceAttributes: { "e2e.run": process.env.E2E_RUN ?? "" },
  batch: { maxQueueSize: 65_536, maxExportBatchSize: 8_192, scheduledDelayMillis: 200 },
});
const scopes = [...torch.torchRegistry().qualifiedNames.keys()].flatMap((name) => [name, `${name}.child`]);
const loggers = scopes.map((scope) => api.logs.getLogger(scope));
const S = api.SeverityNumber;
const started = performance.now();
const cpu = process.cpuUsage();
for (let i = 0; i < records; i++) {
  const roll = i % 20;
  const severityNumber = roll === 0 ? S.WARN : roll <= 3 ? S.INFO : S.DEBUG;
  loggers[i % loggers.length]?.emit({
    severityNumber,
    body: `chatty record ${i}: compiled a frame with some detail worth a debug line`,
    attributes: { "e2e.seq": i },
  });
  if (i % 1_000 === 999) {
    while (pipeline.stats().pending > 40_000) await sleep(2);
  }
}
await pipeline.shutdown();
const used = process.cpuUsage(cpu);
process.stdout.write(
  `${JSON.stringify({
    stats: pipeline.stats(),
    cpuSeconds: (used.user + used.system) / 1e6,
    wallSeconds: (performance.now() - started) / 1e3,
  })}\n`,
);
