// Streaming: reading a 100 MB trace keeps memory bounded (what one record and one open span group need), not
// growing with the file. Generous margins; heap measured after a full GC.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { RankSummary } from "../../src/trace/rank-summary.ts";
import { TraceFileMapper } from "../../src/trace/trace-file-mapper.ts";
import { FIXTURES } from "./read-trace-fixture.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function heapAfterGc(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

describe("TraceFileMapper memory", () => {
  it("streams 100 MB of trace with a heap that does not grow with the input", () => {
    const text = readFileSync(
      join(FIXTURES, "multi_rank_schedule", "dedicated_log_torch_trace_rank_0_6u3fubwl.log"),
      "utf8",
    );
    const repeats = Math.ceil(100e6 / text.length);
    // What the ranks are compared on is kept too (bounded digests).
    const summary = new RankSummary(0);
    const mapper = new TraceFileMapper({
      file: { fileName: "dedicated_log_torch_trace_rank_0_mem.log", rank: 0 },
      fallback: () => ({ utcOffsetMinutes: 0, reference: Date.now() }),
      rankSummary: () => summary,
    });
    const baseline = heapAfterGc();
    let peak = 0;
    let logs = 0;
    const chunk = 256 * 1024;
    for (let r = 0; r < repeats; r++) {
      for (let at = 0; at < text.length; at += chunk)
        logs += mapper.push(text.slice(at, at + chunk)).logs.length;
      if (r % 100 === 0) peak = Math.max(peak, heapAfterGc() - baseline);
    }
    logs += mapper.end().logs.length;
    // 41 envelope records and the torch.compile.config records of its 2 compiles, per copy of the file.
    expect(logs).toBe(43 * repeats);
    expect(summary.digest().sequences.collectives.length).toBe(8 * repeats);
    expect(mapper.reader.stats.md5Mismatches).toBe(0);
    // The input is 100 MB; held state is one record plus one compile's spans.
    expect(peak).toBeLessThan(32 * 1024 * 1024);
  });
});
