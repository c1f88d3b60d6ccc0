// Ranks compared as tlparse's --all-ranks-html compares them (compile ids, cache hits and misses, collective
// sequences, tensor metadata), and each rank's collectives parity, on the real multi-rank files.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  collectivesParity,
  countCodeCollectives,
  countScheduledCollectives,
} from "../../src/trace/collectives-parity.ts";
import { compareRanks, rankReport } from "../../src/trace/compare-ranks.ts";
import { RankSummary } from "../../src/trace/rank-summary.ts";
import { readTrace } from "./read-trace-fixture.ts";

const SHARED = join(import.meta.dirname, "..", "fixtures", "torch-trace");
const RECORDED = join(import.meta.dirname, "..", "fixtures", "torch-trace-2.15");

/** Reads a directory's rank files into one RankSummary per rank, as `trace` does. */
function summarize(dir: string, files: readonly string[]): RankSummary[] {
  const ranks = new Map<number, RankSummary>();
  for (const file of files) {
    readTrace(join(dir, file), {
      rankSummary: (rank) => {
        const summary = ranks.get(rank) ?? new RankSummary(rank);
        ranks.set(rank, summary);
        return summary;
      },
    });
  }
  return [...ranks.values()];
}

const MULTI = summarize(join(SHARED, "multi_rank_schedule"), [
  "dedicated_log_torch_trace_rank_0_6u3fubwl.log",
  "dedicated_log_torch_trace_rank_1_n8zycf07.log",
  "dedicated_log_torch_trace_rank_2.log",
]);
const GLOO = summarize(join(RECORDED, "dist_gloo"), [
  "dedicated_log_torch_trace_rank_0_c1bi0vq_.log",
  "dedicated_log_torch_trace_rank_1_yx41nxay.log",
]);

function gauge(points: ReturnType<typeof compareRanks>["points"]) {
  return points.map(
    (p) => `${p.attributes["torch.compile.divergence.kind"]} ${p.attributes["torch.rank"]}=${p.value}`,
  );
}

describe("compareRanks", () => {
  it("finds rank 1's collectives apart from ranks 0 and 2 (multi_rank_schedule, as tlparse warns)", () => {
    const { records, points } = compareRanks(
      MULTI.map((s) => s.digest()),
      [1, 0],
    );
    expect(gauge(points)).toEqual([
      "compile_ids 0=0",
      "compile_ids 1=0",
      "compile_ids 2=0",
      "cache 0=0",
      "cache 1=0",
      "cache 2=0",
      "collectives 0=0",
      "collectives 1=1",
      "collectives 2=0",
      "tensor_meta 0=0",
      "tensor_meta 1=0",
      "tensor_meta 2=0",
    ]);
    expect(
      records.map((r) => [
        r.attributes["torch.rank"],
        r.attributes["torch.compile.divergence.group"],
        r.attributes["torch.compile.divergence.groups"],
      ]),
    ).toEqual([
      [0, "0, 2", 2],
      [1, "1", 2],
      [2, "0, 2", 2],
    ]);
    expect(records[1]?.body).toMatch(
      /^The ranks' collective operation sequences differ \(\[0, 2\] \[1\]\); rank 1 agrees with no other rank\. Its 6 collective ops: /,
    );
    expect(
      records.every((r) => r.eventName === "torch.compile.rank_divergence" && r.severityText === "WARN"),
    ).toBe(true);
  });

  it("is 0 for every rank and kind, with no record, when the ranks agree (2.15 dist_gloo)", () => {
    const { records, points } = compareRanks(
      GLOO.map((s) => s.digest()),
      [1, 0],
    );
    expect(records).toEqual([]);
    expect(points).toHaveLength(8);
    expect(points.every((p) => p.value === 0 && p.kind === "gauge")).toBe(true);
  });

  it("says nothing about a single rank", () => {
    expect(compareRanks([MULTI[0]?.digest() as never], [1, 0])).toEqual({ records: [], points: [] });
  });

  it("compares tensor metadata only among the ranks that logged some, and cache results in order", () => {
    const [a, b, c] = [0, 1, 2].map((rank) => new RankSummary(rank)) as [
      RankSummary,
      RankSummary,
      RankSummary,
    ];
    for (const s of [a, b, c]) s.observe("0/0", "-_0_0_0", "fx_graph_cache_miss", "{}");
    b.observe("1/0", "-_1_0_0", "fx_graph_cache_hit", "{}");
    c.observe("1/0", "-_1_0_0", "fx_graph_cache_hit", "{}");
    a.observe("0/0", "-_0_0_0", "inductor_runtime_and_tensor_meta", '{"ops": []}');
    b.observe("0/0", "-_0_0_0", "inductor_runtime_and_tensor_meta", '{"ops":  []}');
    const { points } = compareRanks(
      [a, b, c].map((s) => s.digest()),
      [1, 0],
    );
    expect(gauge(points).filter((g) => !g.startsWith("collectives"))).toEqual([
      "compile_ids 0=1",
      "compile_ids 1=0",
      "compile_ids 2=0",
      "cache 0=1",
      "cache 1=0",
      "cache 2=0",
      "tensor_meta 0=0",
      "tensor_meta 1=0",
      "tensor_meta 2=0",
    ]);
  });
});

describe("collectives parity", () => {
  it("reports rank 1's compile 0/0, whose code issues a reduce_scatter its schedule lacks (as tlparse does)", () => {
    const { records } = rankReport(MULTI, [1, 0]);
    const parity = records.filter((r) => r.eventName === "torch.compile.collectives_parity");
    expect(parity.map((r) => r.attributes)).toEqual([
      {
        "torch.trace.event": "torch.compile.collectives_parity",
        "torch.rank": 1,
        "torch.compile.collectives.offset": 1,
        "torch.compile.collectives.missing_waits": 0,
        "torch.compile_id": "0/0",
        "torch.compile.frame_id": 0,
        "torch.compile.frame_compile_id": 0,
        "torch.compile.attempt": 0,
      },
    ]);
  });

  it.each([
    [
      "a call",
      "buf1 = torch.ops._c10d_functional.all_reduce_.default(buf0, 'sum', '0')",
      { all_reduce: 1 },
      0,
    ],
    ["a wait", "torch.ops._c10d_functional.wait_tensor.default(buf1)", {}, 1],
    ["a commented call", "# torch.ops._c10d_functional.all_gather_into_tensor.default(x, 2, '0')", {}, 0],
    // As tlparse reads the code: its HTML, where ' is &#39; and so starts a comment to the line's end.
    ["a call after a quote", "f('x'); torch.ops._c10d_functional.broadcast.default(y)", {}, 0],
    [
      "spaces",
      "torch . ops . c10d_functional . reduce_scatter_tensor . default (x)",
      { reduce_scatter: 1 },
      0,
    ],
  ])("counts %s in the code", (_, code, counts, waits) => {
    expect(countCodeCollectives(code)).toEqual({ counts, waits });
  });

  it("offsets schedule and code by kind and counts calls without a wait", () => {
    const scheduled = countScheduledCollectives(
      '["torch.ops._c10d_functional.all_reduce_.default", "torch.ops._c10d_functional.wait_tensor.default", "torch.ops._c10d_functional.reduce.default"]',
    );
    expect(scheduled).toEqual({ all_reduce: 1, reduce: 1 });
    expect(collectivesParity(scheduled ?? {}, { counts: { all_reduce: 2 }, waits: 1 })).toEqual({
      offset: 2,
      missingWaits: 1,
    });
    expect(countScheduledCollectives("[]")).toBeUndefined();
  });
});
