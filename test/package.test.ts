// What a user installs: `npm pack` of this repository, installed into a fresh project outside it — one made by
// `npm init -y`, with the README's own install lines (the tarball in place of the registry name) — then used the
// ways consumers use it: ESM, CommonJS through require(esm), the bin, TypeScript without Node's types, with and
// without the `development` condition that tsx/vite setups turn on, and the README's examples in a `tsc --init`
// project as the README says to save them.
import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("../", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const readme = readFileSync(join(root, "README.md"), "utf8");
const tsc = join(root, "node_modules/.bin/tsc");
// Outside the repository, so nothing resolves through its node_modules (or its @types/node).
const work = mkdtempSync(join(tmpdir(), "torch-logs-otel-package-"));
const app = join(work, "app");
const tarballName = `${manifest.name}-${manifest.version}.tgz`;
let packed: { files: { path: string; size: number }[]; size: number; unpackedSize: number };

/** The `npm install …` lines of the README's sh blocks. */
const README_INSTALLS = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => (m[1] ?? "").split("\n"))
  .filter((line) => line.startsWith("npm install "));

/** A README install line as npm arguments, this build's tarball in place of the package (by name or by file). */
function withTarball(line: string): string[] {
  return line
    .split(" ")
    .slice(1)
    .map((word) =>
      word === manifest.name || word.endsWith(`/${tarballName}`) ? join(work, tarballName) : word,
    );
}

/** Every target string of an `exports` value, with the conditions that lead to it. */
function exportTargets(
  value: unknown,
  conditions: string[] = [],
): { conditions: string[]; target: string }[] {
  if (typeof value === "string") return [{ conditions, target: value }];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => exportTargets(inner, [...conditions, key]));
}

/** Every file under `dir`, recursively. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Runs Node 22 (this test's own) in the consumer project, with a clean environment. */
function node(args: string[]) {
  return run(process.execPath, args, { cwd: app, env: { PATH: process.env.PATH ?? "" }, timeout: 30_000 });
}

beforeAll(async () => {
  // `npm pack` runs `prepare` (the build) exactly as `npm publish` would.
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [info] = JSON.parse(stdout.slice(stdout.indexOf("[")));
  packed = info;
  expect(info.filename).toBe(tarballName);
  writeFileSync(join(work, "package.json"), "{}");
  mkdirSync(app);
  // A newcomer's project ("type": "commonjs"), then the README's install lines in order. The OpenTelemetry
  // packages come from npm's cache when they are there (they are after `npm ci`).
  await run("npm", ["init", "-y"], { cwd: app });
  for (const line of README_INSTALLS) {
    await run(
      "npm",
      [...withTarball(line), "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      {
        cwd: app,
        timeout: 120_000,
      },
    );
  }
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

// Preloaded into the installed CLI: prints the URL of every module loaded, as the process exits.
const LOADED_MARK = "loaded-module ";
const PRELOAD = `import { registerHooks } from "node:module";
import { writeSync } from "node:fs";
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
process.on("exit", () => { for (const url of loaded) writeSync(2, ${JSON.stringify(LOADED_MARK)} + url + "\\n"); });
`;

describe("package manifest", () => {
  it("is an ESM package with typed exports, a bin, and Node >= 22.15", () => {
    expect(manifest.name).toBe("torch-logs-otel");
    expect(manifest.type).toBe("module");
    expect(manifest.engines.node).toBe(">=22.15");
    expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
    expect(manifest.bin["torch-logs-otel"]).toBe("dist/cli.js");
    // Runtime dependencies are OpenTelemetry packages only.
    for (const name of Object.keys(manifest.dependencies)) expect(name).toMatch(/^@opentelemetry\//);
  });

  it("pins what the OTLP exporters pin, exactly, and allows patch releases of the rest", () => {
    // The exporters depend on exact versions of the SDK packages; a different range here would install a second
    // copy of the SDK next to theirs. Packages no exporter pins may take patch releases (one copy with the app's).
    const pinnedByExporters = new Map<string, string>();
    const read = (name: string) =>
      JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8"));
    const queue = Object.keys(manifest.dependencies).filter((name) => name.includes("/exporter-"));
    for (const name of queue) expect(read(name).version).toBe(manifest.dependencies[name]);
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      for (const [dep, version] of Object.entries(
        (read(name).dependencies ?? {}) as Record<string, string>,
      )) {
        if (pinnedByExporters.has(dep)) continue;
        pinnedByExporters.set(dep, version);
        queue.push(dep);
      }
    }
    for (const [name, range] of Object.entries(manifest.dependencies as Record<string, string>)) {
      if (name.includes("/exporter-")) continue;
      const pinned = pinnedByExporters.get(name);
      expect([name, range]).toEqual([name, pinned ?? expect.stringMatching(/^~\d+\.\d+\.\d+$/)]);
    }
  });

  it("exposes no source files and no `development` condition to consumers", () => {
    for (const { conditions, target } of exportTargets(manifest.exports)) {
      expect(conditions).not.toContain("development");
      expect(target).not.toMatch(/^\.\/src\//);
    }
  });

  it("depends at run time only on what dist/ imports (the rest are devDependencies)", () => {
    // dist/ is fresh: `npm pack` in beforeAll built it.
    const compiled = listFiles(join(root, "dist"))
      .filter((file) => file.endsWith(".js"))
      .map((file) => readFileSync(file, "utf8"))
      .join("\n");
    const unused = Object.keys(manifest.dependencies).filter(
      (name) => !compiled.includes(`from "${name}"`) && !compiled.includes(`from "${name}/`),
    );
    expect(unused).toEqual([]);
  });

  it("declares Apache-2.0 and ships its text", () => {
    expect(manifest.license).toBe("Apache-2.0");
    const license = readFileSync(join(root, "LICENSE"), "utf8");
    expect(license).toContain("Apache License\n                           Version 2.0, January 2004");
    expect(license).toContain("END OF TERMS AND CONDITIONS");
  });
});

describe("the packed tarball, installed into a fresh project", () => {
  it("holds the build, the types, the bin, LICENSE and README, and no tests", () => {
    const files = packed.files.map((f) => f.path);
    for (const file of [
      "LICENSE",
      "README.md",
      "package.json",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/cli.js",
    ]) {
      expect(files).toContain(file);
    }
    expect(files.filter((f) => f.startsWith("test/"))).toEqual([]);
  });

  // The README keeps a short section per feature and links its full page under docs/: those links must work in
  // node_modules/torch-logs-otel too, where a reader of the installed package (or an editor's preview) opens them.
  it("holds every docs/ page the README links to", () => {
    const files = packed.files.map((f) => f.path);
    const linked = [...new Set([...readme.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1] ?? ""))];
    expect(linked.length).toBeGreaterThan(0);
    expect(linked.filter((page) => !files.includes(page))).toEqual([]);
  });

  // Kept on purpose: the source maps and the TypeScript they point into. With `node --enable-source-maps` a stack
  // trace through this package names the src/ file and line that the repository, a bug report and a reader of the
  // code all use, where dist/ lines are shifted by erased types. They are about half the unpacked size (2 of 4 MB
  // of the package; the OpenTelemetry dependencies weigh several times that), and never loaded otherwise.
  it("ships the build with its types and source maps, the sources they point into, the collector configs, the docs: nothing else", () => {
    const files = packed.files.map((f) => f.path);
    const shipped =
      /^(LICENSE|README\.md|package\.json|dist\/.+\.(js|d\.ts|js\.map)|src\/.+\.ts|src\/[a-z-]+\/README\.md|src\/python\/probe_torch_registry\.py|collector\/.+|docs\/[a-z0-9-]+\.md)$/;
    expect(files.filter((file) => !shipped.test(file))).toEqual([]);
    const compiled = files.filter((file) => file.startsWith("dist/") && file.endsWith(".js"));
    expect(compiled.filter((file) => !files.includes(`${file}.map`))).toEqual([]);
    // src/ ships only what dist/ was compiled from, and the probe script dist/ runs.
    const sources = files.filter((file) => file.startsWith("src/") && file.endsWith(".ts"));
    expect(sources.map((file) => file.replace(/^src\//, "dist/").replace(/\.ts$/, ".js")).sort()).toEqual(
      [...compiled].sort(),
    );
  });

  it("points every installed source map at a shipped source file", () => {
    const installed = join(app, "node_modules", manifest.name);
    const maps = listFiles(join(installed, "dist")).filter((file) => file.endsWith(".js.map"));
    expect(maps.length).toBeGreaterThan(100);
    const missing = maps.flatMap((map) =>
      (JSON.parse(readFileSync(map, "utf8")).sources as string[])
        .map((source) => join(dirname(map), source))
        .filter((source) => !source.startsWith(join(installed, "src/")) || !existsSync(source)),
    );
    expect(missing).toEqual([]);
  });

  it("gives stack traces in the TypeScript sources under --enable-source-maps", async () => {
    // A message function runs inside the facade: its stack passes through the package.
    writeFileSync(
      join(app, "stack.mjs"),
      `import { getLogger } from "torch-logs-otel";
getLogger("torch._dynamo").warning(() => { console.log(new Error("where").stack); return "x"; });
`,
    );
    const { stdout } = await node(["--enable-source-maps", "stack.mjs"]);
    expect(stdout).toMatch(/\(.*\/node_modules\/torch-logs-otel\/src\/otel\/torch-logger\.ts:\d+:\d+\)/);
    const { stdout: plain } = await node(["stack.mjs"]);
    expect(plain).toMatch(/\(.*\/node_modules\/torch-logs-otel\/dist\/otel\/torch-logger\.js:\d+:\d+\)/);
  });

  const ESM = `import { parseTorchLogs, TorchLogsLogRecordProcessor } from "torch-logs-otel";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
const exporter = new InMemoryLogRecordExporter();
const provider = new LoggerProvider({
  processors: [new TorchLogsLogRecordProcessor(new SimpleLogRecordProcessor({ exporter }), { settings: parseTorchLogs("+dynamo") })],
});
provider.getLogger("torch._dynamo.guards").emit({ severityNumber: 5, body: "kept" });
provider.getLogger("torch._inductor").emit({ severityNumber: 5, body: "filtered" });
console.log(exporter.getFinishedLogRecords().map((r) => r.body).join(","));
`;
  const CJS = `const { parseTorchLogs, TorchLogsError } = require("torch-logs-otel");
try { parseTorchLogs("+dynamo,bogus"); } catch (error) { console.log(error instanceof TorchLogsError, error.kind); }
`;

  it.each([
    ["app.mjs", ESM, "kept\n", []],
    ["app.mjs", ESM, "kept\n", ["--conditions=development"]],
    ["app.cjs", CJS, "true invalid-settings\n", []],
    ["app.cjs", CJS, "true invalid-settings\n", ["--conditions=development"]],
  ])("runs %s with node %j", async (file, code, expected, flags) => {
    writeFileSync(join(app, file), code);
    const { stdout, stderr } = await node([...flags, file]);
    expect(stdout).toBe(expected);
    // No experimental-feature warnings: nothing is loaded from TypeScript sources.
    expect(stderr).toBe("");
  });

  it.each([[[]], [["development"]]])(
    "type-checks a TypeScript consumer without @types/node (customConditions %j)",
    async (customConditions) => {
      writeFileSync(
        join(app, "consumer.ts"),
        `import { getLogger, parseTorchLogs, startTorchLogs, TorchConsoleLogRecordExporter, type TorchLogsSettings } from "torch-logs-otel";
const settings: TorchLogsSettings = parseTorchLogs("+dynamo");
const exporter = new TorchConsoleLogRecordExporter({ stream: { write: () => true, on: () => {}, removeListener: () => {} } });
const pipeline = startTorchLogs({ serviceName: "consumer", exporter });
getLogger("torch._dynamo").info("compiling %s", "forward");
export { settings, pipeline };
`,
      );
      writeFileSync(
        join(app, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            module: "NodeNext",
            moduleResolution: "NodeNext",
            target: "ES2023",
            lib: ["ES2023"],
            strict: true,
            skipLibCheck: false,
            noEmit: true,
            customConditions,
          },
          files: ["consumer.ts"],
        }),
      );
      const result = await run(tsc, ["-p", app], { cwd: app }).catch((error) => error);
      expect(`${result.stdout}${result.stderr}`).toBe("");
    },
    60_000,
  );

  it.each([
    ["uncaught.mjs", `import { parseTorchLogs } from "torch-logs-otel";\nparseTorchLogs("+dynamo,bogus");\n`],
    [
      "uncaught.cjs",
      `const { startTorchLogs } = require("torch-logs-otel");\nstartTorchLogs({ settings: "+dynamo,bogus" });\n`,
    ],
  ])("an uncaught TorchLogsError (%s) prints its message once, in at most 15 lines", async (file, code) => {
    writeFileSync(join(app, file), code);
    const result = await node([file]).catch((error) => error);
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(15);
    expect(lines.filter((line: string) => line.startsWith("TorchLogsError: "))).toEqual([
      'TorchLogsError: TORCH_LOGS: unknown name "bogus" at item 2',
    ]);
    // PyTorch's own text, once; the caller's line is named.
    expect(result.stderr.split("Invalid log settings: +dynamo,bogus").length).toBe(2);
    expect(result.stderr).toContain(`${file}:2:`);
  });

  it("installs the bin: --version and a command", async () => {
    const bin = join(app, "node_modules/.bin/torch-logs-otel");
    expect((await node([bin, "--version"])).stdout).toBe(`${manifest.version}\n`);
    const { stdout } = await node([bin, "explain", "--json", "+dynamo,guards"]);
    expect(JSON.parse(stdout)).toMatchObject({ levels: { dynamo: "DEBUG" }, artifactsEnabled: ["guards"] });
  });

  // Start-up: the commands that only read TORCH_LOGS load the language layer, not the SDK and its exporters.
  it.each([
    [["explain", "+dynamo"], false],
    [["help"], false],
    [["collector-filter", "+dynamo"], false],
    [["ingest", "--help"], true],
    [["trace", "--help"], true],
  ])("the installed bin, %j, loads OpenTelemetry's SDK: %s", async (argv, loadsSdk) => {
    const preload = join(work, "list-loaded-modules.mjs");
    writeFileSync(preload, PRELOAD);
    const cli = join(app, "node_modules/torch-logs-otel/dist/cli.js");
    const { stderr } = await node(["--import", pathToFileURL(preload).href, cli, ...argv]);
    const loaded = stderr
      .split("\n")
      .filter((line) => line.startsWith(LOADED_MARK))
      .map((line) => line.slice(LOADED_MARK.length));
    expect(loaded.some((url) => url.endsWith("/torch-logs-otel/dist/cli.js"))).toBe(true);
    const otel = loaded.filter((url) => url.includes("/node_modules/@opentelemetry/"));
    if (loadsSdk) expect(otel.some((url) => url.includes("/sdk-logs/"))).toBe(true);
    else expect(otel).toEqual([]);
  });
});

describe("the README's install lines and examples, in a newcomer's project", () => {
  it("installs with the README's lines: the versions it names, the tarball it names", () => {
    expect(README_INSTALLS.length).toBeGreaterThanOrEqual(3);
    expect(README_INSTALLS.some((line) => line.includes(`/${tarballName} `))).toBe(true);
    const consumer = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
    expect(consumer.type).toBe("commonjs"); // what `npm init -y` writes
    expect(Object.keys(consumer.dependencies).sort()).toEqual([
      "@opentelemetry/api",
      "@opentelemetry/exporter-logs-otlp-http",
      "@opentelemetry/sdk-logs",
      manifest.name,
    ]);
  });

  // node-sdk.ts also needs @opentelemetry/sdk-node, winston and its transport: it is type-checked and run in the
  // repository (test/readme.test.ts), not installed here.
  const EXAMPLES = ["start-torch-logs", "quick-start", "set-logs", "custom-registry", "your-own-torch"];

  /** A `tsc --init` project in `app/<name>`, with Node's types as the README says, holding the examples. */
  async function tsProject(name: string, extension: ".ts" | ".mts", type?: "module"): Promise<string> {
    const dir = join(app, name);
    mkdirSync(dir);
    if (type !== undefined) writeFileSync(join(dir, "package.json"), JSON.stringify({ type }));
    await run(tsc, ["--init"], { cwd: dir });
    const config = readFileSync(join(dir, "tsconfig.json"), "utf8");
    expect(config).toContain('"types": []');
    writeFileSync(join(dir, "tsconfig.json"), config.replace('"types": []', '"types": ["node"]'));
    for (const example of EXAMPLES) {
      copyFileSync(join(root, "examples", `${example}.ts`), join(dir, `${example}${extension}`));
    }
    return dir;
  }

  const typeCheck = (dir: string) =>
    run(tsc, ["-p", dir, "--noEmit"], { cwd: dir }).then(
      ({ stdout }) => stdout,
      (error) => `${error.stdout}${error.stderr}`,
    );

  beforeAll(async () => {
    await run("npm", ["install", "-D", "@types/node@22", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: app,
      timeout: 120_000,
    });
  }, 130_000);

  it("type-check as .mts files", async () => {
    expect(await typeCheck(await tsProject("mts", ".mts"))).toBe("");
  }, 60_000);

  it('type-check as .ts files once the package.json says "type": "module"', async () => {
    expect(await typeCheck(await tsProject("esm", ".ts", "module"))).toBe("");
  }, 60_000);

  it("are refused as .ts files of the default CommonJS project (TS1309, TS1295), as the README says", async () => {
    const output = await typeCheck(await tsProject("cjs", ".ts"));
    expect(output).toContain("error TS1309:");
    expect(output).toContain("error TS1295:");
    expect(readme).toContain("(TS1309: top-level `await` in a CommonJS module;\nTS1295 under `tsc --init`'s");
  }, 60_000);

  it("run as .mts with Node: the quick start prints to the console with no collector", async () => {
    const dir = join(app, "run");
    mkdirSync(dir);
    copyFileSync(join(root, "examples/start-torch-logs.ts"), join(dir, "start-torch-logs.mts"));
    const { stdout, stderr } = await run(process.execPath, ["start-torch-logs.mts"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", TORCH_LOGS: "+dynamo" },
      timeout: 30_000,
    });
    expect(stdout).toBe("");
    // TORCH_LOGS=+dynamo: its DEBUG record, the warning, and graph_breaks (an artifact at dynamo's level).
    expect(stderr.split("\n")).toEqual([
      expect.stringMatching(/^V\d{4} [\d:.]+ \d+ torch\._dynamo\.convert_frame:0\] compiling forward$/),
      expect.stringMatching(
        /^W\d{4} [\d:.]+ \d+ torch\._dynamo\.convert_frame:0\] recompiling: cache limit hit$/,
      ),
      expect.stringMatching(/\] \[__graph_breaks\] Graph break: print\(\)$/),
      "",
    ]);
  });
});
