// What a user installs: the package manifest, and the built dist/ (compiled to a temporary folder here) whose
// CLI runs without the development condition.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("../", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
// Inside the project, so the built files resolve their dependencies from its node_modules.
const cache = join(root, "node_modules/.cache");
mkdirSync(cache, { recursive: true });
const outDir = mkdtempSync(join(cache, "dist-test-"));

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("package", () => {
  it("is an ESM package with typed exports, a bin, and Node >= 22.15", () => {
    expect(manifest.name).toBe("torch-logs-otel");
    expect(manifest.type).toBe("module");
    expect(manifest.engines.node).toBe(">=22.15");
    expect(manifest.exports["."]).toMatchObject({ types: "./dist/index.d.ts", default: "./dist/index.js" });
    expect(manifest.bin["torch-logs-otel"]).toBe("dist/cli.js");
    // Runtime dependencies are OpenTelemetry packages only.
    for (const name of Object.keys(manifest.dependencies)) expect(name).toMatch(/^@opentelemetry\//);
  });

  it("builds, and the built CLI runs", async () => {
    await run(
      join(root, "node_modules/.bin/tsc"),
      ["-p", join(root, "tsconfig.build.json"), "--outDir", outDir],
      {
        cwd: root,
      },
    );
    const cli = join(outDir, "cli.js");
    expect(readFileSync(cli, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const { stdout } = await run(process.execPath, [cli, "explain", "--json", "+dynamo,guards"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "" },
    });
    expect(JSON.parse(stdout)).toMatchObject({ levels: { dynamo: "DEBUG" }, artifactsEnabled: ["guards"] });
  }, 60_000);
});
