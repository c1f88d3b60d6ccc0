// `torch-logs-otel trace --format jsonl`: one JSON object per line, `"signal": "log" | "span" | "metric"`.
// Log lines are shaped like `ingest --format jsonl` plus `eventName`; a JsonLinesLogRecordExporter given
// formatLogJsonLine writes them.
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { hrTimeToNanos } from "../delivery/json-lines-log-record-exporter.ts";
import type { TraceSpan } from "./chromium-span-builder.ts";
import type { TimedMetricPoint } from "./trace-file-mapper.ts";

export function formatLogJsonLine(record: ReadableLogRecord): string {
  return `${JSON.stringify({
    signal: "log",
    timeUnixNano: hrTimeToNanos(record.hrTime),
    severityNumber: record.severityNumber ?? 0,
    severityText: record.severityText ?? null,
    scope: record.instrumentationScope.name,
    eventName: record.eventName ?? null,
    body: record.body ?? null,
    attributes: record.attributes,
  })}\n`;
}

export function formatSpanJsonLine(span: TraceSpan): string {
  return `${JSON.stringify({
    signal: "span",
    name: span.name,
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? null,
    startTimeUnixNano: hrTimeToNanos(span.startTime),
    endTimeUnixNano: hrTimeToNanos(span.endTime),
    attributes: span.attributes,
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: hrTimeToNanos(event.time),
      attributes: event.attributes,
    })),
  })}\n`;
}

export function formatMetricJsonLine(point: TimedMetricPoint): string {
  return `${JSON.stringify({
    signal: "metric",
    name: point.name,
    kind: point.kind,
    unit: point.unit,
    value: point.value,
    timeUnixNano: point.time === undefined ? null : hrTimeToNanos(point.time),
    attributes: point.attributes,
  })}\n`;
}
