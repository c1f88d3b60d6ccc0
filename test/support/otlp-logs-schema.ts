// A hand-written protobufjs schema for the subset of OTLP that an OTLP/HTTP logs receiver needs.
// It is written from the opentelemetry-proto definitions (field numbers and wire types must match them
// exactly); we deliberately do not reuse @opentelemetry/otlp-transformer, because the point of the receiver
// is to check the exporters' bytes against an independent decoder.
import protobuf from "protobufjs";

/** opentelemetry-proto common/v1, shared with the traces schema. */
export const COMMON_PROTO = `
syntax = "proto3";
package opentelemetry.proto.common.v1;

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
message KeyValue {
  string key = 1;
  AnyValue value = 2;
}
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
`;

/** opentelemetry-proto resource/v1. */
export const RESOURCE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.resource.v1;

message Resource {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
`;

// severity_number is the SeverityNumber enum upstream; an enum is an int32 varint on the wire, and
// declaring it as int32 keeps unknown values as plain numbers without listing all 25 members.
const LOGS_PROTO = `
syntax = "proto3";
package opentelemetry.proto.logs.v1;

message ResourceLogs {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeLogs scope_logs = 2;
  string schema_url = 3;
}
message ScopeLogs {
  opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated LogRecord log_records = 2;
  string schema_url = 3;
}
message LogRecord {
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2;
  string severity_text = 3;
  opentelemetry.proto.common.v1.AnyValue body = 5;
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 6;
  uint32 dropped_attributes_count = 7;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  string event_name = 12;
}
`;

const COLLECTOR_PROTO = `
syntax = "proto3";
package opentelemetry.proto.collector.logs.v1;

message ExportLogsServiceRequest {
  repeated opentelemetry.proto.logs.v1.ResourceLogs resource_logs = 1;
}
message ExportLogsServiceResponse {
  ExportLogsPartialSuccess partial_success = 1;
}
message ExportLogsPartialSuccess {
  int64 rejected_log_records = 1;
  string error_message = 2;
}
`;

// OTLP/HTTP error responses carry a google.rpc.Status in the request's encoding (details omitted).
const RPC_STATUS_PROTO = `
syntax = "proto3";
package google.rpc;

message Status {
  int32 code = 1;
  string message = 2;
}
`;

const root = new protobuf.Root();
for (const source of [COMMON_PROTO, RESOURCE_PROTO, LOGS_PROTO, COLLECTOR_PROTO, RPC_STATUS_PROTO]) {
  protobuf.parse(source, root);
}
root.resolveAll();

const exportLogsServiceRequest = root.lookupType(
  "opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest",
);
const rpcStatus = root.lookupType("google.rpc.Status");
const exportLogsServiceResponse = root.lookupType(
  "opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse",
);

// Mirrors OTLP/JSON except that bytes (including trace/span ids) come out base64-encoded, which is the
// proto3 JSON mapping; OTLP/JSON deviates from it for ids only (hex). 64-bit integers become decimal strings.
const TO_JSON_SHAPE: protobuf.IConversionOptions = { longs: String, bytes: String, defaults: false };

/**
 * Decodes a binary `ExportLogsServiceRequest` into a plain object with lowerCamelCase keys.
 * Throws on bytes that are not a valid encoding of the message.
 */
export function decodeExportLogsServiceRequest(bytes: Uint8Array): Record<string, unknown> {
  const message = exportLogsServiceRequest.decode(bytes);
  return exportLogsServiceRequest.toObject(message, TO_JSON_SHAPE);
}

/**
 * Encodes a plain object (protobufjs "from object" shape: lowerCamelCase keys, bytes as Uint8Array or base64,
 * 64-bit integers as number/string) as a binary `ExportLogsServiceRequest`. Lets tests craft payloads that
 * the JS exporters never produce.
 */
export function encodeExportLogsServiceRequest(request: Record<string, unknown>): Uint8Array {
  return exportLogsServiceRequest.encode(exportLogsServiceRequest.fromObject(request)).finish();
}

/** Encodes a `google.rpc.Status`, the body OTLP/HTTP prescribes for protobuf error responses. */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
  return rpcStatus.encode(rpcStatus.create({ code, message })).finish();
}

/** Encodes an `ExportLogsServiceResponse` with a partial success (a 2xx answer that refuses some records). */
export function encodePartialSuccessResponse(rejectedLogRecords: number, errorMessage: string): Uint8Array {
  const message = exportLogsServiceResponse.fromObject({
    partialSuccess: { rejectedLogRecords, errorMessage },
  });
  return exportLogsServiceResponse.encode(message).finish();
}
