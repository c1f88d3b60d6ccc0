// `ingest` of the shared corpus (28 real PyTorch runs) → the agent collector (collector/otelcol-config.yaml) →
// the logs store, read back with LogsQL: the store holds exactly the records `ingest --format jsonl` prints for
// the same files — the same count, bodies (multi-line records whole), scopes, severities, times and attributes.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliProcess } from "./support/run-cli-process.ts";
import { type Stack, startStack } from "./support/stack.ts";
import { canonicalOfJsonl, canonicalOfStored, difference, parseJsonl } from "./support/stored-records.ts";
import { awaitLogs } from "./support/victoria-logs-client.ts";

const CORPUS = new URL("../test/fixtures/corpus/", import.meta.url).pathname;
const RUNS = readdirSync(CORPUS)
  .filter((name) => name.endsWith(".stderr.log"))
  .sort();

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
    const expected = parseJsonl(printed.stdout);
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
    const want = expected.map((r) => canonicalOfJsonl(r));
    const got = stored.map((row) => canonicalOfStored(row));
    const missing = difference(want, got);
    const extra = difference(got, want);
    expect({ missing: missing.slice(0, 5), extra: extra.slice(0, 5) }).toEqual({ missing: [], extra: [] });
  });
});
