// `trace --ranks` (issue 22: per-rank selection): a multi-rank TORCH_TRACE directory reduced to some ranks gives
// exactly what those ranks' files give on their own; a file without a rank in its name (a process that had no
// process group) is left out and counted; a list that does not parse is a usage error naming the item.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTraceCaptured, type TraceLine } from "../support/run-trace-captured.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;
const MULTI_RANK = join(FIXTURES, "torch-trace/multi_rank_schedule");
const RANK_FILES = [
  "dedicated_log_torch_trace_rank_0_6u3fubwl.log",
  "dedicated_log_torch_trace_rank_1_n8zycf07.log",
  "dedicated_log_torch_trace_rank_2.log",
];

/**
 * The records, spans and points a rank's file gives, as lines, without what the run derives by comparing ranks
 * (the divergence gauge and records, collectives parity), which depends on which ranks were read.
 */
function ofRank(lines: readonly TraceLine[], rank: number): string[] {
  const acrossRanks = (line: TraceLine) =>
    String(line.name ?? "").startsWith("torch.compile.rank_divergence") ||
    /^torch\.compile\.(rank_divergence|collectives_parity)/.test(String(line.eventName ?? ""));
  return lines
    .filter((line) => line.attributes?.["torch.rank"] === rank && !acrossRanks(line))
    .map((line) => JSON.stringify(line))
    .sort();
}

function differing(a: readonly string[], b: readonly string[]): string[] {
  const inB = new Set(b);
  const inA = new Set(a);
  return [...a.filter((x) => !inB.has(x)), ...b.filter((x) => !inA.has(x))].map((x) => x.slice(0, 300));
}

describe("trace --ranks", () => {
  it.each([
    ["0", [0]],
    ["1-2", [1, 2]],
    ["0,2", [0, 2]],
  ])("--ranks %s reads exactly the files of ranks %j", async (list, ranks) => {
    const all = await runTraceCaptured(["--format", "jsonl", MULTI_RANK]);
    const selected = await runTraceCaptured(["--format", "jsonl", "--ranks", list, MULTI_RANK]);
    expect(selected.code, selected.stderr).toBe(0);
    const seen = new Set(
      selected.lines.flatMap((line) => [line.attributes?.["torch.rank"]]).filter((r) => r !== undefined),
    );
    expect([...seen].sort()).toEqual(ranks);
    for (const rank of ranks) {
      const mine = ofRank(selected.lines, rank);
      const alone = ofRank(all.lines, rank);
      expect(differing(mine, alone)).toEqual([]);
      expect(mine.length).toBe(alone.length);
    }
    const left = RANK_FILES.length - ranks.length;
    expect(selected.stderr).toContain(
      `${left} file${left === 1 ? "" : "s"} not of ranks ${list} (0 without a rank) left out`,
    );
  });

  it("leaves out a file without a rank in its name, and says so", async () => {
    const { code, lines, stderr } = await runTraceCaptured([
      "--format",
      "jsonl",
      "--ranks",
      "0",
      join(FIXTURES, "torch-trace/simple.log"),
    ]);
    expect(code).toBe(0);
    expect(lines.filter((line) => line.signal !== "resource")).toEqual([]);
    expect(stderr).toContain("trace: 0 files,");
    expect(stderr).toContain("1 file not of ranks 0 (1 without a rank) left out");
  });

  it("refuses a list that does not parse, naming the item (exit 2)", async () => {
    const { code, stderr } = await runTraceCaptured(["--ranks", "0,3-1", MULTI_RANK]);
    expect(code).toBe(2);
    expect(stderr).toContain('--ranks: "3-1" at item 2');
  });
});
