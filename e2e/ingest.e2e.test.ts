// `ingest` of the shared corpus (28 real PyTorch runs) → the agent collector (collector/otelcol-config.yaml) →
// the logs store, read back with LogsQL: the store holds exactly the records `ingest --format jsonl` prints for
// the same files — the same count, bodies (multi-line records whole), scopes, severities, times and attributes.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliProcess } from "./support/run-cli-process.ts";
import { type Stack, startStack } from "./support/stack.ts";
import { awaitLogs, bodyOf, type StoredLog } from "./support/victoria-logs-client.ts";

const CORPUS = new URL("../test/fixtures/corpus/", import.meta.url).pathname;
const RUNS = readdirSync(CORPUS)
  .filter((name) => name.endsWith(".stderr.log"))
  .sort();

interface JsonlRecord {
  readonly timeUnixNano: string;
  readonly severityNumber: number;
  readonly scope: string;
  readonly body: string;
  readonly attributes: Record<string, unknown>;
}

const OTHER_SCOPE = "torch_logs_otel.ingest.other";

/** A record as both sides state it. Lines that are not PyTorch records carry no time of their own: each run
 * stamps them when it reads them, so their time is not compared. */
function canonical(record: {
  body: string;
  scope: string;
  severity: number;
  time: string | undefined;
  attributes: Record<string, string>;
}): string {
  const attributes = Object.entries(record.attributes).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([record.scope, record.severity, record.time ?? "", record.body, attributes]);
}

/** What `a` holds that `b` does not, counting repeats. */
function difference(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const item of b) counts.set(item, (counts.get(item) ?? 0) + 1);
  return a.filter((item) => {
    const n = counts.get(item) ?? 0;
    if (n === 0) return true;
    counts.set(item, n - 1);
    return false;
  });
}

/** VictoriaLogs keeps nanoseconds in `_time` (RFC 3339); back to Unix nanoseconds as a decimal string. */
function unixNanos(rfc3339: string): string {
  const match = /^(.*?)(?:\.(\d+))?Z$/.exec(rfc3339);
  const seconds = BigInt(Date.parse(`${match?.[1]}Z`)) / 1000n;
  const fraction = (match?.[2] ?? "").padEnd(9, "0");
  return (seconds * 1_000_000_000n + BigInt(fraction)).toString();
}

function stringified(attributes: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, String(v)]));
}

describe("ingest → collector → logs store", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack("ingest", { jaeger: false, prometheus: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("stores every record of the 28 corpus runs as ingest --format jsonl prints it", {
    timeout: 600_000,
  }, async () => {
    const service = "e2e-ingest";
    const files = RUNS.map((name) => join(CORPUS, name));
    const printed = await runCliProcess(["ingest", "--format", "jsonl", ...files]);
    expect(printed.code, printed.stderr).toBe(0);
    const expected = printed.stdout
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as JsonlRecord);
    const sent = await runCliProcess(["ingest", ...files, "--service-name", service], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: stack.agent.otlpHttpUrl },
    });
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stderr).toMatch(new RegExp(`, 0 filtered, ${expected.length} exported, 0 dropped`));

    const stored = await awaitLogs(stack.logs.url, `service.name:=${service}`, expected.length, {
      timeoutMs: 120_000,
    });
    expect(stored).toHaveLength(expected.length);

    // The same text on both sides, as a multiset: nothing missing, nothing extra, nothing changed.
    const timed = (r: JsonlRecord) => r.severityNumber > 0 || r.scope !== OTHER_SCOPE;
    const want = expected.map((r) =>
      canonical({
        body: r.body,
        scope: r.scope,
        severity: r.severityNumber,
        time: timed(r) ? r.timeUnixNano : undefined,
        attributes: stringified(r.attributes),
      }),
    );
    const got = stored.map((row) => {
      const scope = row["scope.name"] ?? "";
      const severity = Number(row.severity_number);
      return canonical({
        body: bodyOf(row),
        scope,
        severity,
        time: scope === OTHER_SCOPE && severity === 0 ? undefined : unixNanos(row._time ?? ""),
        attributes: attributesOf(row),
      });
    });
    const missing = difference(want, got);
    const extra = difference(got, want);
    expect({ missing: missing.slice(0, 5), extra: extra.slice(0, 5) }).toEqual({ missing: [], extra: [] });
  });
});

/** The record's own attributes: what VictoriaLogs stores besides its own fields, the resource and the scope. */
function attributesOf(row: StoredLog): Record<string, string> {
  const own = new Set([
    "_msg",
    "_time",
    "_stream",
    "_stream_id",
    "severity_number",
    "severity_text",
    "scope.name",
    "scope.version",
    "service.name",
    "telemetry.sdk.language",
    "telemetry.sdk.name",
    "telemetry.sdk.version",
  ]);
  return Object.fromEntries(Object.entries(row).filter(([k]) => !own.has(k)));
}
