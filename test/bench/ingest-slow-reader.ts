// Peak memory of `torch-logs-otel ingest --format jsonl` writing into a reader slower than itself (the issue's
// bound: ≤ 300 MB for 1M lines). Not a mitata scenario: one run per case, reported as measured.
//
//   npx node test/bench/ingest-slow-reader.ts [LINES=1000000] [PAUSE_MS=5]
//
// Writes LINES PyTorch lines (each its own record) to a temporary file, then runs the real CLI on it twice:
// stdout into this process, which takes one chunk (at most 64 KiB) and then pauses PAUSE_MS; and stdout to
// /dev/null (no backpressure at all), for comparison. The child's peak RSS is VmHWM from /proc/PID/status,
// polled until it exits. Linux only.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CLI = new URL("../../src/cli.ts", import.meta.url).pathname;
const lines = Number(process.argv[2] ?? 1_000_000);
const pauseMs = Number(process.argv[3] ?? 5);

interface Run {
  readonly peakRssMb: number;
  readonly seconds: number;
  readonly bytesOut: number;
  readonly summary: string;
}

async function writeInput(path: string): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < lines; i++) {
    const seconds = String(Math.floor(i / 1e6) % 60).padStart(2, "0");
    const micros = String(i % 1e6).padStart(6, "0");
    const line = `W0326 11:04:${seconds}.${micros} 62 torch/_inductor/utils.py:1679] step ${i} loss 0.${i % 97}\n`;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

function peakRssKb(pid: number): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // exited
  }
}

async function run(file: string, slowReader: boolean): Promise<Run> {
  const env = { ...process.env };
  delete env.TORCH_LOGS; // with it set, ingest would filter
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ["--conditions=development", CLI, "ingest", "--format", "jsonl", file],
    { stdio: ["ignore", slowReader ? "pipe" : openSync("/dev/null", "w"), "pipe"], env },
  );
  let peak = 0;
  const poll = setInterval(() => {
    peak = Math.max(peak, peakRssKb(child.pid ?? 0));
  }, 20);
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  let bytesOut = 0;
  const stdout = child.stdout;
  stdout?.on("data", (chunk: Buffer) => {
    bytesOut += chunk.length;
    stdout.pause();
    setTimeout(() => stdout.resume(), pauseMs);
  });
  const [code] = (await once(child, "close")) as [number | null];
  clearInterval(poll);
  if (code !== 0) throw new Error(`ingest exited with ${code}: ${stderr}`);
  return {
    peakRssMb: Math.round(peak / 1024),
    seconds: Math.round((performance.now() - started) / 100) / 10,
    bytesOut,
    summary: stderr.trim(),
  };
}

const dir = mkdtempSync(join(tmpdir(), "torch-logs-otel-slow-reader-"));
try {
  const file = join(dir, "train.log");
  await writeInput(file);
  console.log(`ingest --format jsonl, ${lines.toLocaleString("en-US")} lines`);
  const slow = await run(file, true);
  console.log(
    `  into a slow reader (64 KiB, then ${pauseMs} ms pause): peak RSS ${slow.peakRssMb} MB, ${slow.seconds} s, ` +
      `${(slow.bytesOut / 1e6).toFixed(0)} MB read\n    ${slow.summary}`,
  );
  const fast = await run(file, false);
  console.log(`  into /dev/null: peak RSS ${fast.peakRssMb} MB, ${fast.seconds} s\n    ${fast.summary}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
