// Run first by the npm scripts that need Node >= 22.15 (the OpenTelemetry JS SDK 3.x does, and the scripts run
// TypeScript sources with Node's type stripping). Plain JavaScript that Node 20 runs too, so an old Node gets a
// sentence saying what to do — not ERR_UNKNOWN_FILE_EXTENSION, or "Map.groupBy is not a function" inside Vitest.
//
// `npm ci` puts Node 22 into node_modules/.bin through the `node` devDependency's install script, and npm scripts
// find it there first on PATH. `npm ci --ignore-scripts` skips that script: `npm rebuild node` runs it.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The oldest Node the scripts run on. */
export const MINIMUM_NODE = "22.15.0";

/** [major, minor, patch] of "v22.15.0" / "22.15.0"; undefined for anything else. */
function parseVersion(version) {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/**
 * What to tell the user when Node `version` is too old for the scripts, or undefined when it will do.
 * `execPath`: the Node that runs; `localNode`: whether node_modules/.bin/node exists.
 */
export function checkNodeVersion(version, { execPath, localNode }) {
  const found = parseVersion(version);
  const minimum = parseVersion(MINIMUM_NODE);
  if (found !== undefined && minimum !== undefined) {
    const differs = [0, 1, 2].find((i) => found[i] !== minimum[i]);
    if (differs === undefined || found[differs] > minimum[differs]) return undefined;
  }
  const head = `torch-logs-otel: this needs Node >= ${MINIMUM_NODE}; this is Node ${version} (${execPath}).`;
  const fix = localNode
    ? "node_modules/.bin/node is Node 22: run the command through npm (`npm test`, `npm run …`), which puts it " +
      "first on PATH, or call node_modules/.bin/node yourself."
    : "`npm ci` installs Node 22 into node_modules/.bin (the `node` devDependency's install script); after " +
      "`npm ci --ignore-scripts` it is missing: run `npm rebuild node`. Or use a Node >= " +
      `${MINIMUM_NODE} of your own (nvm install 22).`;
  return `${head}\n${fix}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const localNode = existsSync(fileURLToPath(new URL("../node_modules/.bin/node", import.meta.url)));
  const message = checkNodeVersion(process.version, { execPath: process.execPath, localNode });
  if (message !== undefined) {
    process.stderr.write(message);
    process.exitCode = 1;
  }
}
