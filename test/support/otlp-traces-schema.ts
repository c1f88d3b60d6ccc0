// The OTLP trace request (opentelemetry-proto trace/v1, collector/trace/v1) as a protobufjs schema, written
// from the .proto definitions like otlp-logs-schema.ts, so the receiver decodes the exporters' protobuf bytes
// independently of @opentelemetry/otlp-transformer.
import protobuf from "protobufjs";
import { COMMON_PROTO, RESOURCE_PROTO } from "./otlp-logs-schema.ts";

const TRACE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.trace.v1;

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { opentelemetry.proto.resource.v1.Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ScopeSpans { opentelemetry.proto.common.v1.InstrumentationScope scope = 1; repeated Span spans = 2; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 9;
  repeated Event events = 11;
  fixed32 flags = 16;
  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated opentelemetry.proto.common.v1.KeyValue attributes = 3;
  }
}
`;

const root = new protobuf.Root();
for (const source of [COMMON_PROTO, RESOURCE_PROTO, TRACE_PROTO]) protobuf.parse(source, root);
root.resolveAll();
// ExportTraceServiceRequest lives in collector.trace.v1 upstream; the package does not reach the wire.
const request = root.lookupType("opentelemetry.proto.trace.v1.ExportTraceServiceRequest");

/** A binary ExportTraceServiceRequest as a plain object: camelCase keys, ids in hex as OTLP/JSON has them. */
export function decodeExportTraceServiceRequest(bytes: Uint8Array): Record<string, unknown> {
  const object = request.toObject(request.decode(bytes), { longs: String, bytes: Array, defaults: false });
  for (const rs of (object.resourceSpans ?? []) as {
    scopeSpans?: { spans?: Record<string, unknown>[] }[];
  }[]) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        for (const key of ["traceId", "spanId", "parentSpanId"]) {
          const id = span[key];
          if (Array.isArray(id)) span[key] = Buffer.from(id as number[]).toString("hex");
        }
      }
    }
  }
  return object;
}
