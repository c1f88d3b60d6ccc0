// Memory bounded by configuration, not by the input (issue 21, item 8): `trace`'s peak RSS is the same for 25 MB
// and 200 MB of trace. Both inputs are the real trace files of test/fixtures/torch-trace that have chromium
// events, concatenated and repeated (as test/bench/8-trace.bench.ts builds its input); the command runs as a
// user runs it — the built bin, in a child process (from src/, Node's type stripping alone peaks at 200 MB) —
// and reports its own peak RSS as it exits: VmHWM of /proc/self/status (Linux), the high-water mark of this
// process image (getrusage's maxRSS would report the parent's when it was larger, as it survives fork and exec).
// Before the fix, the built bin peaked at 150-156 MiB for 25 MB and 185-200 MiB for 200 MB (ratio 1.14-1.38 over
// six runs): queues of 2048 log records and 512 spans, each record with its payload, kept V8's heap growing as
// the input went on. After: 108-110 MiB for both (ratio 0.99-1.05).
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InstalledPackage, installPackage } from "../support/installed-package.ts";
import { FIXTURES, TRACE_FILES_WITH_SPANS } from "../trace/read-trace-fixture.ts";

const MARK = "peak-rss-kib ";
const PRELOAD = `import { readFileSync } from "node:fs";
process.on("exit", () => {
  const kib = /^VmHWM:\\s*(\\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  process.stderr.write(${JSON.stringify(MARK)} + kib + "\\n");
});
`;
/** Peak RSS of the 200 MB run over the 25 MB run's: growth with the input shows above 1. */
const MAX_RATIO = 1.15;

let dir = "";
let installed: InstalledPackage | undefined;
let cli = "";
beforeAll(async () => {
  installed = await installPackage();
  cli = join(installed.consumer, "node_modules", "torch-logs-otel", "dist", "cli.js");
  dir = await mkdtemp(join(os.tmpdir(), "trace-peak-rss-"));
  const texts = await Promise.all(
    TRACE_FILES_WITH_SPANS.map((file) => readFile(join(FIXTURES, file), "utf8")),
  );
  const once = texts.map((text) => (text.endsWith("\n") ? text : `${text}\n`)).join("");
  for (const mb of [25, 200])
    await writeFile(
      join(dir, `dedicated_log_torch_trace_rank_0_${mb}.log`),
      once.repeat(Math.ceil((mb * 1e6) / once.length)),
    );
  await writeFile(join(dir, "preload.mjs"), PRELOAD);
});
afterAll(async () => {
  installed?.remove();
  if (dir !== "") await rm(dir, { recursive: true, force: true });
});

/** Runs `trace --format jsonl FILE > /dev/null`; resolves with its peak RSS in KiB and its summary. */
function peakRss(mb: number): Promise<{ kib: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const file = join(dir, `dedicated_log_torch_trace_rank_0_${mb}.log`);
    const child = spawn(
      process.execPath,
      ["--import", join(dir, "preload.mjs"), cli, "trace", "--format", "jsonl", file],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const mark = stderr.split("\n").find((line) => line.startsWith(MARK));
      const kib = Number(mark?.slice(MARK.length));
      if (code !== 0 || mark === undefined) reject(new Error(`trace exited with ${code}: ${stderr}`));
      else if (!(kib > 0))
        reject(new Error("no VmHWM in /proc/self/status: this test measures peak RSS on Linux"));
      else resolve({ kib, stderr });
    });
  });
}

describe("trace's peak RSS", () => {
  it("is the same for 25 MB and 200 MB of trace", { timeout: 120_000 }, async () => {
    const small = await peakRss(25);
    const large = await peakRss(200);
    // Every record of the large input was read.
    expect(large.stderr).toMatch(/trace: 1 file, \d+ lines, 134734 envelopes/);
    const ratio = large.kib / small.kib;
    expect(
      ratio,
      `peak RSS ${small.kib >> 10} MiB for 25 MB, ${large.kib >> 10} MiB for 200 MB`,
    ).toBeLessThan(MAX_RATIO);
  });
});
