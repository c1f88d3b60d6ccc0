// Prometheus' own HTTP API: instant PromQL queries, as Grafana's data source sends them.

export interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  /** The sample's value (instant vectors), or the last value of a range. */
  readonly value: number;
}

interface PromResponse {
  readonly status: string;
  readonly error?: string;
  readonly data?: {
    readonly resultType: string;
    readonly result:
      | readonly { metric: Record<string, string>; value?: [number, string] }[]
      | [number, string];
  };
}

/** Runs an instant query at "now"; returns the vector (a scalar result comes back as one sample). */
export async function promQuery(baseUrl: string, query: string): Promise<PromSample[]> {
  const response = await fetch(`${baseUrl}/api/v1/query`, {
    method: "POST",
    body: new URLSearchParams({ query }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as PromResponse;
  if (body.status !== "success" || body.data === undefined) {
    throw new Error(`Prometheus rejected ${query}: ${body.error ?? response.status}`);
  }
  const { resultType, result } = body.data;
  if (resultType === "scalar") return [{ metric: {}, value: Number((result as [number, string])[1]) }];
  return (result as { metric: Record<string, string>; value?: [number, string] }[]).map((r) => ({
    metric: r.metric,
    value: Number(r.value?.[1]),
  }));
}
