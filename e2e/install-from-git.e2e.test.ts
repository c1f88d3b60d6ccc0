// The README's other way to install before the first release: `npm install git+<URL of this repository>`. npm clones
// the repository, installs its devDependencies and runs its `prepare` script (the build) in the clone, then installs
// the result. Here the URL is this repository's own (git+file://, at the commit under test); a network URL takes the
// same path. In the end-to-end suite: it takes about half a minute and fetches every devDependency.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const REPO = new URL("..", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
const app = mkdtempSync(join(tmpdir(), "torch-logs-otel-git-install-"));
afterAll(() => rmSync(app, { recursive: true, force: true }));

describe("npm install git+URL", () => {
  it("builds the package in the clone and installs a working CLI and library", async () => {
    expect(readFileSync(join(REPO, "README.md"), "utf8")).toContain(
      "`npm install git+<URL of this repository>`",
    );
    const { stdout: commit } = await run("git", ["rev-parse", "HEAD"], { cwd: REPO });
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "git-consumer", private: true }));
    await run(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        `git+file://${REPO}#${commit.trim()}`,
        `@opentelemetry/api@${manifest.devDependencies["@opentelemetry/api"]}`,
      ],
      { cwd: app, timeout: 170_000 },
    );
    const installed = join(app, "node_modules", manifest.name);
    expect(existsSync(join(installed, "dist/index.js"))).toBe(true);
    const bin = join(app, "node_modules/.bin/torch-logs-otel");
    const { stdout } = await run(process.execPath, [bin, "explain", "--json", "+dynamo"], { cwd: app });
    expect(JSON.parse(stdout)).toMatchObject({ levels: { dynamo: "DEBUG" } });
    const { stdout: kind } = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'import { parseTorchLogs } from "torch-logs-otel"; try { parseTorchLogs("bogus"); } catch (e) { console.log(e.kind); }',
      ],
      { cwd: app },
    );
    expect(kind).toBe("invalid-settings\n");
  }, 180_000);
});
