// Lines for the differential tests of the hand-written readers against the patterns: every line of the
// fixture logs, and random one-character edits of them.
import { readdirSync, readFileSync } from "node:fs";

export function* fixtureLines(): Generator<string> {
  for (const dir of ["pytorch-logs", "corpus"]) {
    const url = new URL(`../fixtures/${dir}/`, import.meta.url);
    for (const file of readdirSync(url).filter((name) => name.endsWith(".log"))) {
      yield* readFileSync(new URL(file, url), "utf8").split("\n");
    }
  }
}

/** A random insertion, deletion or replacement of one character, mostly of those a header is made of. */
export function editLine(line: string, random: () => number): string {
  const alphabet = " :[]_/!.,-0123456789VIWECrank()=\tx\r";
  const at = Math.floor(random() * (line.length + 1));
  const char = alphabet.charAt(Math.floor(random() * alphabet.length));
  const kind = Math.floor(random() * 3);
  if (kind === 0) return line.slice(0, at) + char + line.slice(at);
  if (kind === 1) return line.slice(0, at) + line.slice(at + 1);
  return line.slice(0, at) + char + line.slice(at + 1);
}

/** mulberry32: a small seeded generator, so that a failure reproduces. */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
