// tools/check-node.mjs, which the npm scripts run first: an old Node gets a sentence saying what to do, and exit 1;
// a new enough one, nothing. The decision as a function over version strings, then the script itself under a faked
// old version (a preload that redefines process.version) and under the machine's own system Node when it is old.
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { checkNodeVersion, MINIMUM_NODE } from "../../tools/check-node.mjs";

const run = promisify(execFile);
const script = new URL("../../tools/check-node.mjs", import.meta.url).pathname;

describe("checkNodeVersion", () => {
  it.each([
    ["v20.20.2", false],
    ["v22.12.0", false],
    ["v22.14.9", false],
    ["v21.99.0", false],
    ["not a version", false],
    ["v22.15.0", true],
    ["v22.23.3", true],
    ["v23.0.0", true],
    ["v24.1.0", true],
    ["v26.0.0", true],
  ])("%s is enough: %s", (version, enough) => {
    const message = checkNodeVersion(version, { execPath: "/usr/bin/node", localNode: false });
    expect(message === undefined).toBe(enough);
  });

  it("says what to do when node_modules/.bin/node is missing (npm ci --ignore-scripts)", () => {
    const message = checkNodeVersion("v20.20.2", { execPath: "/usr/bin/node", localNode: false });
    expect(message).toContain(`needs Node >= ${MINIMUM_NODE}; this is Node v20.20.2 (/usr/bin/node)`);
    expect(message).toContain("run `npm rebuild node`");
  });

  it("says to go through npm when node_modules/.bin/node is there but another Node runs", () => {
    const message = checkNodeVersion("v20.20.2", { execPath: "/usr/bin/node", localNode: true });
    expect(message).toContain("run the command through npm");
    expect(message).not.toContain("npm rebuild node");
  });
});

describe("tools/check-node.mjs", () => {
  it("is silent and exits 0 on this Node", async () => {
    const { stdout, stderr } = await run(process.execPath, [script]);
    expect([stdout, stderr]).toEqual(["", ""]);
  });

  it("prints the message and exits 1 on an old Node (faked)", async () => {
    const fake = `data:text/javascript,Object.defineProperty(process, "version", { value: "v20.20.2" });`;
    const result = await run(process.execPath, ["--import", fake, script]).catch((error) => error);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      new RegExp(`^torch-logs-otel: this needs Node >= ${MINIMUM_NODE}; this is Node v20\\.20\\.2 `),
    );
  });

  // The real thing where the machine has it: the system Node of a Linux distribution is often older (Node 20 here).
  const systemNode = ["/usr/bin/node", "/usr/local/bin/node"].find((path) => existsSync(path));
  const systemVersion =
    systemNode === undefined
      ? undefined
      : execFileSync(systemNode, ["--version"], { encoding: "utf8" }).trim();
  const oldSystemNode =
    systemVersion !== undefined &&
    checkNodeVersion(systemVersion, { execPath: "", localNode: false }) !== undefined;
  if (!oldSystemNode) {
    console.warn(
      `check-node.test.ts: no system Node older than ${MINIMUM_NODE} here (${systemNode ?? "none"} ${systemVersion ?? ""}): ` +
        "the run under a real old Node is skipped; the faked one above still runs",
    );
  }
  it.runIf(oldSystemNode)(
    `prints the message and exits 1 under the system Node (${systemVersion})`,
    async () => {
      const result = await run(systemNode ?? "", [script], { env: { PATH: "/usr/bin:/bin" } }).catch(
        (error) => error,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`this is Node ${systemVersion} (${systemNode})`);
    },
  );
});
