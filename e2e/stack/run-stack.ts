// `npm run stack`: the local stack without Docker, in one command. Builds what is missing (npm run backends), starts
// VictoriaLogs (the logs store; where collector/otelcol-config.yaml says Loki), Jaeger v2 and Prometheus 3 with
// their configs from collector/, the backend stand-in (collector/otelcol-backend-stub.yaml) and the agent
// collector with collector/otelcol-config.yaml — on the usual ports
// (OTLP 4317/4318, Jaeger 16686, Prometheus 9090, VictoriaLogs 9428) — then sends `npm start`'s demo and `trace`
// of a shared TORCH_TRACE file, and prints the queries that show the result in each backend. It keeps running
// until Ctrl-C; point your own process at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318.
//
//   npm run stack [-- --free-ports] [-- --exit]
//
// --free-ports: any free ports instead of the usual ones (for tests); --exit: stop after printing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopAllBackends } from "../support/backend-process.ts";
import { startCollector, startJaeger, startPrometheus, startVictoriaLogs } from "../support/backends.ts";
import { findSpans } from "../support/jaeger-client.ts";
import { promQuery } from "../support/prometheus-client.ts";
import { runCliProcess } from "../support/run-cli-process.ts";
import { countLogs } from "../support/victoria-logs-client.ts";
import { waitFor } from "../support/wait-for.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const TRACE_FILE = join(REPO, "test/fixtures/torch-trace/simple.log");
const args = process.argv.slice(2);
const freePorts = args.includes("--free-ports");
const exitAfter = args.includes("--exit");

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

const built = spawnSync(
  process.execPath,
  ["--disable-warning=ExperimentalWarning", join(REPO, "e2e/backends/build-backends.ts")],
  {
    stdio: ["ignore", "ignore", "inherit"],
  },
);
if (built.status !== 0) process.exit(built.status ?? 1);

const workDir = mkdtempSync(join(tmpdir(), "torch-logs-otel-stack-"));
const usual = (port: number) => (freePorts ? undefined : port);
let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await stopAllBackends();
    rmSync(workDir, { recursive: true, force: true });
  }
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

try {
  const logs = await startVictoriaLogs(workDir, usual(9428));
  const jaeger = await startJaeger(
    workDir,
    freePorts ? undefined : { query: 16686, otlpGrpc: 14317, otlpHttp: 14318 },
  );
  const prometheus = await startPrometheus(workDir, usual(9090));
  // The shipped stand-in for "your OTLP backend": prints a summary of what it receives to its log.
  const backendStub = await startCollector({
    name: "backend stub",
    config: "otelcol-backend-stub.yaml",
    workDir,
  });
  const agent = await startCollector({
    name: "agent",
    config: "otelcol-config.yaml",
    workDir,
    ...(!freePorts && { host: "127.0.0.1", ports: { grpc: 4317, http: 4318, telemetry: 8888 } }),
    env: {
      LOKI_OTLP_ENDPOINT: logs.otlpEndpoint,
      JAEGER_OTLP_GRPC_ENDPOINT: jaeger.otlpGrpcEndpoint,
      PROMETHEUS_OTLP_ENDPOINT: prometheus.otlpEndpoint,
      OTLP_BACKEND_ENDPOINT: backendStub.otlpHttpUrl,
    },
  });
  say(`stack up (logs, traces and metrics in ${workDir}):`);
  say(`  OTLP in:       ${agent.otlpHttpUrl} (HTTP), ${agent.otlpGrpcEndpoint} (gRPC)`);
  say(`  VictoriaLogs:  ${logs.url}   Jaeger: ${jaeger.queryUrl}   Prometheus: ${prometheus.url}`);

  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: agent.otlpHttpUrl };
  const demo = await runCliProcess(["demo"], { env });
  say(`sent the demo (npm start): exit ${demo.code}`);
  const trace = await runCliProcess(["trace", TRACE_FILE], { env });
  say(`sent trace ${TRACE_FILE.slice(REPO.length)}: exit ${trace.code}`);
  if (demo.code !== 0 || trace.code !== 0) throw new Error(`${demo.stderr}\n${trace.stderr}`);

  const logsql = "service.name:=torch-logs-otel-demo";
  const promql = "sum by (torch_compile_phase) (torch_compile_duration_seconds_sum)";
  const records = await waitFor(async () => (await countLogs(logs.url, logsql)) || undefined, {
    what: "the demo's records in VictoriaLogs",
  });
  const spans = await waitFor(async () => (await findSpans(jaeger.queryUrl, "pytorch")).length || undefined, {
    what: "the trace's spans in Jaeger",
  });
  const series = await waitFor(async () => (await promQuery(prometheus.url, promql)).length || undefined, {
    what: "compile-time series in Prometheus",
  });
  say("");
  say(
    `found ${records} demo log records, ${spans} spans of the TORCH_TRACE file, ${series} compile-time series. Ask yourself:`,
  );
  say(
    `  curl -s ${logs.url}/select/logsql/query --data-urlencode 'query=${logsql} | fields _time, scope.name, severity_text, _msg | limit 5'`,
  );
  say(`  curl -s '${jaeger.queryUrl}/api/traces?service=pytorch&start=0&limit=5'`);
  say(`  curl -s ${prometheus.url}/api/v1/query --data-urlencode 'query=${promql}'`);
  say("");
  say(
    "Send your own: OTEL_EXPORTER_OTLP_ENDPOINT=" +
      agent.otlpHttpUrl +
      " npm start   (Ctrl-C stops the stack)",
  );
  if (exitAfter) await stop(0);
} catch (error) {
  process.stderr.write(`npm run stack: ${(error as Error).message}\n`);
  await stop(1);
}
