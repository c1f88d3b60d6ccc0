// `trace` of every shared TORCH_TRACE input → the agent collector (collector/otelcol-config.yaml) → Jaeger,
// Prometheus and the logs store, read back through their own query APIs: Jaeger holds exactly the spans
// `trace --format jsonl` describes (one trace per compile, ranks apart), every PromQL query of the Grafana
// dashboards returns data, the compile-time series equal the times written in the trace files, and the
// dashboards' TORCH_TRACE log panels (compile artifacts, distinct graph breaks, configuration per compile) find
// in the logs store exactly the records `trace --format jsonl` describes.
import { basename } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectorQueries } from "../test/support/collector-queries.ts";
import { interpolateGrafanaVariables } from "../test/support/grafana-variables.ts";
import { findSpans, type StoredSpan } from "./support/jaeger-client.ts";
import { logqlAsLogsql } from "./support/logql-as-logsql.ts";
import { promQuery } from "./support/prometheus-client.ts";
import { runCliProcess } from "./support/run-cli-process.ts";
import { type Stack, startStack } from "./support/stack.ts";
import { compilationMetricsOf, phaseSeconds, traceInputs } from "./support/trace-fixtures.ts";
import { awaitLogs } from "./support/victoria-logs-client.ts";
import { waitFor } from "./support/wait-for.ts";

const REPO = new URL("..", import.meta.url).pathname;
const INPUTS = traceInputs();

interface JsonlSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: Record<string, unknown>;
}

function serviceOf(input: string): string {
  return `e2e-trace-${basename(input).replace(/\W+/g, "-")}`;
}

interface JsonlLog {
  readonly eventName: string;
  readonly attributes: Record<string, unknown>;
}

/** What `trace --format jsonl` says it sends: spans and log records. */
async function describeInput(input: string): Promise<{ spans: JsonlSpan[]; logs: JsonlLog[] }> {
  const run = await runCliProcess(["trace", "--format", "jsonl", input]);
  expect(run.code, run.stderr).toBe(0);
  const lines = run.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as { signal: string } & JsonlSpan & JsonlLog);
  return {
    spans: lines.filter((l) => l.signal === "span"),
    logs: lines.filter((l) => l.signal === "log"),
  };
}

/** A span as both sides can state it: Jaeger returns OTLP/JSON (int attributes as numbers once unwrapped). */
function comparable(span: JsonlSpan | StoredSpan) {
  return {
    name: span.name,
    traceId: span.traceId,
    parentSpanId: span.parentSpanId ?? undefined,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    attributes: span.attributes,
  };
}

describe("trace → collector → Jaeger and Prometheus", () => {
  let stack: Stack;
  const described = new Map<string, { spans: JsonlSpan[]; logs: JsonlLog[] }>();

  beforeAll(async () => {
    stack = await startStack("trace");
    for (const input of INPUTS) {
      described.set(input, await describeInput(input));
      const sent = await runCliProcess(["trace", input, "--service-name", serviceOf(input)], {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: stack.agent.otlpHttpUrl },
      });
      expect(sent.code, sent.stderr).toBe(0);
      // Everything `trace` read went out: nothing failed on the way to the agent.
      expect(sent.stderr, sent.stderr).toMatch(
        /logs \d+ filtered, \d+ exported, 0 failed; spans \d+ exported, 0 failed;/,
      );
    }
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it.each(INPUTS.map((input) => [basename(input), input]))(
    "%s: Jaeger holds the spans trace --format jsonl describes, one trace per compile, ranks apart",
    async (_, input) => {
      const expected = described.get(input)?.spans ?? [];
      const stored = await waitFor(
        async () => {
          const spans = await findSpans(stack.jaeger.queryUrl, serviceOf(input));
          return spans.length >= expected.length ? spans : undefined;
        },
        { what: `${expected.length} spans of ${serviceOf(input)} in Jaeger`, timeoutMs: 30_000 },
      );
      const byId = new Map(stored.map((span) => [span.spanId, span]));
      expect(stored).toHaveLength(expected.length);
      for (const span of expected) {
        const found = byId.get(span.spanId);
        expect(found, `span ${span.name} ${span.spanId}`).toBeDefined();
        expect(comparable(found as StoredSpan)).toEqual(comparable(span));
        expect(found?.resource["service.name"]).toBe(serviceOf(input));
      }
      const traces = new Map<string, StoredSpan[]>();
      for (const span of stored) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
      for (const [traceId, spans] of traces) {
        const compiles = new Set(
          spans.flatMap((s) =>
            s.attributes["torch.compile_id"] === undefined ? [] : [s.attributes["torch.compile_id"]],
          ),
        );
        const ranks = new Set(spans.map((s) => s.attributes["torch.rank"]));
        expect(compiles.size, `trace ${traceId}: compiles ${[...compiles]}`).toBeLessThanOrEqual(1);
        expect(ranks.size, `trace ${traceId}: ranks ${[...ranks]}`).toBe(1);
        // Every span but the trace's root hangs off a span of the same trace.
        const ids = new Set(spans.map((s) => s.spanId));
        expect(spans.filter((s) => s.parentSpanId === undefined)).toHaveLength(1);
        for (const s of spans) if (s.parentSpanId !== undefined) expect(ids.has(s.parentSpanId)).toBe(true);
      }
      // A compile id is one trace (per rank and file).
      const traceOfCompile = new Map<string, string>();
      for (const span of stored) {
        const compile = span.attributes["torch.compile_id"];
        if (compile === undefined) continue;
        const key = `${String(span.attributes["torch.rank"])}|${String(compile)}`;
        expect(traceOfCompile.get(key) ?? span.traceId, key).toBe(span.traceId);
        traceOfCompile.set(key, span.traceId);
      }
    },
  );

  it("answers every PromQL query of the Grafana dashboards with data", async () => {
    const queries = collectorQueries(REPO).filter(
      (q) => q.language === "promql" && q.where.endsWith(".json") === false,
    );
    const dashboardQueries = queries.filter((q) => q.where.includes(".json panel"));
    expect(dashboardQueries.length).toBeGreaterThan(0);
    const empty: string[] = [];
    await waitFor(
      async () => {
        empty.length = 0;
        for (const query of dashboardQueries) {
          const text = interpolateGrafanaVariables(query.text, { ...query.variables, __range: "1h" });
          const result = await promQuery(stack.prometheus.url, text);
          if (result.length === 0 || result.every((s) => Number.isNaN(s.value)))
            empty.push(`${query.where}: ${text}`);
        }
        return empty.length === 0 ? true : undefined;
      },
      { what: "data for every dashboard query", timeoutMs: 30_000 },
    ).catch(() => {
      throw new Error(`queries without data:\n${empty.join("\n")}`);
    });
  });

  it.each(
    INPUTS.filter((input) => compilationMetricsOf(input).length > 0).map((input) => [basename(input), input]),
  )("%s: the compile-time series in Prometheus equal the times in the file", async (_, input) => {
    const metrics = compilationMetricsOf(input);
    const phases = [
      ["dynamo", "dynamo_cumulative_compile_time_us", "entire_frame_compile_time_s"],
      ["aot_autograd", "aot_autograd_cumulative_compile_time_us", "backend_compile_time_s"],
      ["inductor", "inductor_cumulative_compile_time_us", "inductor_compile_time_s"],
    ] as const;
    for (const [phase, micros, seconds] of phases) {
      const inFile = metrics.reduce((sum, m) => sum + phaseSeconds(m, micros, seconds), 0);
      const query = `sum(last_over_time(torch_compile_duration_seconds_sum{job="${serviceOf(input)}", torch_compile_phase="${phase}"}[1h]))`;
      const [sample] = await promQuery(stack.prometheus.url, query);
      if (inFile === 0) {
        expect(sample?.value ?? 0, `${phase}: ${query}`).toBe(0);
      } else {
        expect(sample?.value, `${phase}: ${query}`).toBeCloseTo(inFile, 9);
      }
    }
  });

  it.each(
    collectorQueries(REPO)
      .filter(
        (q) =>
          q.language === "logql" && q.where.includes(".json panel") && q.text.includes("torch_trace_event"),
      )
      .map((q) => [q.where, q] as const),
  )("%s finds in the logs store the records trace describes", async (_, query) => {
    // The query as the dashboard sends it with "All" chosen, asked of the services of this suite.
    const logql = interpolateGrafanaVariables(query.text, { ...query.variables, service: "e2e-trace-.+" });
    const logs = [...described.values()].flatMap((d) => d.logs);
    const names = ["service.name", ...new Set(logs.flatMap((l) => Object.keys(l.attributes)))];
    const logsql = logqlAsLogsql(logql, names);
    const event = /torch_trace_event="([^"]+)"/.exec(logql)?.[1];
    const expected = logs.filter((l) =>
      event === undefined ? l.attributes["torch.trace.event"] !== undefined : l.eventName === event,
    );
    expect(expected.length, logql).toBeGreaterThan(0);
    const stored = await awaitLogs(stack.logs.url, logsql, expected.length, { timeoutMs: 30_000 });
    expect(stored.length, logsql).toBe(expected.length);
    if (event !== undefined)
      expect(
        stored.map((r) => r["torch.trace.event"]).every((e) => e === event),
        logsql,
      ).toBe(true);
  });
});
