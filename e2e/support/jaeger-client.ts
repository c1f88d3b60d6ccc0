// Jaeger's own query API (api_v3, OTLP/JSON-shaped): the traces Jaeger stores, read back as a user's tools read
// them.

export interface StoredSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  /** Attribute values as OTLP/JSON gives them, unwrapped: strings, numbers (ints arrive as strings), booleans. */
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly resource: Readonly<Record<string, unknown>>;
  readonly status: { readonly code?: number; readonly message?: string };
  readonly events: readonly { readonly name: string; readonly timeUnixNano: string }[];
}

interface OtlpKeyValue {
  readonly key: string;
  readonly value: Record<string, unknown>;
}

function unwrap(value: Record<string, unknown>): unknown {
  if ("stringValue" in value) return value.stringValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return Number(value.doubleValue);
  if ("boolValue" in value) return value.boolValue;
  if ("arrayValue" in value) {
    const values = (value.arrayValue as { values?: Record<string, unknown>[] }).values ?? [];
    return values.map(unwrap);
  }
  return value;
}

function attributes(list: readonly OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, unwrap(value)]));
}

interface OtlpTraces {
  readonly result?: {
    readonly resourceSpans?: {
      readonly resource?: { readonly attributes?: OtlpKeyValue[] };
      readonly scopeSpans?: {
        readonly spans?: {
          readonly traceId: string;
          readonly spanId: string;
          readonly parentSpanId?: string;
          readonly name: string;
          readonly startTimeUnixNano: string;
          readonly endTimeUnixNano: string;
          readonly attributes?: OtlpKeyValue[];
          readonly status?: { code?: number; message?: string };
          readonly events?: { name: string; timeUnixNano: string }[];
        }[];
      }[];
    }[];
  };
  readonly error?: { readonly message?: string };
}

function flatten(body: OtlpTraces): StoredSpan[] {
  return (body.result?.resourceSpans ?? []).flatMap((rs) => {
    const resource = attributes(rs.resource?.attributes);
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId:
          span.parentSpanId === undefined || span.parentSpanId === "" ? undefined : span.parentSpanId,
        name: span.name,
        startTimeUnixNano: span.startTimeUnixNano,
        endTimeUnixNano: span.endTimeUnixNano,
        attributes: attributes(span.attributes),
        resource,
        status: span.status ?? {},
        events: (span.events ?? []).map((e) => ({ name: e.name, timeUnixNano: e.timeUnixNano })),
      })),
    );
  });
}

async function getJson(url: string): Promise<OtlpTraces> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const body = (await response.json()) as OtlpTraces;
  if (!response.ok && response.status !== 404) {
    throw new Error(`Jaeger ${response.status} for ${url}: ${body.error?.message ?? ""}`);
  }
  return body;
}

/** Every span of every trace of `service` (traces are not limited by age: recorded runs carry old times). */
export async function findSpans(queryUrl: string, service: string, maxTraces = 5_000): Promise<StoredSpan[]> {
  const params = new URLSearchParams({
    "query.service_name": service,
    "query.start_time_min": "1970-01-01T00:00:00Z",
    "query.start_time_max": "2100-01-01T00:00:00Z",
    "query.num_traces": String(maxTraces),
  });
  return flatten(await getJson(`${queryUrl}/api/v3/traces?${params}`));
}

/** The services Jaeger knows. */
export async function listServices(queryUrl: string): Promise<string[]> {
  const response = await fetch(`${queryUrl}/api/v3/services`, { signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { services?: string[] };
  return body.services ?? [];
}
