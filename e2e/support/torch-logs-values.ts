// The TORCH_LOGS values the collector-filter differential runs: every value of the conformance vectors (of every
// recorded release) that PyTorch accepts, then values generated from the registry (levels, `-`/`+`, aliases, artifacts, off-by-default
// artifacts, qualified and child module names, user modules) in a fixed pseudo-random order, so a failure is
// reproducible by its index.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseTorchLogs, type Registry, torchRegistry } from "../../src/index.ts";

/** The conformance vectors of every recorded PyTorch release (one folder each). */
const CONFORMANCE = new URL("../../test/fixtures/conformance/", import.meta.url).pathname;

/** Accepted by the processor's parser (and so by `collector-filter`): a value both sides can run. */
function isAccepted(value: string): boolean {
  try {
    parseTorchLogs(value);
    return true;
  } catch {
    return false;
  }
}

/** A small deterministic generator (mulberry32): the same values on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(next: () => number, items: readonly T[]): T {
  const item = items[Math.floor(next() * items.length)];
  if (item === undefined) throw new Error("empty list");
  return item;
}

export function torchLogsValues(count = 300, registry: Registry = torchRegistry()): string[] {
  const vectors = readdirSync(CONFORMANCE).flatMap(
    (release) =>
      JSON.parse(readFileSync(join(CONFORMANCE, release, "torch_logs_vectors.json"), "utf8")) as {
        env: string | null;
      }[],
  );
  const values = new Set<string>(vectors.flatMap((v) => (v.env === null ? [] : [v.env])).filter(isAccepted));
  const aliases = [...registry.aliases.keys()];
  const artifacts = [...registry.artifacts.values()];
  const offByDefault = artifacts.filter((a) => a.offByDefault).map((a) => a.name);
  const onByDefault = artifacts.filter((a) => !a.offByDefault).map((a) => a.name);
  const qualified = [...registry.qualifiedNames.keys()];
  const modules = [
    ...qualified,
    ...qualified.map((name) => `${name}.child`),
    "torch",
    "torch.utils",
    "mypkg",
    "mypkg.sub",
    "json.decoder",
  ];
  // Every alias at every level, and every artifact on its own.
  for (const alias of aliases) for (const prefix of ["", "+", "-"]) values.add(`${prefix}${alias}`);
  for (const artifact of artifacts) values.add(artifact.name);
  for (const prefix of ["+", "-"]) values.add(`${prefix}all`);
  // Then combinations of everything.
  const next = random(20_261_206);
  const item = (): string => {
    const kind = next();
    if (kind < 0.3) return `${pick(next, ["", "+", "-"])}${pick(next, aliases)}`;
    if (kind < 0.5) return pick(next, onByDefault);
    if (kind < 0.65) return pick(next, offByDefault);
    if (kind < 0.9) return `${pick(next, ["", "+", "-"])}${pick(next, modules)}`;
    return `${pick(next, ["+", "-", ""])}all`;
  };
  while (values.size < count) {
    const count = 1 + Math.floor(next() * 5);
    const value = Array.from({ length: count }, item).join(",");
    if (isAccepted(value)) values.add(value);
  }
  return [...values];
}
