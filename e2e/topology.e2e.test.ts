// The distributed topology as shipped: a load-balancing agent (collector/otelcol-agent-loadbalancing.yaml) in
// front of two gateways (collector/otelcol-gateway.yaml) found through one DNS name, writing to the logs store.
// One gateway is killed (SIGKILL) mid-stream and started again: nothing is lost, duplicates are counted and
// reported. Then the records per second the topology carries on this machine.
//
// Two gateways behind one name need two addresses: they listen on 127.0.0.1 and 127.0.0.2 (the same port), and
// the agent runs in a mount namespace of its own (unshare) whose /etc/hosts gives `otel-gateway` both.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopAllBackends } from "./support/backend-process.ts";
import {
  type Collector,
  type CollectorOptions,
  restartCollector,
  startCollector,
  startVictoriaLogs,
  type VictoriaLogs,
} from "./support/backends.ts";
import { freePortOnAll, freePorts } from "./support/free-port.ts";
import { exportLogsRequest, postOtlpLogs } from "./support/otlp-json.ts";
import { countLogs, queryLogs } from "./support/victoria-logs-client.ts";
import { waitFor } from "./support/wait-for.ts";

const GATEWAY_HOSTS = ["127.0.0.1", "127.0.0.2"] as const;

interface Gateway {
  collector: Collector;
  readonly options: CollectorOptions;
}

async function startGateway(
  host: string,
  grpcPort: number,
  workDir: string,
  logs: VictoriaLogs,
): Promise<Gateway> {
  const [http, telemetry, health] = await freePorts(3, host);
  const options: CollectorOptions = {
    name: `gateway ${host}`,
    config: "otelcol-gateway.yaml",
    workDir,
    host,
    ports: { grpc: grpcPort, http: http ?? 0, telemetry: telemetry ?? 0 },
    env: {
      OTELCOL_HEALTH_CHECK_ENDPOINT: `${host}:${health}`,
      OTELCOL_STORAGE_DIR: join(workDir, `storage-${host}`),
      LOKI_OTLP_ENDPOINT: logs.otlpEndpoint,
      // Only logs are sent here; traces and metrics have nowhere to go.
      JAEGER_OTLP_GRPC_ENDPOINT: "127.0.0.1:9",
      PROMETHEUS_OTLP_ENDPOINT: "http://127.0.0.1:9/api/v1/otlp",
    },
  };
  return { collector: await startCollector(options), options };
}

/** `count` records, each with its own trace id (so the agent spreads them over the gateways) and sequence number. */
function batch(run: string, first: number, count: number): string {
  return exportLogsRequest(
    { "service.name": "e2e-topology", "e2e.run": run },
    Array.from({ length: count }, (_, i) => ({
      scope: "torch._dynamo",
      severityNumber: 13,
      body: `record ${first + i}`,
      attributes: { "e2e.seq": first + i },
      traceId: randomBytes(16).toString("hex"),
      spanId: randomBytes(8).toString("hex"),
    })),
  );
}

describe("agent with load_balancing → two gateways → logs store", () => {
  let workDir: string;
  let logs: VictoriaLogs;
  let agent: Collector;
  const gateways: Gateway[] = [];

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "e2e-topology-"));
    logs = await startVictoriaLogs(workDir);
    const grpcPort = await freePortOnAll(GATEWAY_HOSTS);
    for (const host of GATEWAY_HOSTS) gateways.push(await startGateway(host, grpcPort, workDir, logs));
    const hosts = join(workDir, "hosts");
    writeFileSync(
      hosts,
      `127.0.0.1 localhost\n${GATEWAY_HOSTS.map((h) => `${h} otel-gateway`).join("\n")}\n`,
    );
    agent = await startCollector({
      name: "load-balancing agent",
      config: "otelcol-agent-loadbalancing.yaml",
      workDir,
      env: { OTEL_GATEWAY_HOSTNAME: "otel-gateway", OTEL_GATEWAY_PORT: String(grpcPort) },
      // A private mount namespace: /etc/hosts is replaced for the agent alone, then the collector is exec'd.
      wrapper: [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        `mount --bind '${hosts}' /etc/hosts && exec "$0" "$@"`,
      ],
    });
  });

  afterAll(async () => {
    await stopAllBackends();
    rmSync(workDir, { recursive: true, force: true });
  });

  it("loses nothing when a gateway is killed mid-stream and restarted; duplicates are counted", {
    timeout: 300_000,
  }, async () => {
    const run = "failover";
    const total = 20_000;
    const perRequest = 100;
    const killAt = total / 4;
    const restartAt = total / 2;
    const victim = gateways[1] as Gateway;
    for (let first = 0; first < total; first += perRequest) {
      if (first === killAt) await victim.collector.process.kill();
      if (first === restartAt) victim.collector = await restartCollector(victim.collector, victim.options);
      await postOtlpLogs(`${agent.otlpHttpUrl}/v1/logs`, batch(run, first, perRequest));
      await sleep(20);
    }
    const filter = `e2e.run:=${run}`;
    let stored = 0;
    await waitFor(
      async () => {
        stored = await countLogs(logs.url, filter);
        return stored >= total ? true : undefined;
      },
      { what: `${total} records in the store`, timeoutMs: 120_000, intervalMs: 1_000 },
    ).catch(() => undefined);
    const rows = await queryLogs(logs.url, `${filter} | stats by (e2e.seq) count() as n`);
    const distinct = rows.length;
    const duplicates = rows.reduce((sum, row) => sum + Number(row.n) - 1, 0);
    const byGateway = await Promise.all(gateways.map((g) => sentToStore(g.collector)));
    console.log(
      `topology failover: ${total} sent, ${distinct} distinct stored, ${total - distinct} lost, ${duplicates} duplicates ` +
        `(the gateways sent ${byGateway.join(" and ")} to the store since their last start)`,
    );
    expect(agent.process.isRunning).toBe(true);
    expect(total - distinct, "records lost").toBe(0);
  });

  it("carries a measured number of records per second (stated, not asserted)", {
    timeout: 300_000,
  }, async () => {
    const run = "throughput";
    const total = 100_000;
    const perRequest = 1_000;
    const concurrency = 4;
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const first = next;
          next += perRequest;
          await postOtlpLogs(`${agent.otlpHttpUrl}/v1/logs`, batch(run, first, perRequest));
        }
      }),
    );
    const accepted = performance.now();
    await waitFor(async () => ((await countLogs(logs.url, `e2e.run:=${run}`)) >= total ? true : undefined), {
      what: `${total} records in the store`,
      timeoutMs: 180_000,
      intervalMs: 250,
    });
    const stored = performance.now();
    const perSecond = (ms: number) => Math.round(total / (ms / 1_000));
    console.log(
      `topology throughput: ${total} records (${perRequest} per request, ${concurrency} senders) accepted by the agent at ` +
        `${perSecond(accepted - started)} records/s, all searchable in the store after ${((stored - started) / 1_000).toFixed(1)} s ` +
        `(${perSecond(stored - started)} records/s end to end)`,
    );
  });
});

/** otelcol_exporter_sent_log_records of the collector's `otlp_http/loki` exporter, from its own metrics. */
async function sentToStore(collector: Collector): Promise<number> {
  const text = await (await fetch(collector.telemetryUrl)).text();
  return text
    .split("\n")
    .filter(
      (line) => line.startsWith("otelcol_exporter_sent_log_records") && line.includes('"otlp_http/loki"'),
    )
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}
