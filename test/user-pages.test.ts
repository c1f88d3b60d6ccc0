// The README and the docs/ pages link to one another: every docs/ page is a user's page (held to the README's
// rules, support/user-pages.ts) or a contributor's, every user page is reached from the README, and every relative
// link of these pages — the file and, into a Markdown page, the heading — points at something that exists, so
// moving a section between pages cannot leave a link behind.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { CONTRIBUTOR_PAGES, USER_PAGES } from "./support/user-pages.ts";

const root = new URL("../", import.meta.url).pathname;
const read = (page: string) => readFileSync(join(root, page), "utf8");
const DOCS = readdirSync(join(root, "docs"))
  .filter((name) => name.endsWith(".md"))
  .map((name) => `docs/${name}`);

/** The text outside fenced code blocks: links inside them are code, not links. */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```$/gm, "");

/** The relative link targets of a page's prose: `[text](target)`, without web and mail links. */
const relativeLinks = (text: string) =>
  [...prose(text).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? "")
    .filter((target) => !/^[a-z]+:/.test(target));

/**
 * The anchors of a Markdown page's headings, as GitHub makes them: lower case, punctuation other than `-` and `_`
 * removed, spaces as `-`, and `-1`, `-2` … after a repeated one.
 */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of prose(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = (heading ?? "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replaceAll(" ", "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

describe("the user's pages", () => {
  it("are the README and docs/ pages; every other docs/ page is a contributor's", () => {
    expect([...DOCS].sort()).toEqual(
      [...USER_PAGES.filter((page) => page.startsWith("docs/")), ...CONTRIBUTOR_PAGES].sort(),
    );
  });

  it("are each linked from the README", () => {
    const linked = relativeLinks(read("README.md")).map((target) => target.split("#")[0]);
    expect(USER_PAGES.filter((page) => page !== "README.md" && !linked.includes(page))).toEqual([]);
  });
});

describe.each(["README.md", ...DOCS])("the relative links of %s", (page) => {
  it("point at files that exist and, in Markdown pages, at headings they have", () => {
    const broken = relativeLinks(read(page)).filter((target) => {
      const [path = "", anchor] = target.split("#");
      const file = path === "" ? page : normalize(join(dirname(page), path));
      if (!existsSync(join(root, file))) return true;
      return anchor !== undefined && file.endsWith(".md") && !anchors(read(file)).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});
