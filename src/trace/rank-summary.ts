// What one rank's trace files say that ranks of one job should agree on — the compile ids, the order of compile
// cache hits and misses, the collective operations the compiled graphs issue, their tensor metadata — kept as
// bounded digests (compare-ranks.ts compares them across ranks, as tlparse's `--all-ranks-html` does). And each
// compile's collectives parity: whether its generated code issues the collectives its scheduler planned.
import { type BinaryLike, createHash, type Hash } from "node:crypto";
import {
  type CollectiveCounts,
  type CollectivesParity,
  collectivesParity,
  countCodeCollectives,
  countScheduledCollectives,
} from "./collectives-parity.ts";

/** The kinds of agreement between ranks, in tlparse's order. */
export const DIVERGENCE_KINDS = ["compile_ids", "cache", "collectives", "tensor_meta"] as const;
export type DivergenceKind = (typeof DIVERGENCE_KINDS)[number];

/** A sequence by its hash and length, with its first items to show. */
export interface SequenceDigest {
  readonly hash: string;
  readonly length: number;
  readonly head: readonly string[];
}

export interface RankDigest {
  readonly rank: number;
  readonly sequences: Readonly<Record<DivergenceKind, SequenceDigest>>;
}

/** A compile whose code and schedule disagree. */
export interface ParityFinding extends CollectivesParity {
  /** The compile, as `{compiled_autograd_id}_{frame_id}_{frame_compile_id}_{attempt}` (`-` for absent keys). */
  readonly dir: string;
  readonly scheduled: CollectiveCounts;
  readonly inCode: CollectiveCounts;
}

/** Items shown per sequence; compile ids, graphs and parity entries kept per rank. */
const HEAD = 20;
const MAX_KEYS = 10_000;

class Sequence {
  readonly #hash: Hash = createHash("md5");
  #length = 0;
  readonly #head: string[] = [];

  add(item: string): void {
    this.#hash.update(`${item}\n`);
    this.#length++;
    if (this.#head.length < HEAD) this.#head.push(item);
  }

  digest(): SequenceDigest {
    return { hash: this.#hash.copy().digest("hex"), length: this.#length, head: [...this.#head] };
  }
}

/** An order-independent digest of a set (sorted before hashing, as tlparse compares sets and sorted lists). */
function digestOf(items: Iterable<string>): SequenceDigest {
  const sorted = [...items].sort();
  const hash = createHash("md5");
  for (const item of sorted) hash.update(`${item}\n` as BinaryLike);
  return { hash: hash.digest("hex"), length: sorted.length, head: sorted.slice(0, HEAD) };
}

export class RankSummary {
  readonly rank: number;
  readonly #compileIds = new Set<string>();
  readonly #cache = new Sequence();
  readonly #collectives = new Sequence();
  /** tlparse's tensor-meta signature: per graph, its metadata as canonical JSON (here: its hash). */
  readonly #tensorMeta = new Map<string, string>();
  readonly #scheduled = new Map<string, CollectiveCounts>();
  readonly #inCode = new Map<string, { counts: CollectiveCounts; waits: number }>();

  constructor(rank: number) {
    this.rank = rank;
  }

  /**
   * One envelope of this rank: `compileId` in PyTorch's form (undefined outside a compile), `dir` its compile as
   * tlparse names its directory, `name` the event name (an artifact's name), `payload` if any.
   */
  observe(compileId: string | undefined, dir: string, name: string, payload: string | undefined): void {
    if (this.#compileIds.size < MAX_KEYS) this.#compileIds.add(compileId ?? "-");
    const cache = /cache_(miss|hit|bypass)/.exec(name);
    if (cache !== null) this.#cache.add(cache[1] as string);
    if (payload === undefined) return;
    if (name === "inductor_collective_schedule") {
      const counts = countScheduledCollectives(payload);
      if (counts === undefined) return;
      try {
        for (const op of JSON.parse(payload) as unknown[]) this.#collectives.add(String(op));
      } catch {
        // countScheduledCollectives parsed it
      }
      if (!this.#scheduled.has(dir) && this.#scheduled.size < MAX_KEYS) this.#scheduled.set(dir, counts);
    } else if (name === "inductor_output_code") {
      if (!this.#inCode.has(dir) && this.#inCode.size < MAX_KEYS)
        this.#inCode.set(dir, countCodeCollectives(payload));
    } else if (name.startsWith("inductor_runtime_and_tensor_meta") && this.#tensorMeta.size < MAX_KEYS) {
      try {
        this.#tensorMeta.set(
          dir,
          createHash("md5")
            .update(JSON.stringify(JSON.parse(payload)))
            .digest("hex"),
        );
      } catch {
        // not JSON: tlparse skips it too
      }
    }
  }

  digest(): RankDigest {
    return {
      rank: this.rank,
      sequences: {
        compile_ids: digestOf(this.#compileIds),
        cache: this.#cache.digest(),
        collectives: this.#collectives.digest(),
        tensor_meta: digestOf([...this.#tensorMeta].map(([dir, fingerprint]) => `${dir}=${fingerprint}`)),
      },
    };
  }

  /** The compiles whose code issues other collectives than scheduled, or collectives without a wait. */
  parityFindings(): ParityFinding[] {
    const findings: ParityFinding[] = [];
    for (const [dir, scheduled] of this.#scheduled) {
      const code = this.#inCode.get(dir);
      if (code === undefined) continue;
      const parity = collectivesParity(scheduled, code);
      if (parity.offset > 0 || parity.missingWaits > 0)
        findings.push({ dir, ...parity, scheduled, inCode: code.counts });
    }
    return findings;
  }
}
