// The two guards every test file runs under (vitest.config.ts setupFiles), run on files made to trip them: a
// TorchLogsWarning no test took fails its test, a taken one and other warnings do not; a child process a file leaves
// running fails the file and is killed.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveChildren } from "./processes.ts";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "torch-logs-otel-guards-"));
const pidFile = join(dir, "child.pid");
const report = join(dir, "report.json");
let output = "";
let results: {
  name: string;
  assertionResults: { title: string; status: string; failureMessages: string[] }[];
}[];

beforeAll(async () => {
  const result = await run(
    process.execPath,
    [
      join(root, "node_modules/vitest/vitest.mjs"),
      "run",
      "--config",
      join(root, "test/fixtures/guards/vitest.config.ts"),
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${report}`,
    ],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", GUARD_PID_FILE: pidFile, NO_COLOR: "1" },
      timeout: 60_000,
    },
  ).catch((error) => error);
  expect(result.code).toBe(1);
  output = `${result.stdout}${result.stderr}`;
  results = JSON.parse(readFileSync(report, "utf8")).testResults;
}, 70_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function test(title: string) {
  const found = results.flatMap((file) => file.assertionResults).find((t) => t.title === title);
  if (found === undefined) throw new Error(`no test "${title}" in the report:\n${output}`);
  return found;
}

describe("TorchLogsWarnings", () => {
  it("a taken one passes, and is not printed", () => {
    expect(test("takes the warning it raises").status).toBe("passed");
    expect(output).not.toContain("TorchLogsWarning: taken");
  });

  it("an untaken one fails the test that raised it, naming it", () => {
    const left = test("leaves the warning it raises");
    expect(left.status).toBe("failed");
    expect(left.failureMessages.join("\n")).toContain(
      "1 TorchLogsWarning(s) raised during this test that no test took",
    );
    expect(left.failureMessages.join("\n")).toContain("left behind");
  });

  it("other warnings pass and Node still prints them", () => {
    expect(test("raises another kind of warning, which Node prints").status).toBe("passed");
    expect(output).toContain("OtherWarning: not ours");
  });
});

describe("child processes", () => {
  it("a child left running fails its file, and is killed", () => {
    const file = results.find((f) => f.name.endsWith("child.check.ts"));
    expect(JSON.stringify(file)).toContain("this test file left 1 child process(es) running (now killed)");
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(liveChildren(process.pid)).toEqual([]);
  });
});
