// "did you mean …?" for unknown TORCH_LOGS names.

/** Optimal string alignment distance (Levenshtein plus adjacent transposition): `aot_grpahs` → `aot_graphs` is 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (d[(i - 1) * cols + j] ?? 0) + 1,
        (d[i * cols + j - 1] ?? 0) + 1,
        (d[(i - 1) * cols + j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (d[(i - 2) * cols + j - 2] ?? 0) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1] ?? 0;
}

/**
 * Up to `limit` candidates close to `name`, best first: a case-insensitive match, then names within an edit
 * distance of a third of the name's length (at least 1, at most 3), then names that contain it or that it
 * contains (`graph` → `graph_breaks`). Long inputs are not compared (nothing useful is that long).
 */
export function suggestNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  if (name.length === 0 || name.length > 64) return [];
  const lower = name.toLowerCase();
  const maxDistance = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const candidateLower = candidate.toLowerCase();
    if (candidateLower === lower) {
      scored.push({ candidate, score: 0 });
      continue;
    }
    const distance = editDistance(lower, candidateLower);
    if (distance <= maxDistance) scored.push({ candidate, score: distance });
    else if (lower.length >= 4 && (candidateLower.includes(lower) || lower.includes(candidateLower))) {
      scored.push({ candidate, score: maxDistance + 1 });
    }
  }
  scored.sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate));
  return scored.slice(0, limit).map((s) => s.candidate);
}

/**
 * Whether `name` is so close to one of `candidates` that it is a typo rather than a module of its own: the
 * same name in another case (`Dynamo`), or one edit away (`aot_grpahs`, `grapf_breaks`). Stricter than
 * {@link suggestNames}, whose substring matches would refuse real modules such as `cache_utils`.
 */
export function isNearMiss(name: string, candidates: Iterable<string>): boolean {
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    if (candidate === name) return false;
    const candidateLower = candidate.toLowerCase();
    if (candidateLower === lower) return true;
    if (
      Math.abs(candidate.length - name.length) <= 1 &&
      name.length >= 4 &&
      editDistance(lower, candidateLower) <= 1
    )
      return true;
  }
  return false;
}
