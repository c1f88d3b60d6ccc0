// The real backends, each started on free 127.0.0.1 ports in a temporary folder of its own: VictoriaLogs (the
// logs store the Loki exporter is pointed at), Jaeger v2 with collector/jaeger-config.yaml, Prometheus 3 with
// collector/prometheus.yaml, and the collector with any of the shipped configs. Shipped files are used as they
// are; only the `${env:…}` values they read differ.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { backendBinary } from "./backend-binaries.ts";
import { BackendProcess } from "./backend-process.ts";
import { freePorts } from "./free-port.ts";
import { waitFor } from "./wait-for.ts";

export const COLLECTOR_DIR = new URL("../../collector/", import.meta.url).pathname;

/** Bounded wait for a backend to answer, failing with its last output if it exits or never does. */
async function awaitReady(
  backend: BackendProcess,
  probe: () => Promise<boolean>,
  what: string,
): Promise<void> {
  await waitFor(
    async () => {
      if (!backend.isRunning) {
        throw new Error(`${backend.name} exited before it was ready:\n${backend.tail()}`);
      }
      return (await probe()) ? true : undefined;
    },
    { what: `${backend.name} ${what}`, timeoutMs: 120_000, intervalMs: 100 },
  ).catch((error: Error) => {
    throw new Error(
      `${error.message}\n--- ${backend.name} output (${backend.logPath}) ---\n${backend.tail()}`,
    );
  });
}

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.arrayBuffer();
  return response.ok;
}

export function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export interface VictoriaLogs {
  readonly process: BackendProcess;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The base URL an `otlp_http` exporter takes (it appends /v1/logs). */
  readonly otlpEndpoint: string;
}

async function startVictoriaLogsOnce(workDir: string, port?: number): Promise<VictoriaLogs> {
  port ??= (await freePorts(1))[0];
  const url = `http://127.0.0.1:${port}`;
  const dataDir = join(workDir, "victoria-logs-data");
  mkdirSync(dataDir, { recursive: true });
  const backend = new BackendProcess({
    name: "victoria-logs",
    command: backendBinary("victoria-logs"),
    args: [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dataDir}`,
      // Recorded PyTorch runs carry their own (past) times: keep them, however old.
      "-retentionPeriod=100y",
      "-loggerLevel=WARN",
    ],
    logPath: join(workDir, "victoria-logs.log"),
  });
  await awaitReady(backend, () => httpOk(`${url}/health`), "answering /health");
  return { process: backend, url, otlpEndpoint: `${url}/insert/opentelemetry` };
}

export interface Jaeger {
  readonly process: BackendProcess;
  /** The HTTP query API and UI, http://127.0.0.1:PORT */
  readonly queryUrl: string;
  /** host:port of its OTLP/gRPC receiver. */
  readonly otlpGrpcEndpoint: string;
  readonly otlpHttpUrl: string;
}

async function startJaegerOnce(
  workDir: string,
  ports?: { readonly query: number; readonly otlpGrpc: number; readonly otlpHttp: number },
): Promise<Jaeger> {
  const [freeQuery, queryGrpc, freeGrpc, freeHttp, health, telemetry] = await freePorts(6);
  const query = ports?.query ?? freeQuery;
  const grpc = ports?.otlpGrpc ?? freeGrpc;
  const http = ports?.otlpHttp ?? freeHttp;
  const backend = new BackendProcess({
    name: "jaeger",
    command: backendBinary("jaeger"),
    args: [`--config=${join(COLLECTOR_DIR, "jaeger-config.yaml")}`],
    env: {
      JAEGER_QUERY_HTTP_ENDPOINT: `127.0.0.1:${query}`,
      JAEGER_QUERY_GRPC_ENDPOINT: `127.0.0.1:${queryGrpc}`,
      JAEGER_OTLP_GRPC_LISTEN: `127.0.0.1:${grpc}`,
      JAEGER_OTLP_HTTP_LISTEN: `127.0.0.1:${http}`,
      JAEGER_HEALTH_CHECK_ENDPOINT: `127.0.0.1:${health}`,
      JAEGER_TELEMETRY_HOST: "127.0.0.1",
      JAEGER_TELEMETRY_PORT: String(telemetry),
      JAEGER_LOG_LEVEL: "warn",
    },
    logPath: join(workDir, "jaeger.log"),
  });
  const queryUrl = `http://127.0.0.1:${query}`;
  await awaitReady(
    backend,
    async () => (await httpOk(`${queryUrl}/api/services`)) && (await tcpOpen("127.0.0.1", grpc ?? 0)),
    "answering /api/services",
  );
  return {
    process: backend,
    queryUrl,
    otlpGrpcEndpoint: `127.0.0.1:${grpc}`,
    otlpHttpUrl: `http://127.0.0.1:${http}`,
  };
}

export interface Prometheus {
  readonly process: BackendProcess;
  readonly url: string;
  /** The base URL an `otlp_http` exporter takes (it appends /v1/metrics). */
  readonly otlpEndpoint: string;
}

async function startPrometheusOnce(workDir: string, port?: number): Promise<Prometheus> {
  port ??= (await freePorts(1))[0];
  const url = `http://127.0.0.1:${port}`;
  const backend = new BackendProcess({
    name: "prometheus",
    command: backendBinary("prometheus"),
    args: [
      `--config.file=${join(COLLECTOR_DIR, "prometheus.yaml")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.tsdb.path=${join(workDir, "prometheus-data")}`,
      "--web.enable-otlp-receiver",
      "--log.level=warn",
    ],
    logPath: join(workDir, "prometheus.log"),
  });
  await awaitReady(backend, () => httpOk(`${url}/-/ready`), "answering /-/ready");
  return { process: backend, url, otlpEndpoint: `${url}/api/v1/otlp` };
}

/** A log file of its own for each start, so that a restarted collector's readiness is read from its own output. */
function uniqueLogPath(workDir: string, name: string): string {
  const base = join(workDir, name.replaceAll(/\W+/g, "-"));
  for (let n = 1; ; n++) {
    const path = n === 1 ? `${base}.log` : `${base}.${n}.log`;
    if (!existsSync(path)) return path;
  }
}

export interface Collector {
  readonly process: BackendProcess;
  /** http://HOST:PORT of its OTLP/HTTP receiver: what OTEL_EXPORTER_OTLP_ENDPOINT takes. */
  readonly otlpHttpUrl: string;
  /** HOST:PORT of its OTLP/gRPC receiver. */
  readonly otlpGrpcEndpoint: string;
  /** Its own metrics (otelcol_*), Prometheus text format. */
  readonly telemetryUrl: string;
  /** The environment it was started with, to start it again alike. */
  readonly env: Readonly<Record<string, string>>;
  readonly configPath: string;
}

export interface CollectorOptions {
  /** For messages and the log file name. */
  readonly name: string;
  /** A shipped config file name in collector/, or an absolute path. */
  readonly config: string;
  /**
   * Absolute paths of config files merged over `config` (`--config` again: maps merge, a later list replaces
   * an earlier one), to add a component the test needs without editing the shipped file.
   */
  readonly overlays?: readonly string[];
  readonly workDir: string;
  /** `${env:…}` values for the config (endpoints of the backends it exports to, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** Listen on this host (default 127.0.0.1), and on these ports (default: free ones). */
  readonly host?: string;
  readonly ports?: { readonly grpc: number; readonly http: number; readonly telemetry: number };
  /** Run it through this wrapper (e.g. `unshare …`): the collector's command line is appended. */
  readonly wrapper?: readonly string[];
}

async function startCollectorOnce(options: CollectorOptions): Promise<Collector> {
  const host = options.host ?? "127.0.0.1";
  const [grpc, http, telemetry] = options.ports
    ? [options.ports.grpc, options.ports.http, options.ports.telemetry]
    : await freePorts(3, host);
  const configPath = options.config.startsWith("/") ? options.config : join(COLLECTOR_DIR, options.config);
  const env = {
    OTELCOL_OTLP_GRPC_ENDPOINT: `${host}:${grpc}`,
    OTELCOL_OTLP_HTTP_ENDPOINT: `${host}:${http}`,
    OTELCOL_TELEMETRY_HOST: host,
    OTELCOL_TELEMETRY_PORT: String(telemetry),
    ...options.env,
  };
  const command = [
    backendBinary("otelcol"),
    `--config=${configPath}`,
    ...(options.overlays ?? []).map((overlay) => `--config=${overlay}`),
  ];
  const wrapped = options.wrapper ? [...options.wrapper, ...command] : command;
  const backend = new BackendProcess({
    name: options.name,
    command: wrapped[0] ?? "",
    args: wrapped.slice(1),
    env,
    logPath: uniqueLogPath(options.workDir, options.name),
  });
  // The collector logs this line once every component has started, whatever the config listens on.
  await awaitReady(
    backend,
    async () => readFileSync(backend.logPath, "utf8").includes("Everything is ready."),
    "saying it is ready",
  );
  return {
    process: backend,
    otlpHttpUrl: `http://${host}:${http}`,
    otlpGrpcEndpoint: `${host}:${grpc}`,
    telemetryUrl: `http://${host}:${telemetry}/metrics`,
    env,
    configPath,
  };
}

/** Starts a collector again after it was stopped or killed: same config, same ports, same environment. */
export async function restartCollector(previous: Collector, options: CollectorOptions): Promise<Collector> {
  const url = new URL(previous.otlpHttpUrl);
  const [, grpcPort] = previous.otlpGrpcEndpoint.split(/:(?=\d+$)/);
  return startCollector({
    ...options,
    env: previous.env,
    ports: {
      grpc: Number(grpcPort),
      http: Number(url.port),
      telemetry: Number(new URL(previous.telemetryUrl).port),
    },
  });
}

/**
 * A port is free when it is chosen and taken when the program binds it: another process may take it in between.
 * A start that failed on a taken port is tried again on newly chosen ports, at most three times; a start on
 * ports the caller fixed is not.
 */
async function onFreshPorts<T>(fixed: boolean, start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      const raced = /address already in use/.test(String((error as Error).message));
      if (fixed || !raced || attempt >= 3) throw error;
    }
  }
}

/** On `port`, else a free one. */
export function startVictoriaLogs(workDir: string, port?: number): Promise<VictoriaLogs> {
  return onFreshPorts(port !== undefined, () => startVictoriaLogsOnce(workDir, port));
}

/** On the given ports (the others free), else on free ones. */
export function startJaeger(
  workDir: string,
  ports?: { readonly query: number; readonly otlpGrpc: number; readonly otlpHttp: number },
): Promise<Jaeger> {
  return onFreshPorts(ports !== undefined, () => startJaegerOnce(workDir, ports));
}

/** On `port`, else a free one. */
export function startPrometheus(workDir: string, port?: number): Promise<Prometheus> {
  return onFreshPorts(port !== undefined, () => startPrometheusOnce(workDir, port));
}

/** Starts a collector with a shipped config (or any config file) on `options.ports`, else on free ports. */
export function startCollector(options: CollectorOptions): Promise<Collector> {
  return onFreshPorts(options.ports !== undefined, () => startCollectorOnce(options));
}
