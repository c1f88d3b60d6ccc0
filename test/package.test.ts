// What a user installs: the package manifest, and the built dist/ (compiled to a temporary folder here) whose
// CLI runs without the development condition.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
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

let built: Promise<void> | undefined;
function build(): Promise<void> {
  built ??= run(
    join(root, "node_modules/.bin/tsc"),
    ["-p", join(root, "tsconfig.build.json"), "--outDir", outDir],
    { cwd: root },
  ).then(() => {});
  return built;
}

// Preloaded into the built CLI: prints the URL of every module loaded, as the process exits.
const LOADED_MARK = "loaded-module ";
const PRELOAD = `import { registerHooks } from "node:module";
import { writeSync } from "node:fs";
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
process.on("exit", () => { for (const url of loaded) writeSync(2, ${JSON.stringify(LOADED_MARK)} + url + "\\n"); });
`;

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
    await build();
    const cli = join(outDir, "cli.js");
    expect(readFileSync(cli, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const { stdout } = await run(process.execPath, [cli, "explain", "--json", "+dynamo,guards"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "" },
    });
    expect(JSON.parse(stdout)).toMatchObject({ levels: { dynamo: "DEBUG" }, artifactsEnabled: ["guards"] });
  }, 60_000);

  // Start-up: the commands that only read TORCH_LOGS load the language layer, not the SDK and its exporters.
  it.each([
    [["explain", "+dynamo"], false],
    [["help"], false],
    [["collector-filter", "+dynamo"], false],
    [["ingest", "--help"], true],
  ])(
    "%j loads OpenTelemetry packages: %s",
    async (argv, loadsOtel) => {
      await build();
      const preload = join(outDir, "list-loaded-modules.mjs");
      writeFileSync(preload, PRELOAD);
      const { stderr } = await run(process.execPath, ["--import", preload, join(outDir, "cli.js"), ...argv], {
        cwd: root,
        env: { PATH: process.env.PATH ?? "" },
      });
      const loaded = stderr
        .split("\n")
        .filter((line) => line.startsWith(LOADED_MARK))
        .map((line) => line.slice(LOADED_MARK.length));
      expect(loaded).toContain(pathToFileURL(join(outDir, "cli.js")).href);
      const otel = loaded.filter((url) => url.includes("/node_modules/@opentelemetry/"));
      if (loadsOtel) expect(otel.some((url) => url.includes("/sdk-logs/"))).toBe(true);
      else expect(otel).toEqual([]);
    },
    60_000,
  );
});
