// The LogsQL examples of collector/README.md ("VictoriaLogs instead of Loki"), each run against a real
// VictoriaLogs that holds what users send: the published PyTorch log samples through `ingest` and the demo, both
// as service `trainer`, through the agent collector. Every query is valid LogsQL and finds records (but the
// one that names a trace id made up for the example).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliProcess } from "./support/run-cli-process.ts";
import { type Stack, startStack } from "./support/stack.ts";
import { countLogs, queryLogs } from "./support/victoria-logs-client.ts";
import { waitFor } from "./support/wait-for.ts";

const README = new URL("../collector/README.md", import.meta.url).pathname;
const SAMPLES = new URL("../test/fixtures/pytorch-logs/", import.meta.url).pathname;

function logsqlExamples(): string[] {
  const text = readFileSync(README, "utf8");
  return [...text.matchAll(/^```logsql\n([\s\S]*?)^```$/gm)].flatMap((block) =>
    (block[1] ?? "").split("\n").filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#")),
  );
}

describe("the README's LogsQL examples on a real VictoriaLogs", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack("logsql", { jaeger: false, prometheus: false });
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: stack.agent.otlpHttpUrl, OTEL_SERVICE_NAME: "trainer" };
    const samples = readdirSync(SAMPLES)
      .filter((name) => name.endsWith(".log"))
      .map((name) => join(SAMPLES, name));
    expect((await runCliProcess(["ingest", ...samples], { env })).code).toBe(0);
    expect(
      (await runCliProcess(["demo"], { env: { ...env, TORCH_LOGS: "+all,output_code,recompiles" } })).code,
    ).toBe(0);
    await waitFor(
      async () => ((await countLogs(stack.logs.url, "service.name:=trainer")) > 100 ? true : undefined),
      {
        what: "the samples in VictoriaLogs",
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const examples = logsqlExamples();

  it("finds the examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  it.each(examples)("%s", async (query) => {
    const rows = await queryLogs(stack.logs.url, query, 100);
    if (!query.includes("trace_id:=")) expect(rows.length, query).toBeGreaterThan(0);
  });
});
