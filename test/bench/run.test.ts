// `npm run bench` changes tracked files (results.md, the README's performance section) only when asked.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const script = new URL("./run.ts", import.meta.url).pathname;

describe("npm run bench", () => {
  it("refuses --write on a partial run before measuring anything", async () => {
    const result = await run(process.execPath, [script, "--only", "1", "--write"], { timeout: 15_000 }).catch(
      (error) => error,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--write needs a full run");
    expect(result.stderr).not.toContain("bench: 1-");
  });

  it("is run by the npm script without --write", async () => {
    const { default: manifest } = await import("../../package.json", { with: { type: "json" } });
    expect(manifest.scripts.bench).toMatch(/test\/bench\/run\.ts$/);
  });
});
