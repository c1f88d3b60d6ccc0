// Where the test finds each backend's binary: the path `npm run backends` builds it to. A missing binary fails
// the test with the command that builds it; nothing is skipped.
import { existsSync } from "node:fs";
import { type BackendName, backendBinaryPath, findBackendBuild } from "../backends/backend-builds.ts";

export function backendBinary(name: BackendName): string {
  const path = backendBinaryPath(findBackendBuild(name));
  if (!existsSync(path)) {
    throw new Error(
      `${name} is not built (expected ${path}). Run \`npm run backends\` first: it builds the pinned releases with Go.`,
    );
  }
  return path;
}
