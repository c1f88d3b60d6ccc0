// Every LogQL and PromQL query we ship (Grafana dashboards, the Jaeger → Loki link, both READMEs) parses
// with the query languages' own grammars, and names only labels, metadata and metrics that exist:
//  * Loki: the names Loki derives (test/support/loki-otlp-mapping.ts) from the OTLP requests our real exporters
//    send (test/support/capture-torch-otlp-logs.ts: `ingest` of the PyTorch log samples, `demo`);
//  * Prometheus: the series Prometheus' OTLP translation (test/support/prometheus-otlp-naming.ts) makes of the
//    metrics `trace` emits (src/trace/compile-metric-names.ts).
// No Loki, Prometheus or Grafana runs here; this is what can be checked without them.

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import {
  COMPILE_METRIC_RANK_ATTRIBUTE,
  COMPILE_METRICS,
  type CompileMetricName,
} from "../../src/trace/compile-metric-names.ts";
import { type CapturedSource, captureTorchLogsOtlp } from "../support/capture-torch-otlp-logs.ts";
import {
  type CollectorQuery,
  collectorQueries,
  defaultVariableValue,
  loadDashboards,
  variableQueryText,
} from "../support/collector-queries.ts";
import { interpolateGrafanaVariables } from "../support/grafana-variables.ts";
import { logqlNames } from "../support/logql-names.ts";
import { type LokiEntry, lokiEntryFromOtlp } from "../support/loki-otlp-mapping.ts";
import { prometheusSeries } from "../support/prometheus-otlp-naming.ts";
import { promqlNames } from "../support/promql-names.ts";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const queries = collectorQueries(repoRoot);
const logql = queries.filter((q) => q.language === "logql");
const promql = queries.filter((q) => q.language === "promql");

// Prometheus series of the compile metrics: every metric point carries torch.rank besides its own attributes.
const SERIES: Readonly<Record<string, readonly string[]>> = Object.assign(
  {},
  ...Object.values(COMPILE_METRICS).map((m: CompileMetricName) =>
    prometheusSeries({ ...m, attributes: [COMPILE_METRIC_RANK_ATTRIBUTE, ...m.attributes] }),
  ),
);

let sources: readonly CapturedSource[] = [];
let entries: LokiEntry[] = [];
const streamLabels = new Set<string>();
const metadataNames = new Set<string>();
const valuesOf = new Map<string, Set<string>>();

beforeAll(async () => {
  sources = await captureTorchLogsOtlp();
  entries = sources.flatMap((s) => s.records.map(lokiEntryFromOtlp));
  for (const e of entries) {
    for (const [k, v] of [...Object.entries(e.streamLabels), ...Object.entries(e.structuredMetadata)]) {
      (valuesOf.get(k) ?? valuesOf.set(k, new Set()).get(k))?.add(v);
    }
    for (const k of Object.keys(e.streamLabels)) streamLabels.add(k);
    for (const k of Object.keys(e.structuredMetadata)) metadataNames.add(k);
  }
}, 60_000);

function interpolated(q: CollectorQuery): string {
  return interpolateGrafanaVariables(q.text, q.variables);
}

describe("what Loki stores for the records our exporters send", () => {
  it("has the names the dashboards are built on, from the captured OTLP requests", () => {
    expect(sources.map((s) => s.records.length).every((n) => n > 0)).toBe(true);
    expect([...streamLabels]).toEqual(["service_name"]);
    expect([...metadataNames]).toEqual(
      expect.arrayContaining([
        "scope_name",
        "torch_artifact",
        "torch_rank",
        "torch_compile_id",
        "severity_text",
        "severity_number",
        "detected_level",
        "trace_id",
        "span_id",
      ]),
    );
    // Dots become underscores: no attribute keeps its OTel spelling.
    expect([...metadataNames].filter((n) => /[^A-Za-z0-9_]/.test(n))).toEqual([]);
    expect(valuesOf.get("service_name")).toEqual(new Set(["trainer", "torch-logs-otel-demo"]));
    expect([...(valuesOf.get("detected_level") ?? [])]).toEqual(
      expect.arrayContaining(["warn", "error", "debug"]),
    );
  });
});

describe.each(logql.map((q) => [q.where, q] as const))("LogQL %s", (_where, query) => {
  it("parses with Grafana's LogQL grammar (@grafana/lezer-logql)", () => {
    expect(logqlNames(interpolated(query)).errorsAt).toEqual([]);
  });

  it("selects streams by Loki index labels and filters on names Loki derives from our records", () => {
    const names = logqlNames(interpolated(query));
    expect(names.selectorLabels.length).toBeGreaterThan(0);
    for (const l of names.selectorLabels) expect([...streamLabels], `stream label ${l}`).toContain(l);
    const known = new Set([...streamLabels, ...metadataNames]);
    for (const l of names.pipelineLabels) expect([...known], `label or metadata ${l}`).toContain(l);
  });

  it("matches torch_artifact values our records carry", () => {
    for (const m of interpolated(query).matchAll(/torch_artifact=~?"([^"]*)"/g)) {
      for (const value of (m[1] ?? "").split("|")) {
        expect([...(valuesOf.get("torch_artifact") ?? [])], `torch_artifact ${value}`).toContain(value);
      }
    }
  });
});

describe.each(promql.map((q) => [q.where, q] as const))("PromQL %s", (_where, query) => {
  it("parses with Prometheus' PromQL grammar (@prometheus-io/lezer-promql)", () => {
    expect(promqlNames(interpolated(query)).errorsAt).toEqual([]);
  });

  it("selects series `trace` emits, by labels they carry", () => {
    const names = promqlNames(interpolated(query));
    expect(names.selectors.length).toBeGreaterThan(0);
    for (const s of names.selectors) {
      expect(Object.keys(SERIES), `metric ${s.metric}`).toContain(s.metric);
      for (const l of s.matcherLabels) expect(SERIES[s.metric], `${s.metric} label ${l}`).toContain(l);
    }
    const labels = new Set(names.selectors.flatMap((s) => SERIES[s.metric] ?? []));
    for (const l of names.groupingLabels) expect([...labels], `grouping label ${l}`).toContain(l);
  });
});

describe("the query tests themselves", () => {
  it("cover the dashboards, the Jaeger link and the README", () => {
    expect(logql.length).toBeGreaterThanOrEqual(10);
    expect(promql.length).toBeGreaterThanOrEqual(8);
    expect(queries.some((q) => q.where.includes("tracesToLogsV2"))).toBe(true);
    expect(queries.some((q) => q.where.startsWith("collector/README.md") && q.language === "logql")).toBe(
      true,
    );
    expect(queries.some((q) => q.where.startsWith("collector/README.md") && q.language === "promql")).toBe(
      true,
    );
  });

  it.each([
    ['{} | trace_id="4bf92f3577b34da6a3ce929d0e0e4736"', "an empty selector (the old Jaeger link)"],
    ['{service_name="x"} | scope_name="a" [5m]', "a range on a log query"],
    ['sum by (scope_name) (count_over_time({service_name="x"} [$__auto]))', "an uninterpolated variable"],
  ])("reject %s: %s", (query) => {
    expect(logqlNames(query).errorsAt.length).toBeGreaterThan(0);
  });

  it("report labels in the selector and the pipeline apart", () => {
    const names = logqlNames(
      'sum by (torch_rank) (count_over_time({service_name="x"} | scope_name=~`torch\\..*` | line_format "{{.torch_artifact}}" | label_format r=torch_rank [1m]))',
    );
    expect(names).toEqual({
      errorsAt: [],
      selectorLabels: ["service_name"],
      pipelineLabels: ["torch_rank", "scope_name", "torch_artifact"],
    });
  });

  it("report PromQL selectors and grouping labels", () => {
    expect(promqlNames('sum by (le) (rate(a_bucket{job="x"}[5m])) / on (job) group_left (z) b')).toEqual({
      errorsAt: [],
      selectors: [
        { metric: "a_bucket", matcherLabels: ["job"] },
        { metric: "b", matcherLabels: [] },
      ],
      groupingLabels: ["le", "job", "z"],
    });
    expect(promqlNames("sum(rate(a[5m])").errorsAt.length).toBeGreaterThan(0);
  });
});

describe("dashboard variables", () => {
  const dashboards = loadDashboards(repoRoot);
  const variables = dashboards.flatMap((d) =>
    d.templating.list.map((v) => [`${d.file} $${v.name}`, v] as const),
  );

  it.each(variables)("%s lists values that exist", (_where, variable) => {
    if (variable.type === "textbox") {
      expect(defaultVariableValue(variable)).toBe(".*");
      return;
    }
    const text = variableQueryText(variable);
    const values = Object.fromEntries(
      dashboards.flatMap((d) => d.templating.list.map((v) => [v.name, defaultVariableValue(v)])),
    );
    if (variable.datasource?.type === "loki") {
      // label_values(label) lists an index label's values.
      const m = /^label_values\((\w+)\)$/.exec(text);
      expect(m, text).not.toBeNull();
      expect([...streamLabels]).toContain(m?.[1]);
      return;
    }
    // label_values(selector, label): the selector is PromQL, the label one its series carry.
    const m = /^label_values\((.+), *(\w+)\)$/.exec(text);
    expect(m, text).not.toBeNull();
    const names = promqlNames(interpolateGrafanaVariables(m?.[1] ?? "", values));
    expect(names.errorsAt).toEqual([]);
    const metric = names.selectors[0]?.metric ?? "";
    expect(SERIES[metric], `${metric} carries ${m?.[2]}`).toContain(m?.[2]);
  });
});
