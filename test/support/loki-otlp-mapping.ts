// What Grafana Loki 3.x stores for one OTLP log record received on /otlp/v1/logs: stream (index) labels,
// structured metadata, the line. A model of Loki's own code, so tests can derive the label and metadata names
// LogQL queries may use from what our exporters really sent, instead of from a list typed by hand.
//
// Sources (grafana/loki, read through the stored copies of the repository):
//  * pkg/loghttp/push/otlp.go — otlpToLokiPushRequest / otlpLogToPushEntry / attributeToLabels: resource
//    attributes in the default index list → stream labels, the other resource attributes, the scope's
//    attributes, `scope_name`, `scope_version`, every log attribute, `observed_timestamp`, `severity_number`,
//    `severity_text`, `dropped_attributes_count`, `flags`, `trace_id`, `span_id` → structured metadata; names
//    through otlptranslator.NormalizeLabel, nested maps flattened with `_`, values through pcommon AsString.
//  * docs/sources/send-data/otel/_index.md — the default `default_resource_attributes_as_index_labels` list.
//  * pkg/distributor/field_detection.go — `detected_level` (discover_log_levels, on in collector/loki-config.yaml):
//    severity_text (an allowed level field) normalised, else severity_number bands, else guessed from the line.
//  * pkg/distributor (discover_service_name): a stream without service.name gets service_name="unknown_service".
// Not modelled: per-tenant otlp_config overrides (collector/loki-config.yaml sets none), and `event_name`, which
// Loki stores only from grafana/loki#21229 (merged March 2026, around the 3.7 release): no query relies on it.

import type { OtlpAttributes, OtlpValue, ReceivedLogRecord } from "./otlp-logs-normalize.ts";

/** Loki's default `distributor.otlp.default_resource_attributes_as_index_labels`. */
export const LOKI_DEFAULT_INDEX_LABEL_ATTRIBUTES: readonly string[] = [
  "cloud.availability_zone",
  "cloud.region",
  "container.name",
  "deployment.environment",
  "k8s.cluster.name",
  "k8s.container.name",
  "k8s.cronjob.name",
  "k8s.daemonset.name",
  "k8s.deployment.name",
  "k8s.job.name",
  "k8s.namespace.name",
  "k8s.pod.name",
  "k8s.replicaset.name",
  "k8s.statefulset.name",
  "service.instance.id",
  "service.name",
  "service.namespace",
];

export interface LokiEntry {
  readonly streamLabels: Readonly<Record<string, string>>;
  readonly structuredMetadata: Readonly<Record<string, string>>;
  readonly line: string;
}

/** otlptranslator.NormalizeLabel: non-alphanumerics → `_`, `key_` before a digit, `key` before one `_`. */
export function normalizeLokiLabel(name: string): string {
  if (name === "") return name;
  let label = name.replace(/[^\p{L}\p{N}]/gu, "_");
  if (/^\p{N}/u.test(label)) label = `key_${label}`;
  else if (label.startsWith("_") && !label.startsWith("__")) label = `key${label}`;
  return label;
}

/** pcommon.Value.AsString for the values our exporters send. */
export function otlpValueAsString(value: OtlpValue): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
    return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? Number(v) : v));
}

/** attributeToLabels: a map value becomes one label per leaf, names joined with `_`. */
function attributeLabels(key: string, value: OtlpValue, prefix = ""): Array<[string, string]> {
  const name = normalizeLokiLabel(prefix === "" ? key : `${prefix}_${key}`);
  if (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  ) {
    return Object.entries(value).flatMap(([k, v]) => attributeLabels(k, v, name));
  }
  return [[name, otlpValueAsString(value)]];
}

function attributesLabels(attributes: OtlpAttributes): Array<[string, string]> {
  return Object.entries(attributes).flatMap(([k, v]) => attributeLabels(k, v));
}

/** defaultAllowedLevelFields, in Loki's order. */
const LEVEL_FIELDS = [
  ...["level", "LEVEL", "Level", "log.level", "severity", "SEVERITY", "Severity", "SeverityText"],
  ...["lvl", "LVL", "Lvl", "severity_text", "Severity_Text", "SEVERITY_TEXT"],
];

/** normalizeLogLevel: known spellings to Loki's lower-case names, anything else kept as is. */
function normalizeLevel(level: string): string {
  const l = level.toLowerCase();
  if (l === "trace" || l === "trc") return "trace";
  if (l === "debug" || l === "dbg") return "debug";
  if (l === "info" || l === "inf" || l === "information") return "info";
  if (l === "warn" || l === "wrn" || l === "warning") return "warn";
  if (l === "error" || l === "err") return "error";
  if (l === "critical") return "critical";
  if (l === "fatal") return "fatal";
  return level;
}

/** detectLevelFromLogLine, the last resort for a record with neither severity text nor number. */
function levelFromLine(line: string): string {
  const has = (...words: string[]) => words.some((w) => line.includes(w));
  if (has("info:", "INFO:", "[info]", "[INFO]", "info", "INFO")) return "info";
  if (has("err:", "ERR:", "[err]", "[ERR]", "[error]", "[ERROR]")) return "error";
  if (has("warn:", "WARN:", "[warn]", "[WARN]", "[warning]", "[WARNING]", "warning", "WARNING"))
    return "warn";
  if (has("critical:", "CRITICAL:", "[critical]", "[CRITICAL]")) return "critical";
  if (has("debug:", "DEBUG:", "[debug]", "[DEBUG]", "debug", "DEBUG")) return "debug";
  return "unknown";
}

/** The severity_number bands of detectLogLevelFromLogEntry (OTel: 1-4 TRACE … 21-24 FATAL). */
function levelFromSeverityNumber(n: number): string {
  if (n === 0) return "unknown";
  if (n <= 4) return "trace";
  if (n <= 8) return "debug";
  if (n <= 12) return "info";
  if (n <= 16) return "warn";
  if (n <= 20) return "error";
  if (n <= 24) return "fatal";
  return "unknown";
}

/**
 * detected_level for one entry. A JSON or logfmt line carrying a level field is not parsed here (our records
 * always carry a severity or are plain text); such lines fall through to the same word heuristic Loki ends in.
 */
function detectedLevel(
  labels: Record<string, string>,
  metadata: Record<string, string>,
  line: string,
): string {
  // labelsContainAny: the stream labels first, then the structured metadata.
  for (const source of [labels, metadata]) {
    const field = LEVEL_FIELDS.find((f) => source[f] !== undefined);
    if (field !== undefined) return normalizeLevel(source[field] ?? "");
  }
  const number = metadata.severity_number;
  if (number !== undefined) return levelFromSeverityNumber(Number(number));
  return levelFromLine(line);
}

/** The Loki entry of one OTLP record, as Loki 3.7 with collector/loki-config.yaml stores it. */
export function lokiEntryFromOtlp(record: ReceivedLogRecord): LokiEntry {
  const streamLabels: Record<string, string> = {};
  const metadata: Record<string, string> = {};
  const indexed = new Set(LOKI_DEFAULT_INDEX_LABEL_ATTRIBUTES);
  for (const [key, value] of Object.entries(record.resource)) {
    const target = indexed.has(key) ? streamLabels : metadata;
    for (const [name, v] of attributeLabels(key, value)) target[name] = v;
  }
  const serviceName = record.resource["service.name"];
  if (serviceName === undefined || serviceName === "") streamLabels.service_name = "unknown_service";
  for (const [name, v] of attributesLabels(record.scope.attributes)) metadata[name] = v;
  if (record.scope.name !== "") metadata.scope_name = record.scope.name;
  if (record.scope.version) metadata.scope_version = record.scope.version;
  for (const [name, v] of attributesLabels(record.attributes)) metadata[name] = v;
  if (record.timeUnixNano !== "0" && record.observedTimeUnixNano !== "0") {
    metadata.observed_timestamp = record.observedTimeUnixNano;
  }
  if (record.severityNumber !== 0) metadata.severity_number = String(record.severityNumber);
  if (record.severityText) metadata.severity_text = record.severityText;
  if (record.droppedAttributesCount !== 0)
    metadata.dropped_attributes_count = String(record.droppedAttributesCount);
  if (record.flags !== 0) metadata.flags = String(record.flags);
  if (record.traceId) metadata.trace_id = record.traceId;
  if (record.spanId) metadata.span_id = record.spanId;
  const line = record.body === undefined ? "" : otlpValueAsString(record.body);
  metadata.detected_level = detectedLevel(streamLabels, metadata, line);
  return { streamLabels, structuredMetadata: metadata, line };
}
