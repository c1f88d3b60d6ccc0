// The layout is the architecture (issue: "a layout that shows the architecture"): folders are layers, imports
// point down, nothing imports in a circle, the language layer is pure. Read from the source files themselves.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../src/", import.meta.url).pathname;

/**
 * Each layer and the layers it may import (itself included). Entry files directly in src/ may import all.
 * The two readers of PyTorch's output, `ingest` (console lines) and `trace` (TORCH_TRACE), are siblings on
 * the layers they share (issue 26): `input` (bytes, lines), `pytorch-line` (one printed line), `delivery`
 * (records out); neither imports the other.
 */
const READERS_SHARE = ["language", "otel", "console", "input", "pytorch-line", "delivery"];
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  language: ["language"],
  otel: ["language", "otel"],
  console: ["language", "otel", "console"],
  collector: ["language", "otel", "collector"],
  start: ["language", "otel", "console", "start"],
  python: ["language", "python"],
  input: ["input"],
  "pytorch-line": ["language", "otel", "console", "pytorch-line"],
  delivery: ["language", "otel", "delivery"],
  ingest: [...READERS_SHARE, "ingest"],
  trace: [...READERS_SHARE, "trace"],
  cli: [
    "language",
    "otel",
    "console",
    "collector",
    "start",
    "input",
    "pytorch-line",
    "delivery",
    "ingest",
    "trace",
    "python",
    "cli",
  ],
};
const ENTRY_FILES = ["index.ts", "cli.ts"];
const MAX_LINES = 400;

interface SourceFile {
  readonly path: string; // relative to src/
  readonly layer: string | undefined; // undefined for an entry file
  readonly text: string;
  readonly imports: readonly { readonly specifier: string; readonly typeOnly: boolean }[];
}

function listSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return listSources(full);
    return entry.name.endsWith(".ts") ? [relative(SRC, full)] : [];
  });
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^"';]*?\sfrom\s+)?"([^"]+)"/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*"([^"]+)"\s*\)/g;

const files: readonly SourceFile[] = listSources(SRC).map((path) => {
  const text = readFileSync(join(SRC, path), "utf8");
  const imports = [
    ...[...text.matchAll(IMPORT)].map((m) => ({ specifier: m[3] ?? "", typeOnly: m[2] !== undefined })),
    ...[...text.matchAll(DYNAMIC_IMPORT)].map((m) => ({ specifier: m[1] ?? "", typeOnly: false })),
  ];
  const layer = path.includes("/") ? path.split("/")[0] : undefined;
  return { path, layer, text, imports };
});

function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  return normalize(join(dirname(from), specifier));
}

describe("src/ layout", () => {
  it("has only the public surface and entry points directly in src/", () => {
    const top = files.filter((f) => f.layer === undefined).map((f) => f.path);
    expect(top.sort()).toEqual([...ENTRY_FILES].sort());
  });

  it("has a README in every layer folder saying what lives there and what it may import", () => {
    for (const layer of new Set(files.flatMap((f) => (f.layer ? [f.layer] : [])))) {
      expect(Object.keys(MAY_IMPORT), `unknown layer folder src/${layer}`).toContain(layer);
      const readme = readFileSync(join(SRC, layer, "README.md"), "utf8");
      expect(readme).toMatch(/may import/i);
    }
  });

  it.each(files.map((f) => [f.path, f] as const))("%s imports only from layers below it", (_, file) => {
    if (file.layer === undefined) return;
    const allowed = MAY_IMPORT[file.layer] ?? [];
    for (const { specifier } of file.imports) {
      const target = resolveLocal(file.path, specifier);
      if (target === undefined) continue;
      expect(target.includes("/"), `${file.path} imports the entry file ${specifier}`).toBe(true);
      expect(allowed, `${file.path} imports ${specifier}`).toContain(target.split("/")[0]);
    }
  });

  it.each([
    ["ingest", "trace"],
    ["trace", "ingest"],
  ])("keeps the readers siblings: nothing in %s/ imports %s/ (type-only imports included)", (from, to) => {
    const reaching = files
      .filter((f) => f.layer === from)
      .flatMap((f) =>
        f.imports.flatMap((i) =>
          resolveLocal(f.path, i.specifier)?.startsWith(`${to}/`) ? [`${f.path} → ${i.specifier}`] : [],
        ),
      );
    expect(files.filter((f) => f.layer === from).length).toBeGreaterThan(0);
    expect(reaching).toEqual([]);
  });

  it("has no import circles (type-only imports included)", () => {
    const graph = new Map(
      files.map((f) => [f.path, f.imports.flatMap((i) => resolveLocal(f.path, i.specifier) ?? [])]),
    );
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (node: string): void => {
      if (state.get(node) === "done") return;
      if (state.get(node) === "visiting") {
        throw new Error(`import circle: ${[...stack.slice(stack.indexOf(node)), node].join(" → ")}`);
      }
      state.set(node, "visiting");
      stack.push(node);
      for (const next of graph.get(node) ?? []) visit(next);
      stack.pop();
      state.set(node, "done");
    };
    for (const node of graph.keys()) visit(node);
  });

  it("keeps the language layer pure: no OpenTelemetry, no Node modules, no process", () => {
    for (const file of files.filter((f) => f.layer === "language")) {
      for (const { specifier } of file.imports) {
        expect(specifier, `${file.path} imports ${specifier}`).toMatch(/^\./);
      }
      expect(file.text, file.path).not.toMatch(/\bprocess\./);
    }
  });

  it("reads process.env in one module (and the bin, which hands it to the commands)", () => {
    const readers = files.filter((f) => /\bprocess\.env\b/.test(stripComments(f.text))).map((f) => f.path);
    expect(readers.sort()).toEqual(["cli.ts", "otel/env.ts"]);
  });

  it.each(files.map((f) => [f.path, f] as const))(`%s has at most ${MAX_LINES} lines`, (_, file) => {
    expect(file.text.split("\n").length).toBeLessThanOrEqual(MAX_LINES);
  });
});

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}
