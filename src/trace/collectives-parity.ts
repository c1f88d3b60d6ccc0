// Whether a compile's generated code issues the collectives its scheduler planned (pure). tlparse's
// `collectives_parity.json` (check_collectives_parity): the `inductor_collective_schedule` ops and the
// `torch.ops._c10d_functional.<op>.default(` calls of the compile's `inductor_output_code`, both counted by
// kind of collective; the offset is the sum of the differences per kind, and every collective call of the code
// without a `wait_tensor` is a missing wait. Counted on the code as tlparse reads it: its HTML rendering,
// tags removed and comments dropped, so `'` (written `&#39;`) starts a comment there as well.

/** The kinds tlparse counts: the first one an op name contains, else `reduce` for another reduction. */
const KINDS = ["all_reduce", "reduce_scatter", "all_gather", "broadcast", "all_to_all"] as const;

function kindOf(op: string): string | undefined {
  const name = op.replace(/_+$/, "");
  const kind = KINDS.find((k) => name.includes(k));
  if (kind !== undefined) return kind;
  return name.includes("reduce") && !name.includes("all_reduce") && !name.includes("reduce_scatter")
    ? "reduce"
    : undefined;
}

/** Collectives by kind, as a plain object so that the counts of two sources compare and print. */
export type CollectiveCounts = Readonly<Record<string, number>>;

/** The collectives of an `inductor_collective_schedule` payload (a JSON list of op names); undefined if none. */
export function countScheduledCollectives(payload: string): CollectiveCounts | undefined {
  let ops: unknown;
  try {
    ops = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!Array.isArray(ops) || ops.length === 0) return undefined;
  const counts: Record<string, number> = {};
  for (const op of ops) {
    const kind = typeof op === "string" ? kindOf(op) : undefined;
    if (kind !== undefined) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

const CALL = /torch\s*\.\s*ops\s*\.\s*_?c10d_functional\s*\.\s*([A-Za-z0-9_]+)\s*\.\s*default\s*\(/g;
const COMMENT = /#.*$|\/\/.*$|\/\*[\s\S]*?\*\//gm;
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** The collective calls of generated code by kind, and its `wait_tensor` calls. */
export function countCodeCollectives(code: string): {
  readonly counts: CollectiveCounts;
  readonly waits: number;
} {
  const text = code.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string).replace(COMMENT, "");
  const counts: Record<string, number> = {};
  let waits = 0;
  for (const m of text.matchAll(CALL)) {
    const op = m[1] as string;
    if (op === "wait_tensor") {
      waits++;
      continue;
    }
    const kind = kindOf(op);
    if (kind !== undefined) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return { counts, waits };
}

export interface CollectivesParity {
  /** Σ over kinds of |scheduled − in the code|. */
  readonly offset: number;
  /** Collective calls in the code beyond its `wait_tensor` calls. */
  readonly missingWaits: number;
}

export function collectivesParity(
  scheduled: CollectiveCounts,
  code: { readonly counts: CollectiveCounts; readonly waits: number },
): CollectivesParity {
  let offset = 0;
  for (const kind of new Set([...Object.keys(scheduled), ...Object.keys(code.counts)]))
    offset += Math.abs((scheduled[kind] ?? 0) - (code.counts[kind] ?? 0));
  const calls = Object.values(code.counts).reduce((a, b) => a + b, 0);
  return { offset, missingWaits: Math.max(0, calls - code.waits) };
}
