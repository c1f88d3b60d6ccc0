// OTLP/JSON request bodies built by hand, for tests that must control every field the wire carries (eventName,
// UNSPECIFIED severity, non-string attributes) and send straight to a collector's receiver.

export type JsonAttributeValue = string | number | boolean;

function anyValue(value: JsonAttributeValue): Record<string, unknown> {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

export function attributeList(attributes: Readonly<Record<string, JsonAttributeValue>>): unknown[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

export interface JsonLogRecord {
  readonly scope: string;
  readonly severityNumber: number;
  readonly body: string;
  readonly eventName?: string;
  readonly attributes?: Readonly<Record<string, JsonAttributeValue>>;
  readonly timeUnixNano?: string;
  /** Hex, 32 and 16 characters. */
  readonly traceId?: string;
  readonly spanId?: string;
}

/** One ExportLogsServiceRequest: one resource, records grouped by scope in first-seen order. */
export function exportLogsRequest(
  resource: Readonly<Record<string, JsonAttributeValue>>,
  records: readonly JsonLogRecord[],
): string {
  const byScope = new Map<string, unknown[]>();
  for (const record of records) {
    const list = byScope.get(record.scope) ?? [];
    byScope.set(record.scope, list);
    list.push({
      ...(record.timeUnixNano !== undefined && { timeUnixNano: record.timeUnixNano }),
      severityNumber: record.severityNumber,
      body: { stringValue: record.body },
      attributes: attributeList(record.attributes ?? {}),
      ...(record.eventName !== undefined && { eventName: record.eventName }),
      ...(record.traceId !== undefined && { traceId: record.traceId }),
      ...(record.spanId !== undefined && { spanId: record.spanId }),
    });
  }
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: attributeList(resource) },
        scopeLogs: [...byScope].map(([name, logRecords]) => ({ scope: { name }, logRecords })),
      },
    ],
  });
}

/** POSTs a JSON body to an OTLP/HTTP logs endpoint and fails on anything but 200. */
export async function postOtlpLogs(url: string, body: string): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 300)}`);
}
