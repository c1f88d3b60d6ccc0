// `npm run bench:e2e`: does filtering at the source pay? A chatty application (e2e/apps/chatty-app.ts: 1M records
// from every PyTorch component, mostly DEBUG) wants TORCH_LOGS=+dynamo. Two ways, same machine, same run, same
// collector build and shipped agent config, the logs store behind it:
//   source:    the app filters (startTorchLogs with TORCH_LOGS=+dynamo); the agent forwards what arrives;
//   collector: the app sends everything (TORCH_LOGS=+all); the agent runs `collector-filter +dynamo`.
// Measured: records and bytes on the wire between app and agent (a counting TCP proxy), the agent's CPU seconds
// (/proc/PID/stat) and the app's, per 1M emitted records; and that both ways store the same number of records.
//
//   node e2e/bench/filter-at-source.ts [--records N] [--write]
//
// --write writes the table to e2e/bench/results.md.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { formatCollectorFilterConfig, parseTorchLogs } from "../../src/index.ts";
import { stopAllBackends } from "../support/backend-process.ts";
import {
  COLLECTOR_DIR,
  type Collector,
  startCollector,
  startVictoriaLogs,
  type VictoriaLogs,
} from "../support/backends.ts";
import { freePorts } from "../support/free-port.ts";
import { cpuSecondsOf } from "../support/process-cpu.ts";
import { runJsonApp } from "../support/run-json-app.ts";
import { awaitLogs, countLogs } from "../support/victoria-logs-client.ts";
import { formatWrittenPages } from "./format-written-pages.ts";

const args = process.argv.slice(2);
const recordsArg = args.indexOf("--records");
const RECORDS = recordsArg >= 0 ? Number(args[recordsArg + 1]) : 1_000_000;
const WRITE = args.includes("--write");
const APP = new URL("../apps/chatty-app.ts", import.meta.url).pathname;
const RESULTS = new URL("results.md", import.meta.url).pathname;
const WANTED = "+dynamo";

/** A TCP proxy in front of the agent's OTLP/HTTP port that counts the bytes the app sends. */
async function countingProxy(target: URL): Promise<{ server: Server; url: string; bytes: () => number }> {
  let bytes = 0;
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    client.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
  });
  const [port] = await freePorts(1);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${port}`, bytes: () => bytes };
}

async function accepted(collector: Collector): Promise<number> {
  const text = await (await fetch(collector.telemetryUrl)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("otelcol_receiver_accepted_log_records"))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

interface AppResult {
  readonly stats: { passed: number; exported: number; failed: number; droppedQueueFull: number };
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
}

interface Row {
  readonly way: string;
  readonly wireRecords: number;
  readonly wireBytes: number;
  readonly agentCpu: number;
  readonly appCpu: number;
  readonly stored: number;
}

async function measure(way: "source" | "collector", workDir: string, logs: VictoriaLogs): Promise<Row> {
  let config = join(COLLECTOR_DIR, "otelcol-config.yaml");
  if (way === "collector") {
    // The shipped agent config plus the generated filter, placed as collector/README.md says.
    const agent = parse(readFileSync(config, "utf8")) as {
      processors: Record<string, unknown>;
      service: { pipelines: { logs: { processors: string[] } } };
    };
    const generated = parse(formatCollectorFilterConfig(parseTorchLogs(WANTED), WANTED)) as {
      processors: Record<string, unknown>;
    };
    Object.assign(agent.processors, generated.processors);
    agent.service.pipelines.logs.processors = [
      "memory_limiter",
      ...Object.keys(generated.processors),
      "batch",
    ];
    config = join(workDir, "agent-with-filter.yaml");
    writeFileSync(config, stringify(agent));
  }
  const agent = await startCollector({
    name: `agent ${way}`,
    config,
    workDir,
    env: {
      LOKI_OTLP_ENDPOINT: logs.otlpEndpoint,
      OTLP_BACKEND_ENDPOINT: "http://127.0.0.1:9",
      OTELCOL_DEBUG_VERBOSITY: "basic",
    },
  });
  const proxy = await countingProxy(new URL(agent.otlpHttpUrl));
  const run = `bench-${way}`;
  const cpuBefore = cpuSecondsOf(agent.process.pid);
  const app = await runJsonApp<AppResult>(APP, {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: proxy.url,
      TORCH_LOGS: way === "source" ? WANTED : "+all",
      E2E_RUN: run,
      E2E_RECORDS: String(RECORDS),
    },
    timeoutMs: 600_000,
  });
  if (app.stats.failed > 0 || app.stats.droppedQueueFull > 0) {
    throw new Error(`${way}: the app lost records (${JSON.stringify(app.stats)})`);
  }
  const filter = `e2e.run:=${run}`;
  // Wait until the agent has stored everything it will store (its count stops moving), then read its CPU.
  let stored = -1;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const now = await countLogs(logs.url, filter);
    if (now === stored) break;
    stored = now;
  }
  const agentCpu = cpuSecondsOf(agent.process.pid) - cpuBefore;
  const wireRecords = await accepted(agent);
  await agent.process.stop();
  proxy.server.close();
  return { way, wireRecords, wireBytes: proxy.bytes(), agentCpu, appCpu: app.cpuSeconds, stored };
}

function table(rows: readonly Row[]): string {
  const per1M = (value: number) => (value * 1_000_000) / RECORDS;
  const lines = [
    `Filter at the source vs in the collector: ${RECORDS.toLocaleString("en-US")} records emitted, TORCH_LOGS=${WANTED}, ` +
      `collector v0.161.0 with collector/otelcol-config.yaml, VictoriaLogs behind it; ${new Date().toISOString().slice(0, 10)}, ` +
      `${cpus().length} cores.`,
    "",
    "| filtered in | records on the wire | bytes on the wire | agent CPU s per 1M emitted | app CPU s per 1M emitted | records stored |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.way === "source" ? "the app (processor)" : "the collector (collector-filter)"} | ${r.wireRecords.toLocaleString("en-US")} | ` +
        `${(r.wireBytes / 1e6).toFixed(1)} MB | ${per1M(r.agentCpu).toFixed(2)} | ${per1M(r.appCpu).toFixed(2)} | ${r.stored.toLocaleString("en-US")} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

const workDir = mkdtempSync(join(tmpdir(), "bench-filter-at-source-"));
try {
  const logs = await startVictoriaLogs(workDir);
  const rows = [await measure("source", workDir, logs), await measure("collector", workDir, logs)];
  if (rows[0]?.stored !== rows[1]?.stored) {
    throw new Error(`the two ways stored different counts: ${rows.map((r) => r.stored).join(" vs ")}`);
  }
  await awaitLogs(logs.url, "e2e.run:=bench-source", rows[0]?.stored ?? 0, { settleMs: 0 });
  const text = table(rows);
  process.stdout.write(text);
  if (WRITE) {
    writeFileSync(
      RESULTS,
      `# e2e benchmark results\n\nWritten by \`npm run bench:e2e -- --write\`.\n\n${text}`,
    );
    formatWrittenPages([RESULTS]);
  }
} finally {
  await stopAllBackends();
  rmSync(workDir, { recursive: true, force: true });
}
