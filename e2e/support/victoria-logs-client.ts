// VictoriaLogs' own HTTP query API (LogsQL at /select/logsql/query): what the logs store holds, read back the
// way a user's dashboard or script reads it.
import { waitFor } from "./wait-for.ts";

/** One stored log entry: VictoriaLogs returns every field as a string. */
export type StoredLog = Readonly<Record<string, string>>;

/** Runs a LogsQL query and returns the entries (newline-delimited JSON in the response). */
export async function queryLogs(baseUrl: string, logsql: string, limit = 1_000_000): Promise<StoredLog[]> {
  const body = new URLSearchParams({ query: logsql, limit: String(limit) });
  const response = await fetch(`${baseUrl}/select/logsql/query`, {
    method: "POST",
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`VictoriaLogs ${response.status} for ${logsql}: ${text.slice(0, 500)}`);
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as StoredLog);
}

/** The number of entries a LogsQL filter matches. */
export async function countLogs(baseUrl: string, filter: string): Promise<number> {
  const [row] = await queryLogs(baseUrl, `${filter} | stats count() as n`);
  return Number(row?.n ?? 0);
}

/**
 * Waits until the filter matches `expected` entries and stays there for `settleMs` (VictoriaLogs makes new
 * entries searchable about a second after ingestion; more arriving later would show as a higher count), then
 * returns the entries. Throws with the count seen last if it never gets there.
 */
export async function awaitLogs(
  baseUrl: string,
  filter: string,
  expected: number,
  options: { readonly timeoutMs?: number; readonly settleMs?: number } = {},
): Promise<StoredLog[]> {
  let seen = -1;
  await waitFor(
    async () => {
      seen = await countLogs(baseUrl, filter);
      return seen >= expected ? true : undefined;
    },
    { what: `${expected} entries matching ${filter} (seen ${seen})`, timeoutMs: options.timeoutMs ?? 60_000 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; count seen last: ${seen}`);
  });
  await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 1_500));
  return queryLogs(baseUrl, filter);
}

/**
 * VictoriaLogs stores a record with an empty body under this placeholder (its `-defaultMsgValue`): a blank line
 * that `ingest` sends is such a record.
 */
export const VICTORIA_LOGS_EMPTY_MESSAGE =
  "missing _msg field; see https://docs.victoriametrics.com/victorialogs/keyconcepts/#message-field";

/** The record's body as it was sent. */
export function bodyOf(row: StoredLog): string {
  const message = row._msg ?? "";
  return message === VICTORIA_LOGS_EMPTY_MESSAGE ? "" : message;
}
