// `npm run bench` changes a tracked file (the results section of docs/benchmarks.md) only when asked.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  formatResultsSection,
  RESULTS_END,
  RESULTS_START,
  replaceResultsSection,
} from "./support/results-section.ts";

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

describe("the results section of docs/benchmarks.md", () => {
  const RUN = {
    environment: ["- Date: now"],
    explanation: ["how to read it"],
    table: "| a |\n| - |",
    notes: ["- n"],
  };

  it("is replaced between its markers, the prose around it kept", () => {
    const page = `# Benchmarks\n\nprose 6d\n\n${RESULTS_START}\nold figures\n${RESULTS_END}\n\nmore prose\n`;
    expect(replaceResultsSection(page, RUN)).toBe(
      `# Benchmarks\n\nprose 6d\n\n${formatResultsSection(RUN)}\n\nmore prose\n`,
    );
  });

  it("refuses a page without its markers, rather than writing nowhere", () => {
    expect(() => replaceResultsSection("# Benchmarks\n", RUN)).toThrow(/has no .* section/);
  });

  it("is there in docs/benchmarks.md, which npm run bench -- --write writes", () => {
    const page = readFileSync(new URL("../../docs/benchmarks.md", import.meta.url), "utf8");
    expect(replaceResultsSection(page, RUN)).toContain("- Date: now");
  });
});
