// Pages a benchmark wrote are formatted as `npm run lint` (biome) wants them: the tables' columns padded, so a
// --write never leaves the tree failing `npm test`.
import { execFileSync } from "node:child_process";

const BIOME = new URL("../../node_modules/.bin/biome", import.meta.url).pathname;

export function formatWrittenPages(paths: readonly string[]): void {
  execFileSync(BIOME, ["format", "--write", ...paths], { stdio: ["ignore", "ignore", "inherit"] });
}
