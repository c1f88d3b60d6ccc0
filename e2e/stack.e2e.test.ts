// `npm run stack`, the README's way to run the whole stack without Docker, as a user runs it (on free ports): it
// starts, sends the demo and a TORCH_TRACE file, finds them in each backend and prints the queries; it leaves no
// process behind. And the second half of the README's quick start against it: the quick-start example sent to the
// stack's OTLP endpoint, and the README's own `curl` finding its record in VictoriaLogs.
import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { killProcessGroup } from "../test/support/processes.ts";
import { waitFor } from "./support/wait-for.ts";

const run = promisify(execFile);
const REPO = new URL("..", import.meta.url).pathname;
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith("OTEL_") && !k.startsWith("TORCH_")),
);

/** The README's query of the quick start's records, as written (localhost:9428: VictoriaLogs on its usual port). */
const README_CURL =
  readFileSync(new URL("../README.md", import.meta.url), "utf8")
    .split("\n")
    .find((line) => line.startsWith("curl -s http://localhost:9428/select/logsql/query ")) ?? "";

describe("npm run stack", () => {
  it("starts every backend with the shipped configs, sends the demo and a trace, and shows them", async () => {
    const { stdout } = await run("npm", ["run", "-s", "stack", "--", "--free-ports", "--exit"], {
      cwd: REPO,
      timeout: 240_000,
      env,
    });
    expect(stdout).toContain("sent the demo (npm start): exit 0");
    expect(stdout).toContain("sent trace test/fixtures/torch-trace/simple.log: exit 0");
    const found =
      /found (\d+) demo log records, (\d+) spans of the TORCH_TRACE file, (\d+) compile-time series/.exec(
        stdout,
      );
    expect(found, stdout).not.toBeNull();
    expect(Number(found?.[1])).toBeGreaterThan(0);
    expect(Number(found?.[2])).toBe(24);
    expect(Number(found?.[3])).toBeGreaterThan(0);
    expect(stdout).toMatch(/curl -s http:\/\/127\.0\.0\.1:\d+\/select\/logsql\/query/);
  });

  it("takes the README quick start's records, and the README's curl finds them", async () => {
    expect(README_CURL).not.toBe("");
    // In its own process group, stopped with Ctrl-C's signal as a user stops it.
    const stack = spawn("npm", ["run", "-s", "stack", "--", "--free-ports"], {
      cwd: REPO,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    stack.stdout.setEncoding("utf8").on("data", (text: string) => {
      output += text;
    });
    try {
      await waitFor(async () => (output.includes("Send your own:") ? true : undefined), {
        what: "npm run stack to be up",
        timeoutMs: 240_000,
        intervalMs: 500,
      });
      const otlp = /OTLP in: +(http:\/\/\S+) \(HTTP\)/.exec(output)?.[1] ?? "";
      const victoriaLogs = /VictoriaLogs: +(http:\/\/\S+)/.exec(output)?.[1] ?? "";
      expect([otlp, victoriaLogs]).not.toContain("");
      const example = await run("npm", ["run", "-s", "example", "--", "examples/start-torch-logs.ts"], {
        cwd: REPO,
        env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: otlp },
        timeout: 30_000,
      });
      expect(example.stderr).toBe("");
      const curl = README_CURL.replace("http://localhost:9428", victoriaLogs);
      const found = await waitFor(
        async () => {
          const { stdout } = await run("bash", ["-c", curl], { timeout: 10_000 });
          return stdout.includes("recompiling: cache limit hit") ? stdout : undefined;
        },
        { what: "the quick start's record in VictoriaLogs, by the README's curl" },
      );
      expect(JSON.parse(found.trim().split("\n")[0] ?? "")).toMatchObject({
        _msg: "recompiling: cache limit hit",
        "service.name": "trainer",
      });
    } finally {
      if (stack.exitCode === null) {
        process.kill(-(stack.pid ?? 0), "SIGINT");
        await waitFor(async () => (stack.exitCode !== null ? true : undefined), {
          what: "npm run stack to stop on SIGINT",
          timeoutMs: 30_000,
        }).catch(() => undefined);
      }
      await killProcessGroup(stack.pid ?? 0);
    }
  });
});
