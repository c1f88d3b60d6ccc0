// The local stack as a user runs it, every piece real: the agent collector with collector/otelcol-config.yaml,
// VictoriaLogs where the config says Loki (both take OTLP logs over HTTP), Jaeger v2 with
// collector/jaeger-config.yaml and Prometheus 3 with collector/prometheus.yaml. The agent's generic
// `otlp_http/backend` exporter goes to an OTLP receiver of the test (so a test can also see what "your
// backend" received). Started on free 127.0.0.1 ports in a temporary folder; `stop()` stops all of it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type OtlpReceiver, startOtlpReceiver } from "../../test/support/otlp-receiver.ts";
import {
  type Collector,
  type Jaeger,
  type Prometheus,
  startCollector,
  startJaeger,
  startPrometheus,
  startVictoriaLogs,
  type VictoriaLogs,
} from "./backends.ts";

export interface Stack {
  readonly workDir: string;
  readonly agent: Collector;
  readonly logs: VictoriaLogs;
  readonly jaeger: Jaeger;
  readonly prometheus: Prometheus;
  readonly backend: OtlpReceiver;
  /** The agent's `${env:…}` values: what its exporters point at. */
  readonly agentEnv: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Which stores to start. Default: all three. */
  readonly jaeger?: boolean;
  readonly prometheus?: boolean;
}

export async function startStack(name: string, options: StackOptions = {}): Promise<Stack> {
  const workDir = mkdtempSync(join(tmpdir(), `e2e-${name}-`));
  const started: { stop(): Promise<void> }[] = [];
  try {
    const backend = await startOtlpReceiver({ tracesAndMetrics: true });
    started.push({ stop: () => backend.close() });
    const logs = await startVictoriaLogs(workDir);
    started.push(logs.process);
    const jaeger = options.jaeger === false ? undefined : await startJaeger(workDir);
    if (jaeger) started.push(jaeger.process);
    const prometheus = options.prometheus === false ? undefined : await startPrometheus(workDir);
    if (prometheus) started.push(prometheus.process);
    const agentEnv = {
      LOKI_OTLP_ENDPOINT: logs.otlpEndpoint,
      OTLP_BACKEND_ENDPOINT: backend.endpoint,
      // Nothing listens there when a store is not started: the exporter fails, the others go on.
      JAEGER_OTLP_GRPC_ENDPOINT: jaeger?.otlpGrpcEndpoint ?? "127.0.0.1:9",
      PROMETHEUS_OTLP_ENDPOINT: prometheus?.otlpEndpoint ?? "http://127.0.0.1:9/api/v1/otlp",
    };
    const agent = await startCollector({
      name: "agent",
      config: "otelcol-config.yaml",
      workDir,
      env: agentEnv,
    });
    started.push(agent.process);
    return {
      workDir,
      agent,
      logs,
      jaeger: jaeger as Jaeger,
      prometheus: prometheus as Prometheus,
      backend,
      agentEnv,
      stop: async () => {
        for (const piece of started.reverse()) await piece.stop();
        rmSync(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const piece of started.reverse()) await piece.stop();
    throw error;
  }
}
