// Turns an OTLP `ExportLogsServiceRequest` (already parsed into the OTLP/JSON object shape) into flat,
// encoding-independent log records, so tests can assert on plain JS values instead of AnyValue trees.
//
// OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding) is proto3 JSON with two
// deviations that matter here: trace/span ids are hex (not base64) and enums are integers. 64-bit integers
// may arrive as JSON numbers (what the JS exporter sends) or decimal strings (what proto3 JSON prescribes and
// the Collector sends); both are accepted.

export type OtlpEncoding = "json" | "protobuf";

/** A decoded OTLP AnyValue. Integers outside the safe range stay exact as bigint; empty AnyValue is null. */
export type OtlpValue = string | number | bigint | boolean | null | Uint8Array | OtlpValue[] | OtlpAttributes;

export interface OtlpAttributes {
  [key: string]: OtlpValue;
}

export interface ReceivedScope {
  readonly name: string;
  readonly version: string | undefined;
  readonly schemaUrl: string | undefined;
  readonly attributes: OtlpAttributes;
}

/**
 * One log record as received, identical for both encodings apart from `encoding`.
 * Proto3 defaults are made explicit (0 for numbers) and empty strings/ids become undefined, because the
 * protobuf encoding cannot tell "empty" from "absent".
 */
export interface ReceivedLogRecord {
  readonly encoding: OtlpEncoding;
  readonly resource: OtlpAttributes;
  readonly resourceSchemaUrl: string | undefined;
  readonly scope: ReceivedScope;
  /** Nanoseconds since the Unix epoch as a decimal string (fixed64 does not fit a JS number). */
  readonly timeUnixNano: string;
  readonly observedTimeUnixNano: string;
  readonly severityNumber: number;
  readonly severityText: string | undefined;
  /** undefined when the record has no body (or an empty AnyValue: JSON cannot tell the two apart). */
  readonly body: OtlpValue | undefined;
  readonly attributes: OtlpAttributes;
  readonly droppedAttributesCount: number;
  readonly flags: number;
  /** Lower-case hex, 32 characters. */
  readonly traceId: string | undefined;
  /** Lower-case hex, 16 characters. */
  readonly spanId: string | undefined;
  readonly eventName: string | undefined;
}

/** The payload is not a well-formed ExportLogsServiceRequest; the receiver answers 400. */
export class OtlpDecodeError extends Error {
  override name = "OtlpDecodeError";
}

type JsonObject = Record<string, unknown>;

const INTEGER_TEXT = /^-?\d+$/;
const HEX_TEXT = /^(?:[0-9a-f]{2})*$/i;
const BASE64_TEXT = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Flattens ResourceLogs → ScopeLogs → LogRecord into records in payload order.
 * `encoding` selects how ids are spelled: hex for OTLP/JSON, base64 for protobuf bytes converted to objects.
 */
export function normalizeExportLogsRequest(request: unknown, encoding: OtlpEncoding): ReceivedLogRecord[] {
  const records: ReceivedLogRecord[] = [];
  const root = asObject(request, "request");
  asArray(root.resourceLogs, "resourceLogs").forEach((resourceLogsValue, r) => {
    const resourceLogs = asObject(resourceLogsValue, `resourceLogs[${r}]`);
    const resourcePath = `resourceLogs[${r}].resource`;
    const resource = optionalObject(resourceLogs.resource, resourcePath) ?? {};
    const resourceAttributes = keyValues(resource.attributes, `${resourcePath}.attributes`);
    const resourceSchemaUrl = optionalString(resourceLogs.schemaUrl, `resourceLogs[${r}].schemaUrl`);

    asArray(resourceLogs.scopeLogs, `resourceLogs[${r}].scopeLogs`).forEach((scopeLogsValue, s) => {
      const scopePath = `resourceLogs[${r}].scopeLogs[${s}]`;
      const scopeLogs = asObject(scopeLogsValue, scopePath);
      const scopeValue = optionalObject(scopeLogs.scope, `${scopePath}.scope`) ?? {};
      const scope: ReceivedScope = {
        name: optionalString(scopeValue.name, `${scopePath}.scope.name`) ?? "",
        version: optionalString(scopeValue.version, `${scopePath}.scope.version`),
        schemaUrl: optionalString(scopeLogs.schemaUrl, `${scopePath}.schemaUrl`),
        attributes: keyValues(scopeValue.attributes, `${scopePath}.scope.attributes`),
      };

      asArray(scopeLogs.logRecords, `${scopePath}.logRecords`).forEach((recordValue, i) => {
        const path = `${scopePath}.logRecords[${i}]`;
        const record = asObject(recordValue, path);
        const body = record.body === undefined ? null : anyValue(record.body, `${path}.body`);
        records.push({
          encoding,
          resource: resourceAttributes,
          resourceSchemaUrl,
          scope,
          timeUnixNano: nanos(record.timeUnixNano, `${path}.timeUnixNano`),
          observedTimeUnixNano: nanos(record.observedTimeUnixNano, `${path}.observedTimeUnixNano`),
          severityNumber: uint(record.severityNumber, `${path}.severityNumber`),
          severityText: optionalString(record.severityText, `${path}.severityText`),
          body: body ?? undefined,
          attributes: keyValues(record.attributes, `${path}.attributes`),
          droppedAttributesCount: uint(record.droppedAttributesCount, `${path}.droppedAttributesCount`),
          flags: uint(record.flags, `${path}.flags`),
          traceId: id(record.traceId, encoding, 16, `${path}.traceId`),
          spanId: id(record.spanId, encoding, 8, `${path}.spanId`),
          eventName: optionalString(record.eventName, `${path}.eventName`),
        });
      });
    });
  });
  return records;
}

function anyValue(value: unknown, path: string): OtlpValue {
  const v = asObject(value, path);
  if (v.stringValue !== undefined) return asString(v.stringValue, `${path}.stringValue`);
  if (v.boolValue !== undefined) {
    if (typeof v.boolValue !== "boolean") throw new OtlpDecodeError(`${path}.boolValue: expected a boolean`);
    return v.boolValue;
  }
  if (v.intValue !== undefined) return integer(v.intValue, `${path}.intValue`);
  if (v.doubleValue !== undefined) return double(v.doubleValue, `${path}.doubleValue`);
  if (v.arrayValue !== undefined) {
    const values = asArray(asObject(v.arrayValue, `${path}.arrayValue`).values, `${path}.arrayValue.values`);
    return values.map((item, i) => anyValue(item, `${path}.arrayValue.values[${i}]`));
  }
  if (v.kvlistValue !== undefined) {
    return keyValues(asObject(v.kvlistValue, `${path}.kvlistValue`).values, `${path}.kvlistValue.values`);
  }
  if (v.bytesValue !== undefined) return base64Bytes(v.bytesValue, `${path}.bytesValue`);
  if (Object.keys(v).length === 0) return null;
  throw new OtlpDecodeError(`${path}: unknown AnyValue field(s) ${Object.keys(v).join(", ")}`);
}

function keyValues(value: unknown, path: string): OtlpAttributes {
  // Object.fromEntries defines own properties, so a "__proto__" key cannot touch the prototype.
  return Object.fromEntries(
    asArray(value, path).map((entry, i) => {
      const kv = asObject(entry, `${path}[${i}]`);
      // Protobuf omits proto3 defaults, so an empty key arrives as no key at all.
      const key = kv.key === undefined ? "" : asString(kv.key, `${path}[${i}].key`);
      return [key, kv.value === undefined ? null : anyValue(kv.value, `${path}[${i}].value`)];
    }),
  );
}

function integer(value: unknown, path: string): number | bigint {
  let exact: bigint;
  if (typeof value === "number" && Number.isInteger(value)) exact = BigInt(value);
  else if (typeof value === "string" && INTEGER_TEXT.test(value)) exact = BigInt(value);
  else throw new OtlpDecodeError(`${path}: expected an integer, got ${JSON.stringify(value)}`);
  const asNumber = Number(exact);
  return Number.isSafeInteger(asNumber) ? asNumber : exact;
}

function double(value: unknown, path: string): number {
  if (typeof value === "number") return value;
  // proto3 JSON spells non-finite doubles as strings.
  if (value === "NaN" || value === "Infinity" || value === "-Infinity") return Number(value);
  throw new OtlpDecodeError(`${path}: expected a number, got ${JSON.stringify(value)}`);
}

function uint(value: unknown, path: string): number {
  if (value === undefined) return 0;
  const n = integer(value, path);
  if (typeof n !== "number" || n < 0)
    throw new OtlpDecodeError(`${path}: expected an unsigned 32-bit integer`);
  return n;
}

function nanos(value: unknown, path: string): string {
  if (value === undefined) return "0";
  const n = integer(value, path);
  if (n < 0) throw new OtlpDecodeError(`${path}: expected an unsigned 64-bit integer`);
  return n.toString();
}

function id(value: unknown, encoding: OtlpEncoding, byteLength: number, path: string): string | undefined {
  if (value === undefined || value === "") return undefined;
  const text = asString(value, path);
  let hex: string;
  if (encoding === "json") {
    if (!HEX_TEXT.test(text)) throw new OtlpDecodeError(`${path}: expected hex, got ${JSON.stringify(text)}`);
    hex = text.toLowerCase();
  } else {
    hex = Buffer.from(text, "base64").toString("hex");
  }
  if (hex.length !== byteLength * 2) {
    throw new OtlpDecodeError(`${path}: expected ${byteLength} bytes, got ${hex.length / 2}`);
  }
  return hex;
}

function base64Bytes(value: unknown, path: string): Uint8Array {
  const text = asString(value, path);
  if (!BASE64_TEXT.test(text)) throw new OtlpDecodeError(`${path}: expected base64`);
  // A plain Uint8Array (not a Buffer) so both encodings compare equal with toEqual.
  return new Uint8Array(Buffer.from(text, "base64"));
}

function asObject(value: unknown, path: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new OtlpDecodeError(`${path}: expected an object, got ${describe(value)}`);
  }
  return value as JsonObject;
}

function optionalObject(value: unknown, path: string): JsonObject | undefined {
  return value === undefined || value === null ? undefined : asObject(value, path);
}

function asArray(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`${path}: expected an array, got ${describe(value)}`);
  return value;
}

function asString(value: unknown, path: string): string {
  if (typeof value !== "string")
    throw new OtlpDecodeError(`${path}: expected a string, got ${describe(value)}`);
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = asString(value, path);
  return text === "" ? undefined : text;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}
