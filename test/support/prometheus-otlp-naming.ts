// The series Prometheus 3.x stores for an OpenTelemetry metric received on its native OTLP endpoint
// (/api/v1/otlp/v1/metrics) with the default translation strategy `UnderscoreEscapingWithSuffixes` (written out in
// collector/prometheus.yaml). A model of prometheus/otlptranslator and the OTLP write handler, so tests derive the
// metric and label names PromQL queries may use from src/trace/compile-metric-names.ts instead of retyping them.
//
// Sources (read through the stored copies): prometheus/otlptranslator README (MetricNamer with suffixes, LabelNamer,
// "http.server.request.duration" + unit s + histogram → http_server_request_duration_seconds), the OpenTelemetry
// "Prometheus and OpenMetrics compatibility" spec and opentelemetry-collector-contrib pkg/translator/prometheus
// README (units in {braces} dropped, standard units translated and appended, `_total` on monotonic sums, `_ratio` on
// gauges of unit 1; resource service.namespace/service.name → job, service.instance.id → instance; histograms as
// _bucket{le}, _sum, _count). Only the cases our metrics need are modelled; anything else throws.

/** The OTel metric kinds torch-logs-otel emits (`CompileMetricName.kind`). */
export type OtlpMetricKind = "histogram" | "counter" | "gauge";

export interface OtlpMetricDescription {
  readonly name: string;
  readonly kind: OtlpMetricKind;
  readonly unit: string;
  /** Data-point attribute keys. */
  readonly attributes: readonly string[];
}

/** Series name (`x_total`, or `x_bucket`, `x_sum`, `x_count`) → the label names its series carry. */
export type PrometheusSeries = Readonly<Record<string, readonly string[]>>;

// UCUM units → Prometheus base-unit words (the subset of otlptranslator's unit map our metrics could use).
const UNIT_WORDS: Readonly<Record<string, string>> = {
  s: "seconds",
  ms: "milliseconds",
  us: "microseconds",
  ns: "nanoseconds",
  min: "minutes",
  h: "hours",
  By: "bytes",
  KiBy: "kibibytes",
  MiBy: "mebibytes",
};

/** LabelNamer{UTF8Allowed: false}: non-alphanumerics → `_`, `key_` before a leading digit. */
export function prometheusLabelName(attribute: string): string {
  let label = attribute.replace(/[^A-Za-z0-9_]/g, "_");
  if (/^[0-9]/.test(label)) label = `key_${label}`;
  return label;
}

/** MetricNamer{WithMetricSuffixes: true, UTF8Allowed: false}.Build for a histogram, a monotonic counter or a gauge. */
export function prometheusMetricName(metric: Pick<OtlpMetricDescription, "name" | "kind" | "unit">): string {
  const tokens = metric.name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (metric.kind === "gauge" && metric.unit === "1") return [...tokens, "ratio"].join("_");
  const unit = metric.unit.replace(/\{[^}]*\}/g, "");
  if (unit !== "") {
    const word = UNIT_WORDS[unit];
    if (word === undefined) throw new Error(`unit "${metric.unit}" of ${metric.name} is not modelled`);
    if (tokens.at(-1) !== word) tokens.push(word);
  }
  if (metric.kind === "counter" && tokens.at(-1) !== "total") tokens.push("total");
  return tokens.join("_");
}

/** The series of one metric and the labels they carry (data-point attributes, job, instance; `le` on buckets). */
export function prometheusSeries(metric: OtlpMetricDescription): PrometheusSeries {
  const base = prometheusMetricName(metric);
  const labels = [...metric.attributes.map(prometheusLabelName), "job", "instance"];
  if (metric.kind === "histogram") {
    return { [`${base}_bucket`]: [...labels, "le"], [`${base}_sum`]: labels, [`${base}_count`]: labels };
  }
  return { [base]: labels };
}
