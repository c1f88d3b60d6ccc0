// `npm run backends` without building anything (part of `npm test`, which has no Go to spare): what it prints when
// every binary is already there (nothing is built again), when Go is missing, and for an unknown name.
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BACKEND_BUILDS, buildKey } from "./backend-builds.ts";

const SCRIPT = new URL("build-backends.ts", import.meta.url).pathname;
const NAMES = ["otelcol", "jaeger", "prometheus", "victoria-logs"];
const run = promisify(execFile);

async function backends(args: string[], binDir: string) {
  // PATH holds node's own folder only: no `go`, so nothing could be built.
  const env = { PATH: dirname(process.execPath), TORCH_LOGS_OTEL_BACKENDS_DIR: binDir };
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--disable-warning=ExperimentalWarning", SCRIPT, ...args],
      {
        env,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("npm run backends", () => {
  let binDir: string;

  beforeEach(() => {
    binDir = mkdtempSync(join(tmpdir(), "backends-"));
  });

  afterEach(() => {
    rmSync(binDir, { recursive: true, force: true });
  });

  it("says Go is missing and exits 1 when something must be built", async () => {
    const result = await backends([], binDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Go is not installed \(no `go` on PATH\), and otelcol, jaeger, prometheus, victoria-logs must be built/,
    );
    expect(result.stdout).toBe("");
  });

  it("builds nothing when every binary is there, and prints NAME<TAB>ABSOLUTE_PATH for each", async () => {
    const paths = new Map<string, string>();
    for (const build of BACKEND_BUILDS) {
      const path = join(binDir, buildKey(build), build.name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, "#!/bin/sh\n");
      chmodSync(path, 0o755);
      paths.set(build.name, path);
    }
    const second = await backends([], binDir);
    expect(second.code).toBe(0);
    expect(second.stderr).toBe("");
    expect(second.stdout).toBe(NAMES.map((name) => `${name}\t${paths.get(name)}\n`).join(""));
    const one = await backends(["jaeger"], binDir);
    expect(one.stdout).toBe(`jaeger\t${paths.get("jaeger")}\n`);
  });

  it("rejects an unknown backend name with the list of names", async () => {
    const result = await backends(["loki"], binDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'unknown backend "loki"; choose from otelcol, jaeger, prometheus, victoria-logs',
    );
  });
});
