// One thing tlparse reports about an input, and whether `trace --format jsonl` carries it.

export type FactKind =
  | "compile id"
  | "envelope"
  | "metadata"
  | "payload"
  | "stack"
  | "time"
  | "artifact"
  | "rendered payload"
  | "cache result"
  | "compilation metric"
  | "failure or restart"
  | "chromium event"
  | "counts"
  | "collective schedule"
  | "collectives parity"
  | "rank divergence";

export interface Fact {
  readonly kind: FactKind;
  /** Where tlparse reports it: `rank 1 [0/0_1] compilation_metrics_10.html`. */
  readonly where: string;
  /** What it reports: `Guard Count: 49`. */
  readonly what: string;
  /** Why `trace` does not carry it; undefined when it does. */
  readonly miss?: string;
}

/** A fact, carried by `trace` when `miss` is undefined. */
export function fact(kind: FactKind, where: string, what: string, miss?: string): Fact {
  return miss === undefined ? { kind, where, what } : { kind, where, what, miss };
}

export interface FactTally {
  readonly matched: number;
  readonly total: number;
  readonly byKind: ReadonlyMap<FactKind, { matched: number; total: number }>;
}

export function tally(facts: readonly Fact[]): FactTally {
  const byKind = new Map<FactKind, { matched: number; total: number }>();
  let matched = 0;
  for (const f of facts) {
    const entry = byKind.get(f.kind) ?? { matched: 0, total: 0 };
    entry.total++;
    if (f.miss === undefined) {
      entry.matched++;
      matched++;
    }
    byKind.set(f.kind, entry);
  }
  return { matched, total: facts.length, byKind };
}

const MAX_SHOWN = 200;

/** `simple.log: 412/412 facts (100.00 %)`, per kind, then every miss (the first 200 of them in full). */
export function formatReport(input: string, facts: readonly Fact[]): string {
  const t = tally(facts);
  const percent = t.total === 0 ? "n/a" : `${((100 * t.matched) / t.total).toFixed(2)} %`;
  const kinds = [...t.byKind].map(([kind, k]) => `${kind} ${k.matched}/${k.total}`).join(", ");
  const misses = facts.filter((f) => f.miss !== undefined);
  const lines = misses
    .slice(0, MAX_SHOWN)
    .map((f) => `  MISS ${f.kind} @ ${f.where}: ${clip(f.what)} — ${f.miss}`);
  if (misses.length > MAX_SHOWN) lines.push(`  … and ${misses.length - MAX_SHOWN} more misses`);
  return [`${input}: ${t.matched}/${t.total} facts (${percent}); ${kinds}`, ...lines].join("\n");
}

function clip(text: string): string {
  const flat = text.replaceAll("\n", "\\n");
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}
