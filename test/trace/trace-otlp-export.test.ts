// Spans as the OTLP trace exporter reads them: ids, parent, times, status.
import { SpanStatusCode } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { describe, expect, it } from "vitest";
import { toReadableSpan } from "../../src/trace/trace-otlp-export.ts";
import { readTrace } from "./read-trace-fixture.ts";

const resource = resourceFromAttributes({ "service.name": "test" });

describe("toReadableSpan", () => {
  // chromium_events.log is a compile that failed: its `dynamo` end event carries fail_type and fail_reason.
  const spans = readTrace("chromium_events.log").spans;

  it("keeps the file's ids, parent and times", () => {
    expect(spans.map((s) => s.name)).toEqual(["dynamo", "entire_frame_compile", "backend_compile"]);
    for (const span of spans) {
      const readable = toReadableSpan(span, resource);
      expect(readable.spanContext()).toMatchObject({ traceId: span.traceId, spanId: span.spanId });
      expect(readable.parentSpanContext?.spanId).toBe(span.parentSpanId);
      expect([readable.startTime, readable.endTime]).toEqual([span.startTime, span.endTime]);
      const ns = (t: readonly [number, number]) => t[0] * 1e9 + t[1];
      expect(ns(readable.duration)).toBeCloseTo(ns(span.endTime) - ns(span.startTime), -3);
      expect(readable.resource).toBe(resource);
    }
  });

  it("marks the failed compile's span as an error with its fail_type and fail_reason", () => {
    expect(spans.map((s) => toReadableSpan(s, resource).status)).toEqual([
      {
        code: SpanStatusCode.ERROR,
        message: "BackendCompilerFailed: backend='broken_backend' raised:\nRuntimeError: broken backend",
      },
      { code: SpanStatusCode.UNSET },
      { code: SpanStatusCode.UNSET },
    ]);
  });
});
