// Warnings reach a user who configured nothing: Node process warnings (once each, `--no-warnings` silences
// them) when no OpenTelemetry diag logger is installed, `diag.warn` when one is. Each case is a real Node
// process running the package the way an application does.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const resolveSelf = new URL("../support/resolve-self.ts", import.meta.url).pathname;

const DIAG = `import { diag } from "@opentelemetry/api";
diag.setLogger({ verbose() {}, debug() {}, info() {}, warn: (m) => console.log("diag.warn:", m), error() {} });
`;

async function node(script: string, env: Record<string, string>, flags: string[] = []) {
  const { stdout, stderr } = await run(
    process.execPath,
    [
      "--disable-warning=ExperimentalWarning",
      ...flags,
      "--import",
      resolveSelf,
      "--input-type=module",
      "-e",
      script,
    ],
    { env: { PATH: process.env.PATH ?? "", ...env }, cwd: new URL("../../", import.meta.url).pathname },
  );
  // Only the warnings themselves: Node adds a "(Use `node --trace-warnings ...`" hint after the first.
  const warnings = stderr.split("\n").filter((line) => line.includes("TorchLogsWarning"));
  return { stdout, stderr, warnings: warnings.map((line) => line.replace(/^\(node:\d+\) /, "")) };
}

const SET_LOGS = `import { TorchLogs } from "torch-logs-otel";
const torchLogs = new TorchLogs();
torchLogs.setLogs({ dynamo: 10 });
torchLogs.setLogs({ dynamo: 10 });
`;
const IGNORED =
  "TorchLogsWarning: torch-logs-otel: Using TORCH_LOGS environment variable for log settings, ignoring call to set_logs";

describe("warnings without a diag logger", () => {
  it("an ignored setLogs (TORCH_LOGS set) is a process warning, printed once", async () => {
    const { warnings } = await node(SET_LOGS, { TORCH_LOGS: "+dynamo" });
    expect(warnings).toEqual([IGNORED]);
  });

  it("--no-warnings silences it", async () => {
    const { stderr } = await node(SET_LOGS, { TORCH_LOGS: "+dynamo" }, ["--no-warnings"]);
    expect(stderr).toBe("");
  });

  it("a TORCH_LOGS item skipped by a lossy processor is one", async () => {
    const { warnings } = await node(
      `import { TorchLogsLogRecordProcessor } from "torch-logs-otel";
new TorchLogsLogRecordProcessor([], { mode: "lossy" });`,
      { TORCH_LOGS: "+dynamo,bogus" },
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^TorchLogsWarning: TorchLogsLogRecordProcessor: TORCH_LOGS: unknown name "bogus"/,
    );
  });

  it("a getLogger() before any pipeline, with a bad TORCH_LOGS, says what it skipped", async () => {
    const { warnings } = await node(
      `import { getLogger } from "torch-logs-otel";
getLogger("torch._dynamo").debug("x");`,
      { TORCH_LOGS: "+dynamo,bogus" },
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^TorchLogsWarning: torch-logs-otel: TORCH_LOGS: unknown name "bogus"/);
  });

  it("a global LoggerProvider already taken is one", async () => {
    const { warnings } = await node(
      `import { startTorchLogs } from "torch-logs-otel";
const first = startTorchLogs({ exporter: "console", flushOnExit: false });
const second = startTorchLogs({ exporter: "console", flushOnExit: false });
await second.shutdown(); await first.shutdown();`,
      {},
    );
    expect(warnings).toHaveLength(1);
    // register-logger-provider.ts words it "another LoggerProvider already holds the global of …".
    expect(warnings[0]).toMatch(
      /another LoggerProvider (is already the global one|already holds the global of)/,
    );
  });
});

describe("warnings with a diag logger installed", () => {
  it("go to diag.warn, every time, and not to the process warnings", async () => {
    const { stdout, warnings } = await node(`${DIAG}${SET_LOGS}`, { TORCH_LOGS: "+dynamo" });
    expect(warnings).toEqual([]);
    const line =
      "diag.warn: torch-logs-otel: Using TORCH_LOGS environment variable for log settings, ignoring call to set_logs";
    expect(stdout).toBe(`${line}\n${line}\n`);
  });
});
