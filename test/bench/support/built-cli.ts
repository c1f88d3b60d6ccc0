// The bin as a user runs it: `dist/cli.js`, compiled from the current sources (`npm run build`) before a scenario
// spawns it.
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Compiles src/ to dist/ (tsconfig.build.json) and returns the path of the bin, `dist/cli.js`. */
export async function buildCli(): Promise<string> {
  await promisify(execFile)(
    join(root, "node_modules", ".bin", "tsc"),
    ["-p", join(root, "tsconfig.build.json")],
    {
      cwd: root,
    },
  );
  return join(root, "dist", "cli.js");
}
