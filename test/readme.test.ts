// Every TypeScript block in README.md is an example file under examples/ (type-checked by `npm run typecheck`),
// and every example runs here against a real OTLP receiver.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeFakeTorch } from "./support/fake-torch.ts";
import { type OtlpReceiver, startOtlpReceiver } from "./support/otlp-receiver.ts";
import { runCliCaptured } from "./support/run-cli.ts";

const run = promisify(execFile);
const root = new URL("../", import.meta.url);
const readme = readFileSync(new URL("README.md", root), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");

// examples/your-own-torch.ts asks python3 for its torch: a fake one here (support/fake-torch.ts says why).
const fakeTorch = makeFakeTorch();
afterAll(() => fakeTorch.remove());

/** What each example must deliver, given its environment. */
const RUNS: Record<string, { env: Record<string, string>; bodies: string[]; stdout?: string }[]> = {
  "examples/quick-start.ts": [
    {
      env: { TORCH_LOGS: "+dynamo,graph_breaks" },
      bodies: ["needs +dynamo", "shown by default", "Graph break: print()", "not governed by TORCH_LOGS"],
    },
    { env: {}, bodies: ["shown by default", "not governed by TORCH_LOGS"] },
  ],
  "examples/start-torch-logs.ts": [
    { env: {}, bodies: ["recompiling: cache limit hit"] },
    {
      env: { TORCH_LOGS: "+dynamo,graph_breaks", OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "http/protobuf" },
      bodies: ["compiling forward", "recompiling: cache limit hit", "Graph break: print()"],
    },
  ],
  "examples/set-logs.ts": [
    { env: {}, bodies: ["shown after setLogs"] },
    { env: { TORCH_LOGS: "" }, bodies: [] },
  ],
  "examples/node-sdk.ts": [
    { env: {}, bodies: ["shown by default", "from winston"] },
    {
      env: { TORCH_LOGS: "dynamo" },
      bodies: ["needs dynamo (INFO) or +dynamo", "shown by default", "from winston"],
    },
  ],
  "examples/custom-registry.ts": [{ env: {}, bodies: [], stdout: "[ 'api debug', 'SELECT 1' ]\n" }],
  "examples/your-own-torch.ts": [
    {
      env: { PYTHONPATH: fakeTorch.dir, TORCH_LOGS: "+dynamo" },
      bodies: ["needs +dynamo"],
      stdout: "TORCH_LOGS as torch 9.9.0a0+fake parses it\n",
    },
    {
      env: { PYTHONPATH: fakeTorch.dir },
      bodies: [],
      stdout: "TORCH_LOGS as torch 9.9.0a0+fake parses it\n",
    },
  ],
};

describe("README", () => {
  it("gives the set-up and test commands, the ones CI runs", () => {
    expect(readme).toContain(
      "```sh\nnpm ci\nnpm test\nnpm run test:tlparse\nnpm run backends && npm run test:e2e\n```",
    );
    const ci = readFileSync(new URL(".ci/run", root), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("npm "));
    expect(ci).toEqual([
      "npm ci",
      "npm test",
      "npm run test:tlparse",
      "npm run backends",
      "npm run test:e2e",
    ]);
  });

  it("has only TypeScript blocks that are example files, and every example is run", () => {
    const files = blocks.map((block) => block.split("\n")[0]?.replace(/^\/\/ /, "") ?? "");
    expect([...files].sort()).toEqual(Object.keys(RUNS).sort());
    for (const [i, block] of blocks.entries()) {
      expect(readFileSync(new URL(files[i] ?? "", root), "utf8")).toBe(block);
    }
  });
});

/** Shell words of a README command line, quotes removed, up to a comment or a pipe. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|'([^']*)'|(#.*$|\|.*$)|(\S+)/g)) {
    if (match[3] !== undefined) break;
    words.push(match[1] ?? match[2] ?? match[4] ?? "");
  }
  return words;
}

const CLI_LINES = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => (m[1] ?? "").split("\n"))
  .filter((line) => /^torch-logs-otel (explain|collector-filter|help|\+help)\b/.test(line));

describe("README install and clone commands", () => {
  const manifest = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));

  it("installs the OpenTelemetry versions this package depends on", () => {
    const line = readme.split("\n").find((l) => l.startsWith("npm install torch-logs-otel "));
    const versions = Object.fromEntries(
      (line ?? "")
        .split(" ")
        .slice(3)
        .map((spec) => [spec.slice(0, spec.lastIndexOf("@")), spec.slice(spec.lastIndexOf("@") + 1)]),
    );
    expect(versions).toEqual({
      "@opentelemetry/api": manifest.devDependencies["@opentelemetry/api"],
      "@opentelemetry/sdk-logs": manifest.dependencies["@opentelemetry/sdk-logs"],
      "@opentelemetry/exporter-logs-otlp-http":
        manifest.dependencies["@opentelemetry/exporter-logs-otlp-http"],
    });
    expect(manifest.peerDependencies["@opentelemetry/api"]).toBe(">=1.10.0 <1.11.0");
  });

  it("runs the CLI from a clone: npm run cli -- --version / explain", async () => {
    expect(readme).toContain("npm run cli -- explain +dynamo");
    const version = await run("npm", ["run", "-s", "cli", "--", "--version"], { cwd: root.pathname });
    expect(version.stdout).toBe(`${manifest.version}\n`);
    const explain = await run("npm", ["run", "-s", "cli", "--", "explain", "--json", "+dynamo"], {
      cwd: root.pathname,
    });
    expect(JSON.parse(explain.stdout)).toMatchObject({ levels: { dynamo: "DEBUG" } });
  });
});

describe("README ingest options", () => {
  it("are the options of `torch-logs-otel ingest --help`, word for word", async () => {
    const { stdout } = await runCliCaptured(["ingest", "--help"]);
    const options = stdout.slice(
      stdout.indexOf("Options:\n") + "Options:\n".length,
      stdout.indexOf("\n\n", stdout.indexOf("Options:\n")),
    );
    const section = readme.slice(readme.indexOf("### Options\n\n```text\n--format"));
    const block = section.slice(section.indexOf("\n--format") + 1, section.indexOf("```\n", 20));
    expect(block).toBe(
      `${options
        .split("\n")
        .map((line) => line.slice(2))
        .join("\n")}\n`,
    );
  });
});

describe("README command lines", () => {
  it("has some", () => {
    expect(CLI_LINES.length).toBeGreaterThan(0);
  });

  it.each(CLI_LINES)("%s runs", async (line) => {
    const { code, stderr } = await runCliCaptured(shellWords(line).slice(1));
    expect([code, stderr]).toEqual([0, ""]);
  });
});

describe.each(Object.entries(RUNS))("%s runs", (file, runs) => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(() => receiver.close());

  it.each(runs)("with %j", async ({ env, bodies, stdout }) => {
    const result = await run(
      process.execPath,
      [
        "--disable-warning=ExperimentalWarning",
        "--import",
        new URL("test/support/resolve-self.ts", root).pathname,
        new URL(file, root).pathname,
      ],
      {
        env: {
          PATH: process.env.PATH ?? "",
          OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
          OTEL_TRACES_EXPORTER: "none",
          OTEL_METRICS_EXPORTER: "none",
          ...env,
        },
        timeout: 15_000,
      },
    );
    if (stdout !== undefined) expect(result.stdout).toBe(stdout);
    if (bodies.length > 0) await receiver.waitForRecords(bodies.length);
    expect(receiver.records.map((r) => r.body)).toEqual(bodies);
  });
});
