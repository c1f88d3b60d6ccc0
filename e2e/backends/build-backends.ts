// `npm run backends [NAME...]`: builds the end-to-end suite's backends that are not built yet (the OpenTelemetry
// Collector from collector/builder-config.yaml, Jaeger, Prometheus, VictoriaLogs) and prints one line per
// backend, `NAME<TAB>ABSOLUTE_PATH`. Go's module and build caches are reused, and a binary already built for
// the same key is not built again: a second run builds nothing. Progress goes to stderr, the table to stdout.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import {
  BACKEND_BUILDS,
  BACKENDS_BIN_DIR,
  type BackendBuild,
  backendBinaryPath,
  buildKey,
} from "./backend-builds.ts";

/** Go never fetches another toolchain behind our back, and a module's go.sum must already be complete. */
const GO_ENV = {
  ...process.env,
  GOTOOLCHAIN: "local",
  GOFLAGS: `${process.env.GOFLAGS ?? ""} -mod=readonly`.trim(),
};

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = GO_ENV): void {
  const result = spawnSync(command, args, { cwd, env, stdio: ["ignore", "inherit", "inherit"] });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited with ${result.status ?? result.signal}`);
  }
}

function goVersion(): string | undefined {
  const result = spawnSync("go", ["version"], { encoding: "utf8", env: GO_ENV });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Builds into `<key>.partial` and renames it into place: an interrupted build never counts as built. */
function build(backend: BackendBuild): void {
  const finalDir = join(BACKENDS_BIN_DIR, buildKey(backend));
  const partialDir = `${finalDir}.partial`;
  rmSync(partialDir, { recursive: true, force: true });
  mkdirSync(partialDir, { recursive: true });
  const { recipe } = backend;
  if (recipe.kind === "ocb") {
    // The manifest as committed, only its output folder moved here; ocb writes the sources and the binary there
    // and runs `go mod tidy` itself, so this module is not committed (the manifest is the source of truth).
    const manifest = parse(readFileSync(recipe.manifest, "utf8")) as {
      dist: { name: string; output_path: string };
    };
    manifest.dist.output_path = join(partialDir, "src");
    const manifestCopy = join(partialDir, "builder-config.yaml");
    writeFileSync(manifestCopy, stringify(manifest));
    // ocb's own `go mod tidy` must be free to write go.mod/go.sum of the module it generates.
    const env = { ...GO_ENV, GOFLAGS: process.env.GOFLAGS ?? "" };
    run("go", ["run", recipe.builder, `--config=${manifestCopy}`], partialDir, env);
    renameSync(join(partialDir, "src", manifest.dist.name), join(partialDir, backend.name));
    rmSync(join(partialDir, "src"), { recursive: true, force: true });
  } else {
    run("go", ["build", "-o", join(partialDir, backend.name), recipe.pkg], recipe.moduleDir);
  }
  chmodSync(join(partialDir, backend.name), 0o755);
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(partialDir, finalDir);
}

function main(argv: readonly string[]): number {
  const unknown = argv.filter((name) => !BACKEND_BUILDS.some((b) => b.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `npm run backends: unknown backend ${JSON.stringify(unknown[0])}; choose from ${BACKEND_BUILDS.map((b) => b.name).join(", ")}\n`,
    );
    return 2;
  }
  const wanted = BACKEND_BUILDS.filter((b) => argv.length === 0 || argv.includes(b.name));
  const missing = wanted.filter((b) => !existsSync(backendBinaryPath(b)));
  if (missing.length > 0) {
    const go = goVersion();
    if (go === undefined) {
      process.stderr.write(
        `npm run backends: Go is not installed (no \`go\` on PATH), and ${missing.map((b) => b.name).join(", ")} must be built from source. Install Go 1.25 or newer (https://go.dev/doc/install) and run it again.\n`,
      );
      return 1;
    }
    for (const backend of missing) {
      const started = Date.now();
      process.stderr.write(
        `building ${backend.name} ${backend.version} with ${go} (the first build takes minutes)\n`,
      );
      try {
        build(backend);
      } catch (error) {
        process.stderr.write(
          `npm run backends: building ${backend.name} failed: ${(error as Error).message}\n`,
        );
        return 1;
      }
      process.stderr.write(`built ${backend.name} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
  }
  for (const backend of wanted) process.stdout.write(`${backend.name}\t${backendBinaryPath(backend)}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
