// The OTLP trace request (opentelemetry-proto trace/v1, collector/trace/v1) as a protobufjs schema, written
// from the .proto definitions like otlp-logs-schema.ts, so the receiver decodes the exporters' protobuf bytes
// independently of @opentelemetry/otlp-transformer.
import protobuf from "protobufjs";

const SCHEMA = `
syntax = "proto3";
package otlptest;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; }
message Resource { repeated KeyValue attributes = 1; }

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  repeated Event events = 11;
  fixed32 flags = 16;
  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated KeyValue attributes = 3;
  }
}
`;

const root = protobuf.parse(SCHEMA).root;
const request = root.lookupType("otlptest.ExportTraceServiceRequest");

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
