// Every TypeScript block in README.md and the docs/ pages it hands its reference to (support/user-pages.ts) is an
// example file under examples/ (type-checked by `npm run typecheck`), and every example runs here: against a real OTLP receiver, with no endpoint set (it prints to the console) and
// against an endpoint where nothing listens (it says the records could not go). The README's install lines name
// the versions this package depends on; readme-commands.test.ts runs (or finds the test of) every shell command.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { RESULTS_END, RESULTS_START } from "./bench/support/results-section.ts";
import { makeFakeTorch } from "./support/fake-torch.ts";
import { type OtlpReceiver, startOtlpReceiver, unusedEndpoint } from "./support/otlp-receiver.ts";
import { runCliCaptured } from "./support/run-cli.ts";
import { readUserPages } from "./support/user-pages.ts";

const run = promisify(execFile);
const root = new URL("../", import.meta.url);
const readme = readFileSync(new URL("README.md", root), "utf8");
const pages = readUserPages(root.pathname);
const blocks = pages.flatMap(({ text }) =>
  [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? ""),
);

// examples/your-own-torch.ts asks python3 for its torch: a fake one here (support/fake-torch.ts says why).
const fakeTorch = makeFakeTorch();
afterAll(() => fakeTorch.remove());

/**
 * What each example must do, given its environment and where OTLP goes: `receiver` (default: the test's OTLP
 * receiver, which must get `bodies`), `none` (no endpoint set: the records go to stderr in PyTorch's console
 * format, `stderr`), `down` (an endpoint where nothing listens: the example says so on stderr, quickly).
 */
interface ExampleRun {
  readonly env: Record<string, string>;
  readonly endpoint?: "receiver" | "none" | "down";
  readonly bodies?: string[];
  readonly stdout?: string;
  readonly stderr?: RegExp[];
}

/** A line of PyTorch's console format (glog letter, time, pid, scope:0]) ending in `message`. */
const consoleLine = (letter: string, scope: string, message: string) =>
  new RegExp(`^${letter}\\d{4} [\\d:.]+ \\d+ ${scope.replaceAll(".", "\\.")}:0\\] ${message}$`, "m");

/** A down collector fails fast: 1 s of retries instead of the default 10 s. */
const DOWN = { OTEL_EXPORTER_OTLP_TIMEOUT: "1000" };

const RUNS: Record<string, ExampleRun[]> = {
  "examples/quick-start.ts": [
    {
      env: { TORCH_LOGS: "+dynamo,graph_breaks" },
      bodies: ["needs +dynamo", "shown by default", "Graph break: print()", "not governed by TORCH_LOGS"],
    },
    { env: {}, bodies: ["shown by default", "not governed by TORCH_LOGS"] },
    {
      env: {},
      endpoint: "none",
      stderr: [
        consoleLine("W", "torch._inductor", "shown by default"),
        consoleLine("I", "my-service", "not governed by TORCH_LOGS"),
      ],
    },
    { env: DOWN, endpoint: "down", stderr: [/ECONNREFUSED/] },
  ],
  "examples/start-torch-logs.ts": [
    { env: {}, bodies: ["recompiling: cache limit hit"] },
    {
      env: { TORCH_LOGS: "+dynamo,graph_breaks", OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "http/protobuf" },
      bodies: ["compiling forward", "recompiling: cache limit hit", "Graph break: print()"],
    },
    {
      env: {},
      endpoint: "none",
      stderr: [consoleLine("W", "torch._dynamo.convert_frame", "recompiling: cache limit hit")],
    },
    {
      env: DOWN,
      endpoint: "down",
      stderr: [/TorchLogsWarning: startTorchLogs: 1 log record failed to export: connect ECONNREFUSED/],
    },
  ],
  "examples/set-logs.ts": [
    { env: {}, bodies: ["shown after setLogs"] },
    { env: { TORCH_LOGS: "" }, bodies: [] },
    {
      env: {},
      endpoint: "none",
      stderr: [consoleLine("I", "torch._inductor.scheduler", "shown after setLogs")],
    },
  ],
  "examples/node-sdk.ts": [
    { env: {}, bodies: ["shown by default", "from winston"] },
    {
      env: { TORCH_LOGS: "dynamo" },
      bodies: ["needs dynamo (INFO) or +dynamo", "shown by default", "from winston"],
    },
    {
      env: {},
      endpoint: "none",
      stderr: [
        consoleLine("E", "torch._dynamo", "shown by default"),
        consoleLine("W", "@opentelemetry/winston-transport", "from winston"),
      ],
    },
    { env: DOWN, endpoint: "down", stderr: [/ECONNREFUSED/] },
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

describe("README install lines", () => {
  const manifest = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
  const installs = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => (m[1] ?? "").split("\n"))
    .filter((line) => line.startsWith("npm install "));
  /** package → version of each `name@version` word of an install line. */
  const versions = (line: string) =>
    Object.fromEntries(
      line
        .split(" ")
        .slice(2)
        .filter((spec) => spec.lastIndexOf("@") > 0)
        .map((spec) => [spec.slice(0, spec.lastIndexOf("@")), spec.slice(spec.lastIndexOf("@") + 1)]),
    );

  it("install the package today from its tarball, and later from the registry, with the versions it depends on", () => {
    const tarball = installs.find((line) => line.includes(`/${manifest.name}-${manifest.version}.tgz `));
    const registry = installs.find((line) => line.startsWith(`npm install ${manifest.name} `));
    const expected = {
      "@opentelemetry/api": manifest.devDependencies["@opentelemetry/api"],
      "@opentelemetry/sdk-logs": manifest.dependencies["@opentelemetry/sdk-logs"],
    };
    expect(versions(tarball ?? "")).toEqual(expected);
    expect(versions(registry ?? "")).toEqual(expected);
    expect(manifest.peerDependencies["@opentelemetry/api"]).toBe(">=1.10.0 <1.11.0");
  });

  it("add the stock OTLP exporter the processor example imports, at the version this repository tests", () => {
    const exporter = installs.find((line) => line.includes("@opentelemetry/exporter-logs-otlp-http@"));
    expect(versions(exporter ?? "")).toEqual({
      "@opentelemetry/exporter-logs-otlp-http":
        manifest.devDependencies["@opentelemetry/exporter-logs-otlp-http"],
    });
    expect(manifest.dependencies["@opentelemetry/exporter-logs-otlp-http"]).toBeUndefined();
  });
});

describe("ingest options in docs/ingest.md", () => {
  const ingestPage = readFileSync(new URL("docs/ingest.md", root), "utf8");

  it("are the options of `torch-logs-otel ingest --help`, word for word", async () => {
    const { stdout } = await runCliCaptured(["ingest", "--help"]);
    const options = stdout.slice(
      stdout.indexOf("Options:\n") + "Options:\n".length,
      stdout.indexOf("\n\n", stdout.indexOf("Options:\n")),
    );
    const at = ingestPage.indexOf("## Options\n\n```text\n--format");
    expect(at).toBeGreaterThan(0);
    const section = ingestPage.slice(at);
    const block = section.slice(section.indexOf("\n--format") + 1, section.indexOf("```\n", 20));
    expect(block).toBe(
      `${options
        .split("\n")
        .map((line) => line.slice(2))
        .join("\n")}\n`,
    );
  });
});

describe.each(Object.entries(RUNS))("%s runs", (file, runs) => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(() => receiver.close());

  it.each(runs)("with %j", async ({ env, endpoint = "receiver", bodies = [], stdout, stderr = [] }) => {
    const logsEndpoint =
      endpoint === "receiver"
        ? receiver.url
        : endpoint === "down"
          ? `${await unusedEndpoint()}/v1/logs`
          : undefined;
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
          ...(logsEndpoint !== undefined && { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: logsEndpoint }),
          OTEL_TRACES_EXPORTER: "none",
          OTEL_METRICS_EXPORTER: "none",
          ...env,
        },
        timeout: 15_000,
      },
    );
    if (stdout !== undefined) expect(result.stdout).toBe(stdout);
    for (const pattern of stderr) expect(result.stderr).toMatch(pattern);
    if (bodies.length > 0) await receiver.waitForRecords(bodies.length);
    expect(receiver.records.map((r) => r.body)).toEqual(bodies);
  });
});

describe("figures in the user's pages and docs/benchmarks.md", () => {
  // A measured throughput typed into prose goes stale at the next run: figures live in the generated sections.
  const THROUGHPUT = /\d[\d,.]*\s?[kM]?\s?(lines\/s|MB\/s|MiB\/s|rec\/s|records\/s)/;
  /** Lines quoting a throughput that is not a target (≥, ≤). */
  const quoted = (text: string) =>
    text.split("\n").filter((line) => THROUGHPUT.test(line) && !/[≥≤]/.test(line));
  const benchmarks = readFileSync(new URL("docs/benchmarks.md", root), "utf8");

  it.each(pages)("$page quotes none, only targets", ({ text }) => {
    expect(quoted(text)).toEqual([]);
  });

  it("docs/benchmarks.md quotes them only in its generated section and its list of hand-recorded ones", () => {
    const start = benchmarks.indexOf(RESULTS_START);
    const end = benchmarks.indexOf(RESULTS_END);
    expect([start, end].every((at) => at > 0) && start < end).toBe(true);
    const recorded = benchmarks.indexOf("\n## Recorded by hand\n");
    const nextSection = benchmarks.indexOf("\n## ", recorded + 1);
    const prose =
      benchmarks.slice(0, start) +
      benchmarks.slice(end, recorded) +
      (nextSection > 0 ? benchmarks.slice(nextSection) : "");
    expect(recorded).toBeGreaterThan(end);
    expect(quoted(prose)).toEqual([]);
  });
});
