// The Prometheus OTLP naming model against the examples of otlptranslator's README and the collector-contrib
// pkg/translator/prometheus README.
import { describe, expect, it } from "vitest";
import { prometheusLabelName, prometheusMetricName, prometheusSeries } from "./prometheus-otlp-naming.ts";

describe("prometheusMetricName (UnderscoreEscapingWithSuffixes)", () => {
  it.each([
    [
      { name: "http.server.request.duration", unit: "s", kind: "histogram" },
      "http_server_request_duration_seconds",
    ],
    [{ name: "system.processes.created", unit: "", kind: "counter" }, "system_processes_created_total"],
    [{ name: "system.network.dropped", unit: "{packets}", kind: "counter" }, "system_network_dropped_total"],
    [{ name: "system.filesystem.usage", unit: "By", kind: "histogram" }, "system_filesystem_usage_bytes"],
    [{ name: "requests.count_total", unit: "", kind: "counter" }, "requests_count_total"],
    [
      { name: "torch.compile.duration_seconds", unit: "s", kind: "histogram" },
      "torch_compile_duration_seconds",
    ],
    [{ name: "system.memory.utilization", unit: "1", kind: "gauge" }, "system_memory_utilization_ratio"],
    [
      { name: "torch.compile.rank_divergence", unit: "{rank}", kind: "gauge" },
      "torch_compile_rank_divergence",
    ],
  ] as const)("%j → %s", (metric, name) => {
    expect(prometheusMetricName(metric)).toBe(name);
  });

  it("refuses a unit it does not model instead of guessing", () => {
    expect(() => prometheusMetricName({ name: "astro.light.speed", unit: "m/s", kind: "histogram" })).toThrow(
      /unit "m\/s"/,
    );
  });
});

describe("prometheusSeries", () => {
  it("splits a histogram into _bucket (with le), _sum and _count, with job and instance", () => {
    expect(
      prometheusSeries({
        name: "torch.compile.duration",
        unit: "s",
        kind: "histogram",
        attributes: ["torch.rank"],
      }),
    ).toEqual({
      torch_compile_duration_seconds_bucket: ["torch_rank", "job", "instance", "le"],
      torch_compile_duration_seconds_sum: ["torch_rank", "job", "instance"],
      torch_compile_duration_seconds_count: ["torch_rank", "job", "instance"],
    });
  });

  it("names a counter with _total", () => {
    expect(
      prometheusSeries({ name: "a.b", unit: "{x}", kind: "counter", attributes: ["c.d", "9e"] }),
    ).toEqual({
      a_b_total: ["c_d", "key_9e", "job", "instance"],
    });
    expect(prometheusLabelName("torch.compile.cache.result")).toBe("torch_compile_cache_result");
  });
});
