// The pages a user of the package reads: the README and the docs/ pages it hands its reference sections to
// (ingest, trace, operations, …). What the tests hold the README to — every sh command run or covered, every
// TypeScript block an example that runs, no measured figure typed into prose, every query parsed — they hold these
// pages to as well, so moving text out of the README never moves it out of a test. docs/ also holds pages for
// people working on the project (CONTRIBUTOR_PAGES); test/user-pages.test.ts checks that every docs/ page is one
// or the other.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The README first, then the docs/ pages it links to for a feature's full reference. */
export const USER_PAGES = [
  "README.md",
  "docs/ingest.md",
  "docs/trace.md",
  "docs/pytorch-console-format.md",
  "docs/operations.md",
  "docs/pytorch-versions.md",
  "docs/explain.md",
  "docs/differences-from-pytorch.md",
] as const;

/** The docs/ pages about the project itself (its code, its measurements, the formats it reads): a developer's. */
export const CONTRIBUTOR_PAGES = [
  "docs/architecture.md",
  "docs/benchmarks.md",
  "docs/contributing.md",
  "docs/torch-trace-format-additions.md",
] as const;

/** Each user page with its text, read from the repository at `root`. */
export function readUserPages(root: string): { readonly page: string; readonly text: string }[] {
  return USER_PAGES.map((page) => ({ page, text: readFileSync(join(root, page), "utf8") }));
}

/** Every non-empty line of the ```sh blocks of `text`. */
export function shLines(text: string): string[] {
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => (m[1] ?? "").split("\n"))
    .filter((line) => line.trim() !== "");
}
