// `npm run stack`, the README's way to run the whole stack without Docker, as a user runs it (on free ports, and
// stopping once it has shown the result): it starts, sends the demo and a TORCH_TRACE file, finds them in each
// backend and prints the queries; it leaves no process behind.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const REPO = new URL("..", import.meta.url).pathname;

describe("npm run stack", () => {
  it("starts every backend with the shipped configs, sends the demo and a trace, and shows them", async () => {
    const { stdout } = await run("npm", ["run", "-s", "stack", "--", "--free-ports", "--exit"], {
      cwd: REPO,
      timeout: 240_000,
      env: Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith("OTEL_") && !k.startsWith("TORCH_")),
      ),
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
});
