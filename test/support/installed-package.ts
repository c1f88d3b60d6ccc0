// The package as an application installs it: dist/ built from src/ (tsc, as `npm pack`'s prepare script does) and the
// manifest, under node_modules/torch-logs-otel/ of a temporary consumer folder. The folder sits inside the
// project, so the package's own dependencies (and the consumer's) resolve from the project's node_modules,
// as they would from the consumer's after `npm install`. Build it once per test file: it takes about a second.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;

export interface InstalledPackage {
  /** The consumer folder: put applications here; `require("torch-logs-otel")` finds the built package. */
  readonly consumer: string;
  /** Copies a file (e.g. a fixture application) into the consumer folder and returns its new path. */
  add(file: string): string;
  remove(): void;
}

export async function installPackage(): Promise<InstalledPackage> {
  const cache = join(root, "node_modules/.cache");
  mkdirSync(cache, { recursive: true });
  const consumer = mkdtempSync(join(cache, "consumer-"));
  const installed = join(consumer, "node_modules/torch-logs-otel");
  mkdirSync(installed, { recursive: true });
  copyFileSync(join(root, "package.json"), join(installed, "package.json"));
  await run(join(root, "node_modules/.bin/tsc"), [
    "-p",
    join(root, "tsconfig.build.json"),
    "--outDir",
    join(installed, "dist"),
  ]);
  return {
    consumer,
    add(file) {
      const target = join(consumer, file.split("/").at(-1) ?? file);
      copyFileSync(file, target);
      return target;
    },
    remove: () => rmSync(consumer, { recursive: true, force: true }),
  };
}
