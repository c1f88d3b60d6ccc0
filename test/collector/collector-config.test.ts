// Wiring checks for the sample OpenTelemetry Collector setup under collector/.
//
// No collector, Loki, Grafana or Docker engine runs in CI, so these tests parse every YAML file under
// collector/ and check what a collector / compose / Grafana would otherwise only reject at start-up:
// dangling or unused component IDs, unknown component types, processor order, endpoints, the env-var
// syntax, compose mounts, and the Grafana derived field that links a log line to its Jaeger trace.
// They do not replace `otelcol-contrib validate --config=…` (see collector/README.md).

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const collectorDir = join(repoRoot, "collector");

type Distribution = "core" | "contrib";
type Kind = "receivers" | "processors" | "exporters" | "extensions" | "connectors";

// Component types the sample configs may use, and the distributions that ship them.
// Sources (read through the stored copies of the upstream repositories):
//  * open-telemetry/opentelemetry-collector-releases distributions/otelcol/manifest.yaml (v0.139.0, the
//    core build: otlpreceiver, nopreceiver, hostmetrics/jaeger/kafka/prometheus/zipkin receivers; debug,
//    nop, otlp, otlphttp, file, kafka, prometheus, prometheusremotewrite, zipkin exporters; batch,
//    memorylimiter, attributes, resource, span, probabilisticsampler, filter processors; zpages,
//    healthcheck, pprof extensions; forward connector),
//  * …/distributions/otelcol-contrib/manifest.yaml (everything above plus e.g. loadbalancingexporter,
//    transformprocessor, basicauth/bearertokenauth extensions),
//  * each component README's "Distributions" row (loadbalancing exporter: [contrib]; memory_limiter,
//    debug, health_check: [core], [contrib]).
// The OTLP exporters carry their lower_snake_case names (`otlp_grpc`, `otlp_http`), introduced in
// collector v0.144 by open-telemetry/opentelemetry-collector#14403 and #14397 (issue #14396); the old
// spellings are deprecated aliases, listed separately below so the shipped configs avoid them.
const BOTH: readonly Distribution[] = ["core", "contrib"];
const CONTRIB: readonly Distribution[] = ["contrib"];
const ALLOWED_TYPES: Record<Kind, Record<string, readonly Distribution[]>> = {
  receivers: {
    otlp: BOTH,
    file_log: CONTRIB,
    nop: BOTH,
    hostmetrics: BOTH,
    jaeger: BOTH,
    kafka: BOTH,
    prometheus: BOTH,
    zipkin: BOTH,
  },
  processors: {
    memory_limiter: BOTH,
    batch: BOTH,
    filter: BOTH,
    attributes: BOTH,
    resource: BOTH,
    probabilistic_sampler: BOTH,
    transform: CONTRIB,
  },
  exporters: {
    debug: BOTH,
    nop: BOTH,
    otlp_grpc: BOTH,
    otlp_http: BOTH,
    file: BOTH,
    load_balancing: CONTRIB,
  },
  extensions: {
    health_check: BOTH,
    zpages: BOTH,
    pprof: BOTH,
    basicauth: CONTRIB,
    bearertokenauth: CONTRIB,
    file_storage: CONTRIB,
  },
  connectors: { forward: BOTH },
};
const DEPRECATED_ALIASES: Partial<Record<Kind, Record<string, string>>> = {
  // The filelog receiver is `file_log` since contrib v0.160 (its metadata.yaml: `deprecated_type: filelog`).
  receivers: { filelog: "file_log" },
  exporters: { otlp: "otlp_grpc", otlphttp: "otlp_http", loadbalancing: "load_balancing" },
};

// Which distribution each shipped collector config needs (documented in collector/README.md).
const EXPECTED_DISTRIBUTION: Record<string, Distribution> = {
  "otelcol-config.yaml": "core",
  "otelcol-gateway.yaml": "contrib",
  "otelcol-backend-stub.yaml": "core",
  "otelcol-agent-loadbalancing.yaml": "contrib",
  "pytorch-filelog.yaml": "contrib",
};

// The signals each config carries: the OTLP collectors all three, the filelog receiver PyTorch's logs only.
const PIPELINES: Record<string, readonly string[]> = {
  "otelcol-config.yaml": ["logs", "traces", "metrics"],
  "otelcol-gateway.yaml": ["logs", "traces", "metrics"],
  "otelcol-backend-stub.yaml": ["logs", "traces", "metrics"],
  "otelcol-agent-loadbalancing.yaml": ["logs", "traces", "metrics"],
  "pytorch-filelog.yaml": ["logs"],
};

// ---------------------------------------------------------------------------------------------------
// Helpers

type YamlMap = Record<string, unknown>;

function isMap(value: unknown): value is YamlMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asMap(value: unknown, what: string): YamlMap {
  if (!isMap(value)) throw new Error(`${what} is not a mapping`);
  return value;
}

function mapOrEmpty(value: unknown): YamlMap {
  return isMap(value) ? value : {};
}

function asStringList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new Error(`${what} is not a list of strings`);
  }
  return value;
}

function walkYamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walkYamlFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

function load(relPath: string): unknown {
  return parse(readFileSync(join(repoRoot, relPath), "utf8"));
}

/** Every string scalar in a parsed YAML document, with its path. */
function stringScalars(node: unknown, path = ""): Array<{ path: string; value: string }> {
  if (typeof node === "string") return [{ path, value: node }];
  if (Array.isArray(node)) return node.flatMap((v, i) => stringScalars(v, `${path}[${i}]`));
  if (isMap(node))
    return Object.entries(node).flatMap(([k, v]) => stringScalars(v, path ? `${path}.${k}` : k));
  return [];
}

// The collector's env provider: ${env:NAME} or ${env:NAME:-default}, NAME matching ^[a-zA-Z_][a-zA-Z0-9_]*$
// (opentelemetry-collector confmap/provider/envprovider README and provider.go).
const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}$]*))?\}/g;

/** Replaces env references by their defaults, as the collector does when the variable is unset. */
function withEnvDefaults(value: string): string {
  return value.replace(ENV_REF, (_match, name: string, fallback: string | undefined) => {
    if (fallback === undefined) throw new Error(`\${env:${name}} has no default`);
    return fallback;
  });
}

function componentType(id: string): string {
  const slash = id.indexOf("/");
  return slash === -1 ? id : id.slice(0, slash);
}

/** host and port of a `host:port` or `scheme://host:port/path` endpoint. */
function hostPort(endpoint: string): { host: string; port: number } {
  const url = new URL(endpoint.includes("://") ? endpoint : `tcp://${endpoint}`);
  return { host: url.hostname, port: Number(url.port) };
}

function imageTag(image: string): string {
  const colon = image.lastIndexOf(":");
  return colon === -1 ? "" : image.slice(colon + 1);
}

function versionParts(tag: string): number[] {
  return tag
    .replace(/^v/, "")
    .split(/[.-]/)
    .slice(0, 3)
    .map((p) => Number(p));
}

const yamlFiles = walkYamlFiles(collectorDir).map((f) => relative(repoRoot, f));

// Jaeger v2's config is a collector config too, but of Jaeger's own distribution (its storage and query
// extensions): the end-to-end suite runs it with the real Jaeger.
const collectorConfigs = yamlFiles.filter((f) => {
  const doc = load(f);
  return isMap(doc) && isMap(doc.service) && "receivers" in doc && f !== "collector/jaeger-config.yaml";
});

interface CollectorConfig {
  receivers: YamlMap;
  processors: YamlMap;
  exporters: YamlMap;
  extensions: YamlMap;
  connectors: YamlMap;
  pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>;
  serviceExtensions: string[];
}

function loadCollector(relPath: string): CollectorConfig {
  const doc = asMap(load(relPath), relPath);
  const service = asMap(doc.service, "service");
  const pipelines: CollectorConfig["pipelines"] = {};
  for (const [name, raw] of Object.entries(asMap(service.pipelines, "service.pipelines"))) {
    const p = asMap(raw, `pipeline ${name}`);
    pipelines[name] = {
      receivers: asStringList(p.receivers, `${name}.receivers`),
      processors: p.processors === undefined ? [] : asStringList(p.processors, `${name}.processors`),
      exporters: asStringList(p.exporters, `${name}.exporters`),
    };
  }
  return {
    receivers: mapOrEmpty(doc.receivers),
    processors: mapOrEmpty(doc.processors),
    exporters: mapOrEmpty(doc.exporters),
    extensions: mapOrEmpty(doc.extensions),
    connectors: mapOrEmpty(doc.connectors),
    pipelines,
    serviceExtensions: service.extensions === undefined ? [] : asStringList(service.extensions, "extensions"),
  };
}

function composeServices(): Record<string, YamlMap> {
  const compose = asMap(load("collector/docker-compose.yaml"), "compose file");
  const out: Record<string, YamlMap> = {};
  for (const [name, svc] of Object.entries(asMap(compose.services, "services"))) out[name] = asMap(svc, name);
  return out;
}

/** Bind mounts of a compose service (short syntax `./src:/target[:ro]`), sources resolved in the repo. */
function bindMounts(service: YamlMap): Array<{ source: string; target: string }> {
  const volumes = service.volumes === undefined ? [] : asStringList(service.volumes, "volumes");
  return volumes
    .filter((v) => v.startsWith("./") || v.startsWith("../"))
    .map((v) => {
      const [source = "", target = ""] = v.split(":");
      return { source: relative(repoRoot, resolve(collectorDir, source)), target };
    });
}

// ---------------------------------------------------------------------------------------------------

describe("collector/ YAML files", () => {
  it("finds the expected files", () => {
    expect(yamlFiles).toEqual(
      expect.arrayContaining([
        "collector/otelcol-config.yaml",
        "collector/otelcol-gateway.yaml",
        "collector/otelcol-agent-loadbalancing.yaml",
        "collector/docker-compose.yaml",
        "collector/loki-config.yaml",
        "collector/prometheus.yaml",
        "collector/grafana/provisioning/datasources/datasources.yaml",
        "collector/grafana/provisioning/dashboards/dashboards.yaml",
      ]),
    );
    expect([...collectorConfigs].sort()).toEqual(
      Object.keys(EXPECTED_DISTRIBUTION)
        .map((f) => `collector/${f}`)
        .sort(),
    );
  });

  it.each(yamlFiles)("%s parses as a YAML mapping without duplicate keys", (file) => {
    // yaml v2 rejects duplicate keys by default (uniqueKeys: true), a mistake a collector would
    // otherwise resolve silently as "last one wins".
    expect(isMap(load(file))).toBe(true);
  });
});

describe.each(collectorConfigs)("collector config %s", (file) => {
  const cfg = loadCollector(file);
  const kinds = ["receivers", "processors", "exporters"] as const;

  it("has the pipelines of the signals it carries", () => {
    expect(Object.keys(cfg.pipelines).sort()).toEqual(
      [...(PIPELINES[file.slice("collector/".length)] ?? [])].sort(),
    );
  });

  it("defines every component a pipeline references", () => {
    for (const [name, pipeline] of Object.entries(cfg.pipelines)) {
      for (const kind of kinds) {
        for (const id of pipeline[kind]) {
          expect(Object.keys(cfg[kind]), `${name}.${kind} references ${id}`).toContain(id);
        }
      }
    }
    for (const id of cfg.serviceExtensions) {
      expect(Object.keys(cfg.extensions), `service.extensions references ${id}`).toContain(id);
    }
  });

  it("uses every component it defines", () => {
    for (const kind of kinds) {
      const used = new Set(Object.values(cfg.pipelines).flatMap((p) => p[kind]));
      for (const id of Object.keys(cfg[kind])) expect(used.has(id), `${kind}.${id} is unused`).toBe(true);
    }
    for (const id of Object.keys(cfg.extensions)) {
      expect(cfg.serviceExtensions, `extension ${id} not enabled`).toContain(id);
    }
    expect(Object.keys(cfg.connectors)).toEqual([]);
  });

  it("uses well-formed IDs of known core/contrib component types, under their current names", () => {
    const allKinds = [...kinds, "extensions", "connectors"] as const;
    for (const kind of allKinds) {
      for (const id of Object.keys(cfg[kind])) {
        // component.ID: type[/name]; type matches ^[a-zA-Z][0-9a-zA-Z_]{0,62}$, name non-empty.
        expect(id, `${kind} id`).toMatch(/^[a-zA-Z][0-9a-zA-Z_]{0,62}(\/[^/\s]+)?$/);
        const type = componentType(id);
        const alias = DEPRECATED_ALIASES[kind]?.[type];
        expect(alias, `${kind}.${id}: "${type}" is a deprecated alias of "${alias}"`).toBeUndefined();
        expect(Object.keys(ALLOWED_TYPES[kind]), `${kind}.${id}: unknown type`).toContain(type);
      }
    }
  });

  it("needs the distribution documented for it", () => {
    const name = file.slice("collector/".length);
    const types = (["receivers", "processors", "exporters", "extensions", "connectors"] as const).flatMap(
      (kind) => Object.keys(cfg[kind]).map((id) => ALLOWED_TYPES[kind][componentType(id)] ?? []),
    );
    const needed: Distribution = types.every((d) => d.includes("core")) ? "core" : "contrib";
    expect(needed).toBe(EXPECTED_DISTRIBUTION[name]);
    if (needed === "contrib") expect(readFileSync(join(repoRoot, file), "utf8")).toMatch(/contrib/);
  });

  it("runs memory_limiter first, and batches last: the batch processor, or every exporter's sending queue", () => {
    for (const [name, pipeline] of Object.entries(cfg.pipelines)) {
      const types = pipeline.processors.map(componentType);
      expect(types[0], `${name}: first processor`).toBe("memory_limiter");
      expect(types.filter((t) => t === "memory_limiter")).toHaveLength(1);
      if (types.includes("batch")) {
        expect(types[types.length - 1], `${name}: last processor`).toBe("batch");
        expect(types.filter((t) => t === "batch")).toHaveLength(1);
      } else {
        // Batching in the exporters' (persistent) queues instead, so nothing acknowledged waits in memory.
        for (const id of pipeline.exporters.filter((e) => componentType(e) !== "debug")) {
          const queue = asMap(asMap(cfg.exporters[id], id).sending_queue, `${id}.sending_queue`);
          expect(asMap(queue.batch, `${id}.sending_queue.batch`).flush_timeout, id).toBeTypeOf("string");
          expect(queue.storage, `${id}: a persistent queue`).toBeDefined();
          expect(cfg.serviceExtensions).toContain(queue.storage);
        }
      }
    }
  });

  it("gives memory_limiter a check interval and a spike limit below the hard limit", () => {
    for (const [id, raw] of Object.entries(cfg.processors)) {
      if (componentType(id) !== "memory_limiter") continue;
      const ml = asMap(raw, id);
      expect(ml.check_interval).toBeTypeOf("string");
      const limit = Number(withEnvDefaults(String(ml.limit_mib)));
      const spike = Number(withEnvDefaults(String(ml.spike_limit_mib)));
      expect(limit).toBeGreaterThan(0);
      expect(spike).toBeGreaterThan(0);
      expect(spike).toBeLessThan(limit);
    }
  });

  it("points OTLP/HTTP exporters at base URLs (the exporter appends /v1/<signal>)", () => {
    for (const [id, raw] of Object.entries(cfg.exporters)) {
      if (componentType(id) !== "otlp_http") continue;
      const endpoint = withEnvDefaults(String(asMap(raw, id).endpoint));
      expect(endpoint, id).toMatch(/^https?:\/\//);
      expect(endpoint, id).not.toMatch(/\/v1\/(logs|traces|metrics)\/?$/);
      if (id.endsWith("/loki")) expect(endpoint, id).toMatch(/\/otlp$/);
    }
  });

  it("references environment variables only through the collector's env provider (env:NAME[:-default])", () => {
    for (const { path, value } of stringScalars(load(file))) {
      const rest = value.replace(ENV_REF, "");
      // What is left may hold a literal `$` (a regex's end anchor), never one the collector would read as a
      // reference (`${…}` of another provider, the removed `$NAME` form).
      expect(/\$(?:\{|[A-Za-z_])/.test(rest), `${path}: ${value}`).toBe(false);
    }
  });
});

// Every config that takes OTLP (all but the filelog receiver's).
const otlpConfigs = collectorConfigs.filter((f) => "otlp" in loadCollector(f).receivers);

describe.each(otlpConfigs)("OTLP receiver of %s", (file) => {
  it("binds the OTLP receiver to all interfaces on 4317 (gRPC) and 4318 (HTTP) unless the environment says otherwise", () => {
    const otlp = asMap(loadCollector(file).receivers.otlp, "receivers.otlp");
    const protocols = asMap(otlp.protocols, "otlp.protocols");
    const expected: Record<string, number> = { grpc: 4317, http: 4318 };
    expect(Object.keys(protocols).length).toBeGreaterThan(0);
    for (const [protocol, raw] of Object.entries(protocols)) {
      const endpoint = String(asMap(raw, protocol).endpoint);
      expect(endpoint).toMatch(/^\$\{env:OTELCOL_OTLP_(GRPC|HTTP)_ENDPOINT:-/);
      expect(hostPort(withEnvDefaults(endpoint))).toEqual({ host: "0.0.0.0", port: expected[protocol] });
    }
  });
});

describe("agent and gateway", () => {
  it.each(["collector/otelcol-config.yaml", "collector/otelcol-gateway.yaml"])(
    "%s sends logs to Loki's OTLP endpoint and traces to Jaeger",
    (file) => {
      const cfg = loadCollector(file);
      const logs = cfg.pipelines.logs?.exporters ?? [];
      const traces = cfg.pipelines.traces?.exporters ?? [];
      expect(logs).toContain("otlp_http/loki");
      expect(traces).toContain("otlp_grpc/jaeger");
      expect(logs).toContain("debug");

      const loki = asMap(cfg.exporters["otlp_http/loki"], "otlp_http/loki");
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a collector/Grafana placeholder, not a JS template
      expect(loki.endpoint).toBe("${env:LOKI_OTLP_ENDPOINT:-http://loki:3100/otlp}");

      const jaeger = asMap(cfg.exporters["otlp_grpc/jaeger"], "otlp_grpc/jaeger");
      expect(hostPort(withEnvDefaults(String(jaeger.endpoint)))).toEqual({ host: "jaeger", port: 4317 });
      expect(asMap(jaeger.tls, "tls").insecure).toBe(true);
    },
  );

  it("the agent's generic backend takes its endpoint from the environment and sends no Authorization header by default", () => {
    const cfg = loadCollector("collector/otelcol-config.yaml");
    const backend = asMap(cfg.exporters["otlp_http/backend"], "otlp_http/backend");
    expect(String(backend.endpoint)).toMatch(/^\$\{env:OTLP_BACKEND_ENDPOINT(:-[^}]*)?\}$/);
    // `authorization: ${env:X:-}` would send an empty header when X is unset: the header is left out.
    expect(backend.headers).toBeUndefined();
    expect(cfg.pipelines.logs?.exporters).toContain("otlp_http/backend");
    // The opt-in is written out, commented, with the variable that holds the value.
    const text = readFileSync(join(repoRoot, "collector/otelcol-config.yaml"), "utf8");
    expect(text).toMatch(/^ {4}# headers:\n {4}# {3}authorization: \$\{env:OTLP_BACKEND_AUTHORIZATION\}$/m);
  });

  it.each(["collector/otelcol-config.yaml", "collector/otelcol-gateway.yaml"])(
    "%s sends metrics to Prometheus' native OTLP receiver",
    (file) => {
      const cfg = loadCollector(file);
      expect(cfg.pipelines.metrics?.exporters).toContain("otlp_http/prometheus");
      const endpoint = withEnvDefaults(String(asMap(cfg.exporters["otlp_http/prometheus"], "prom").endpoint));
      // The exporter appends /v1/metrics: POST /api/v1/otlp/v1/metrics, Prometheus' OTLP path.
      expect(endpoint).toBe("http://prometheus:9090/api/v1/otlp");
    },
  );

  it("the load-balancing agent routes by trace ID to the gateways over OTLP/gRPC", () => {
    const cfg = loadCollector("collector/otelcol-agent-loadbalancing.yaml");
    // At collector 0.161 routing_key governs logs too, and the default for logs is `service`: the comment says so.
    const text = readFileSync(join(repoRoot, "collector/otelcol-agent-loadbalancing.yaml"), "utf8");
    expect(text).toContain("the key governs logs too");
    // Metrics need no trace affinity: a plain OTLP/gRPC exporter to the gateways' name.
    expect(cfg.pipelines.metrics?.exporters).toEqual(["otlp_grpc/gateway"]);
    const gateway = asMap(cfg.exporters["otlp_grpc/gateway"], "otlp_grpc/gateway");
    expect(hostPort(withEnvDefaults(String(gateway.endpoint)))).toEqual({ host: "otel-gateway", port: 4317 });
    const lb = asMap(cfg.exporters.load_balancing, "load_balancing");
    expect(lb.routing_key).toBe("traceID");
    expect(asMap(lb.protocol, "protocol").otlp).toBeDefined();
    expect(asMap(asMap(lb.protocol, "protocol").otlp, "otlp").endpoint).toBeUndefined();
    const dns = asMap(asMap(lb.resolver, "resolver").dns, "dns");
    expect(withEnvDefaults(String(dns.hostname))).toBe("otel-gateway");
    expect(withEnvDefaults(String(dns.port))).toBe("4317");
  });
});

describe("collector/docker-compose.yaml", () => {
  const services = composeServices();

  it("starts the collector, Loki 3.x, Grafana, Jaeger and Prometheus 3.x with pinned image versions", () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(["otel-collector", "loki", "grafana", "jaeger", "prometheus"]),
    );
    for (const [name, svc] of Object.entries(services)) {
      const image = String(svc.image);
      const tag = imageTag(image);
      expect(tag, `${name}: ${image}`).toMatch(/^v?\d+\.\d+\.\d+/);
    }
    const major = (name: string) => versionParts(imageTag(String(services[name]?.image)))[0];
    expect(major("loki")).toBe(3);
    expect(major("jaeger")).toBeGreaterThanOrEqual(2); // Jaeger v2 takes OTLP on 4317/4318 by default
    expect(major("prometheus")).toBe(3); // native OTLP receiver behind --web.enable-otlp-receiver
    expect(String(services.grafana?.image)).toMatch(/^grafana\/grafana:12\./);
    expect(String(services["otel-collector"]?.image)).toMatch(/^otel\/opentelemetry-collector-contrib:/);
  });

  it("pins collectors new enough for the otlp_http / otlp_grpc names and filter `log_conditions` (>= 0.146)", () => {
    for (const [name, svc] of Object.entries(services)) {
      const image = String(svc.image);
      if (!image.includes("opentelemetry-collector")) continue;
      const [major = -1, minor = -1] = versionParts(imageTag(image));
      expect(major === 0 ? minor : 1000, name).toBeGreaterThanOrEqual(146);
    }
  });

  it.each(Object.keys(services))("service %s mounts only files that exist in the repo", (name) => {
    for (const { source } of bindMounts(services[name] ?? {})) {
      expect(existsSync(join(repoRoot, source)), source).toBe(true);
    }
  });

  it("mounts each config file where the service's command reads it", () => {
    for (const [name, svc] of Object.entries(services)) {
      const command = svc.command === undefined ? [] : asStringList(svc.command, `${name}.command`);
      for (const arg of command) {
        const m = /^--?config(?:\.file)?=(.+)$/.exec(arg);
        if (!m) continue;
        const mount = bindMounts(svc).find((b) => b.target === m[1]);
        expect(mount, `${name}: nothing mounted at ${m[1]}`).toBeDefined();
        const own: Record<string, string> = {
          loki: "collector/loki-config.yaml",
          prometheus: "collector/prometheus.yaml",
          jaeger: "collector/jaeger-config.yaml",
        };
        if (mount && own[name] === undefined) expect(collectorConfigs).toContain(mount.source);
        if (mount && own[name] !== undefined) expect(mount.source).toBe(own[name]);
      }
    }
  });

  it("runs every collector config and the Loki and Grafana files under collector/", () => {
    const mounted = Object.values(services).flatMap((svc) => bindMounts(svc).map((b) => b.source));
    for (const file of collectorConfigs) expect(mounted).toContain(file);
    expect(mounted).toContain("collector/loki-config.yaml");
    const grafana = bindMounts(services.grafana ?? {}).find((b) => b.target === "/etc/grafana/provisioning");
    expect(grafana?.source).toBe("collector/grafana/provisioning");
    expect(statSync(join(repoRoot, "collector/grafana/provisioning/datasources")).isDirectory()).toBe(true);
    expect(mounted).toContain("collector/prometheus.yaml");
  });

  it("checks PromQL with the grammar release of the pinned Prometheus (or the newest before it), LogQL with Grafana 12's", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    // @prometheus-io/lezer-promql is published with Prometheus releases: v3.M.P ↔ 0.3MM.P. The grammar of the
    // pinned 3.16.0 (0.316.0) is not on npm; 0.315.0 is the newest before it. The real Prometheus 3.16 runs every
    // dashboard query in the end-to-end suite (e2e/trace.e2e.test.ts).
    const [major = 0, minor = 0] = versionParts(imageTag(String(services.prometheus?.image)));
    const [gMajor = 0, gMinor = 0] = versionParts(pkg.devDependencies["@prometheus-io/lezer-promql"] ?? "");
    expect(gMajor).toBe(0);
    expect(gMinor).toBeLessThanOrEqual(major * 100 + minor);
    expect(gMinor).toBeGreaterThanOrEqual(major * 100 + minor - 1);
    // The version the Loki data source of Grafana 12.2 depends on (public/app/plugins/datasource/loki/package.json).
    expect(pkg.devDependencies["@grafana/lezer-logql"]).toBe("0.2.8");
  });

  it("starts Prometheus with its OTLP receiver on, reading the mounted config", () => {
    const command = asStringList(services.prometheus?.command, "prometheus.command");
    expect(command).toContain("--web.enable-otlp-receiver");
    expect(command).toContain("--config.file=/etc/prometheus/prometheus.yaml");
    const prom = asMap(load("collector/prometheus.yaml"), "prometheus.yaml");
    // The translation the query tests model (test/support/prometheus-otlp-naming.ts).
    expect(asMap(prom.otlp, "otlp").translation_strategy).toBe("UnderscoreEscapingWithSuffixes");
    expect(asMap(asMap(prom.storage, "storage").tsdb, "tsdb").out_of_order_time_window).toBeTypeOf("string");
  });

  it("has a service for every host the collector configs reach by default", () => {
    for (const file of collectorConfigs) {
      const cfg = loadCollector(file);
      for (const [id, raw] of Object.entries(cfg.exporters)) {
        const exp = asMap(raw, id);
        if (typeof exp.endpoint === "string") {
          const { host } = hostPort(withEnvDefaults(exp.endpoint));
          expect(Object.keys(services), `${file} ${id}`).toContain(host);
        }
      }
    }
    const lb = asMap(
      loadCollector("collector/otelcol-agent-loadbalancing.yaml").exporters.load_balancing,
      "lb",
    );
    const dns = asMap(asMap(lb.resolver, "resolver").dns, "dns");
    expect(Object.keys(services)).toContain(withEnvDefaults(String(dns.hostname)));
  });
});

describe("collector/loki-config.yaml", () => {
  const loki = asMap(load("collector/loki-config.yaml"), "loki config");

  it("accepts OTLP logs: structured metadata allowed, schema v13 on tsdb, detected_level on", () => {
    expect(asMap(loki.limits_config, "limits_config").allow_structured_metadata).toBe(true);
    // The dashboards count by detected_level (test/support/loki-otlp-mapping.ts models it).
    expect(asMap(loki.limits_config, "limits_config").discover_log_levels).toBe(true);
    const schemas = asMap(loki.schema_config, "schema_config").configs;
    expect(Array.isArray(schemas)).toBe(true);
    const last = asMap((schemas as unknown[]).at(-1), "latest schema");
    expect(last).toMatchObject({ schema: "v13", store: "tsdb" });
  });

  it("listens where the collector and Grafana expect it (3100)", () => {
    expect(asMap(loki.server, "server").http_listen_port).toBe(3100);
    const agent = loadCollector("collector/otelcol-config.yaml");
    const endpoint = withEnvDefaults(String(asMap(agent.exporters["otlp_http/loki"], "loki").endpoint));
    expect(hostPort(endpoint).port).toBe(3100);
  });
});

describe("Grafana data sources", () => {
  const file = "collector/grafana/provisioning/datasources/datasources.yaml";
  const doc = asMap(load(file), file);
  const datasources = (Array.isArray(doc.datasources) ? doc.datasources : []).map((d, i) =>
    asMap(d, `datasources[${i}]`),
  );
  const byUid = new Map(datasources.map((d) => [String(d.uid), d]));
  const lokiDs = datasources.find((d) => d.type === "loki");
  const jsonData = asMap(lokiDs?.jsonData, "loki jsonData");
  const derived = (Array.isArray(jsonData.derivedFields) ? jsonData.derivedFields : []).map((f, i) =>
    asMap(f, `derivedFields[${i}]`),
  );

  // Grafana replaces $VAR / ${VAR} in provisioning files from its environment; `$$` is a literal `$`.
  const afterGrafanaEnv = (value: string): string => value.replace(/\$\$/g, "$");

  // What Grafana's Loki data source does with a derived field (public/app/plugins/datasource/loki/
  // getDerivedFields.ts): `regex` (the default) → line.match(matcherRegex)[1]; `label` → the value of
  // the first label whose key matches new RegExp(matcherRegex).
  function derive(field: YamlMap, line: string, labels: Record<string, string>): string | null {
    const regex = afterGrafanaEnv(String(field.matcherRegex));
    if (field.matcherType === "label") {
      const key = Object.keys(labels).find((k) => new RegExp(regex).test(k));
      return key === undefined ? null : (labels[key] ?? null);
    }
    return line.match(regex)?.[1] ?? null;
  }

  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const spanId = "00f067aa0ba902b7";
  // Structured metadata Loki stores for an OTLP record (pkg/loghttp/push/otlp.go), shown as labels.
  const otlpLabels = {
    service_name: "trainer",
    scope_name: "torch._dynamo",
    torch_artifact: "graph_code",
    severity_text: "DEBUG",
    trace_id: traceId,
    span_id: spanId,
  };

  it("provisions Loki, Jaeger and Prometheus with unique uids, at the compose service addresses", () => {
    expect(byUid.size).toBe(datasources.length);
    expect(doc.apiVersion).toBe(1);
    expect(lokiDs?.url).toBe("http://loki:3100");
    const jaeger = datasources.find((d) => d.type === "jaeger");
    expect(jaeger?.url).toBe("http://jaeger:16686");
    const prometheus = byUid.get("prometheus");
    expect(prometheus?.type).toBe("prometheus");
    expect(prometheus?.url).toBe("http://prometheus:9090");
    // The version the data source announces is the pinned image's.
    const image = String(composeServices().prometheus?.image);
    expect(`v${asMap(prometheus?.jsonData, "jsonData").prometheusVersion}`).toBe(imageTag(image));
    const services = composeServices();
    for (const d of datasources) expect(Object.keys(services)).toContain(new URL(String(d.url)).hostname);
  });

  it("escapes Grafana link variables from provisioning's env expansion ($${…})", () => {
    for (const { path, value } of stringScalars(doc)) {
      expect(value.replace(/\$\$\{/g, "").includes("${"), `${path}: ${value}`).toBe(false);
    }
  });

  it("links every derived field to the Jaeger data source by uid, with the trace ID as the query", () => {
    expect(derived.length).toBeGreaterThan(0);
    expect(new Set(derived.map((f) => f.name)).size).toBe(derived.length); // Grafana groups by name
    for (const f of derived) {
      expect(byUid.get(String(f.datasourceUid))?.type, String(f.name)).toBe("jaeger");
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a collector/Grafana placeholder, not a JS template
      expect(afterGrafanaEnv(String(f.url))).toBe("${__value.raw}");
    }
  });

  it("finds the trace_id that Loki stores as structured metadata for OTLP records", () => {
    const labelFields = derived.filter((f) => f.matcherType === "label");
    expect(labelFields.length).toBeGreaterThan(0);
    for (const f of labelFields) {
      expect(derive(f, "compiled graph", otlpLabels)).toBe(traceId);
      expect(derive(f, "", { span_id: spanId, parent_trace_id: traceId })).toBeNull();
    }
  });

  const lines: Array<[string, string | null]> = [
    [`level=debug scope=torch._dynamo trace_id=${traceId} span_id=${spanId} msg="TRACED GRAPH"`, traceId],
    [`{"body":"TRACED GRAPH","trace_id":"${traceId}","span_id":"${spanId}"}`, traceId],
    [`{"message":"recompiling","traceId":"${traceId.toUpperCase()}"}`, traceId.toUpperCase()],
    [`2025-01-01T00:00:00Z DEBUG torch._inductor traceID=${traceId} codegen done`, traceId],
    [`level=info span_id=${spanId} msg="no trace here"`, null],
    [`level=info parent_trace_id=${traceId} msg="not this field"`, null],
    [`level=info trace_id=${spanId} msg="too short for a trace id"`, null],
  ];

  it.each(lines)("the in-line regex extracts the trace id from %s", (line, expected) => {
    const regexFields = derived.filter((f) => f.matcherType !== "label");
    expect(regexFields.length).toBeGreaterThan(0);
    for (const f of regexFields) expect(derive(f, line, {})).toBe(expected);
  });

  it("links Jaeger spans back to the Loki lines of the same trace with a custom query", () => {
    const jaeger = datasources.find((d) => d.type === "jaeger");
    const t2l = asMap(asMap(jaeger?.jsonData, "jaeger jsonData").tracesToLogsV2, "tracesToLogsV2");
    expect(byUid.get(String(t2l.datasourceUid))?.type).toBe("loki");
    // Jaeger keeps service.name out of the span/process tags, so tag mapping built `{}`: a custom query.
    expect(t2l.customQuery).toBe(true);
    expect(t2l.tags).toBeUndefined();
    const query = afterGrafanaEnv(String(t2l.query));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a collector/Grafana placeholder, not a JS template
    expect(query).toContain('trace_id="${__trace.traceId}"');
    // Parsing and label names: test/collector/grafana-queries.test.ts. Loki also refuses a selector whose
    // matchers all match the empty string; `=~".+"` does not.
    const selector = /^\{([^}]*)\}/.exec(query)?.[1] ?? "";
    expect(selector).toMatch(/^service_name(="[^"]+"|=~"\.\+")$/);
  });
});

describe("collector/README.md", () => {
  const readme = readFileSync(join(collectorDir, "README.md"), "utf8");

  it("documents every config, how to validate it, and how to start the stack", () => {
    for (const file of collectorConfigs) expect(readme).toContain(file.slice("collector/".length));
    expect(readme).toContain("validate --config=");
    expect(readme).toContain("docker compose -f collector/docker-compose.yaml up");
    expect(readme).toContain("OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318");
    expect(readme).toContain("torch-logs-otel collector-filter");
  });
});
