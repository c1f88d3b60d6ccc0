// Facts of tlparse's `Stats { ok: …, fail_payload_md5: … }` lines (one per rank), against `trace`'s summary.
import { type Fact, fact } from "./fact.ts";
import type { TraceSummary } from "./trace-output-index.ts";

export function countsFacts(tlparseStderr: string, summary: TraceSummary): Fact[] {
  const stats = { ok: 0, other_rank: 0, fail_glog: 0, fail_json: 0, fail_payload_md5: 0 };
  for (const line of tlparseStderr.matchAll(/Stats \{([^}]*)\}/g)) {
    for (const m of (line[1] as string).matchAll(/(\w+): (\d+)/g)) {
      const key = m[1] as keyof typeof stats;
      if (key in stats) stats[key] += Number(m[2]);
    }
  }
  const nonStr = summary.envelopes - (summary.envelopesByKey.get("str") ?? 0);
  const read = stats.ok + stats.other_rank + stats.fail_json;
  return [
    fact(
      "counts",
      "Stats",
      `${read} envelopes besides str (ok + other_rank + fail_json)`,
      nonStr + summary.badJson === read
        ? undefined
        : `trace read ${nonStr} and ${summary.badJson} bad JSON lines`,
    ),
    fact(
      "counts",
      "Stats",
      `fail_payload_md5 ${stats.fail_payload_md5}`,
      summary.md5Mismatches === stats.fail_payload_md5
        ? undefined
        : `trace: ${summary.md5Mismatches} MD5 mismatches`,
    ),
    fact(
      "counts",
      "Stats",
      `fail_glog ${stats.fail_glog}`,
      summary.otherLines === stats.fail_glog ? undefined : `trace: ${summary.otherLines} other lines`,
    ),
  ];
}
