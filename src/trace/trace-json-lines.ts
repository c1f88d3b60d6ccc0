// `torch-logs-otel trace --format jsonl`: one JSON object per line, `"signal": "log" | "span" | "metric"`.
// Log lines are shaped like `ingest --format jsonl` plus `eventName`.
import type { HrTime } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
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

/** Nanoseconds since the epoch as a decimal string (OTLP/JSON's form; they overflow a double). */
export function hrTimeToNanos([seconds, nanos]: HrTime): string {
  if (Number.isSafeInteger(seconds) && seconds > 0 && Number.isInteger(nanos) && nanos >= 0 && nanos < 1e9) {
    return `${seconds}${String(nanos).padStart(9, "0")}`;
  }
  return (BigInt(seconds) * 1_000_000_000n + BigInt(Math.round(nanos))).toString();
}

/** The log records as {@link formatLogJsonLine} lines, one `write` per batch. */
export class TraceJsonLinesLogRecordExporter implements LogRecordExporter {
  readonly #write: (text: string) => void;

  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    try {
      let text = "";
      for (const record of records) text += formatLogJsonLine(record);
      this.#write(text);
    } catch (error) {
      resultCallback({
        code: ExportResultCode.FAILED,
        error: error instanceof Error ? error : new Error(String(error)),
      });
      return;
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
