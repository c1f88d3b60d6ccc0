// What tlparse wrote for one trace file (one rank of a multi-rank report): compile_directory.json, raw.jsonl
// (every envelope but `str` and chromium events, with the prefix fields and where its payload went),
// chromium_events.json and the HTML pages, read from its output directory.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface TlparseArtifact {
  readonly name: string;
  readonly number: number;
  readonly suffix: string;
  readonly url: string;
}

export interface TlparseOutput {
  readonly dir: string;
  /** The rank of a multi-rank report's `rank_N`; undefined for a single file. */
  readonly rank: number | undefined;
  /** `rank 1 ` or `` — the start of every fact's `where`. */
  readonly label: string;
  /** compile_directory.json in its order: `[0/0_1]` → its artifacts. */
  readonly compileDirectory: ReadonlyMap<string, readonly TlparseArtifact[]>;
  /** raw.jsonl's first line: the string table, `null` for indexes never defined. */
  readonly stringTable: readonly (string | null)[];
  /** raw.jsonl's other lines. */
  readonly raw: readonly Record<string, unknown>[];
  readonly chromiumEvents: readonly Record<string, unknown>[];
  read(relative: string): string;
  has(relative: string): boolean;
}

export function readTlparseOutput(dir: string, rank: number | undefined): TlparseOutput {
  const read = (relative: string) => readFileSync(join(dir, relative), "utf8");
  const directory = JSON.parse(read("compile_directory.json")) as Record<
    string,
    { artifacts: TlparseArtifact[] }
  >;
  const [first, ...rest] = read("raw.jsonl")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const chromium = existsSync(join(dir, "chromium_events.json"))
    ? (JSON.parse(read("chromium_events.json")) as Record<string, unknown>[])
    : [];
  return {
    dir,
    rank,
    label: rank === undefined ? "" : `rank ${rank} `,
    compileDirectory: new Map(Object.entries(directory).map(([key, value]) => [key, value.artifacts])),
    stringTable: (first?.string_table as (string | null)[] | undefined) ?? [],
    raw: rest,
    chromiumEvents: chromium,
    read,
    has: (relative) => existsSync(join(dir, relative)),
  };
}

/** An artifact's file name without tlparse's `_N` output number: `dynamo_output_graph_0.txt` → `dynamo_output_graph`. */
export function artifactStem(artifact: TlparseArtifact): string {
  const name = artifact.name;
  const suffix = `_${artifact.number}`;
  const dot = name.lastIndexOf(".");
  const stem = dot === -1 ? name : name.slice(0, dot);
  return stem.endsWith(suffix) ? stem.slice(0, -suffix.length) : stem;
}

/** tlparse's `[F/C_A]`, `[!CA/F/C]`, `[!CA]`, `[-/-]` as its directory name (`CA_F_C_A`, `-` for absent). */
export function dirOfCompileKey(key: string): string | undefined {
  if (key === "[-/-]") return "-_-_-_-";
  const m = /^\[(?:!(\d+)(?:\/|(?=\])))?(?:(\d+)\/(\d+))?(?:_(\d+))?\]$/.exec(key);
  if (m === null || (m[1] === undefined && m[2] === undefined)) return undefined;
  const attempt = m[4] ?? (m[3] !== undefined ? "0" : undefined);
  return [m[1], m[2], m[3], attempt].map((part) => part ?? "-").join("_");
}
