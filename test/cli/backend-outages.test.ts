// `ingest` and `trace` against backends that misbehave: down (nothing listens), failing, dribbling their answer.
// Batch runs report the failure at once and while it lasts, give up after --retry-for and exit 3; --follow
// retries until stopped, pausing reading on a bounded queue, and loses nothing when the backend comes back.
// In-process runs (runIngest/runTrace, for the stop signal and the report interval) and the real CLI in child
// processes; every wait is bounded.

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type IngestDeps, runIngest } from "../../src/cli/ingest-command.ts";
import { runTrace } from "../../src/cli/trace-command.ts";
import { type OtlpReceiver, startOtlpReceiver, unusedEndpoint } from "../support/otlp-receiver.ts";
import { within } from "../support/within.ts";

const CLI = new URL("../../src/cli.ts", import.meta.url).pathname;
const TRACE = new URL("../fixtures/torch-trace/chromium_events.log", import.meta.url).pathname;

let dir: string;
let receiver: OtlpReceiver;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "torch-logs-otel-outage-"));
  receiver = await startOtlpReceiver({ tracesAndMetrics: true });
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `count` lines that are not PyTorch records: one record each. */
function steps(from: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `step ${from + i} loss 0.5\n`).join("");
}

function writeLog(count: number): string {
  const path = join(dir, "train.log");
  writeFileSync(path, steps(0, count));
  return path;
}

interface Captured {
  readonly stderr: () => string;
  readonly done: Promise<number>;
}

function ingest(args: readonly string[], env: Record<string, string>, deps: IngestDeps = {}): Captured {
  let stderr = "";
  const io = {
    argv: [],
    env,
    stdout: () => {},
    stderr: (text: string) => {
      stderr += text;
    },
  };
  return { stderr: () => stderr, done: runIngest(io, args, { reportIntervalMs: 100, ...deps }) };
}

async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function summaryOf(stderr: string): { records: number; exported: number; dropped: number } {
  const line = /^ingest: .*$/m.exec(stderr)?.[0];
  if (line === undefined) throw new Error(`no summary in stderr:\n${stderr}`);
  const count = (pattern: RegExp) => Number(pattern.exec(line)?.[1] ?? 0);
  return {
    records: count(/(\d+) records?\b/),
    exported: count(/(\d+) exported\b/),
    dropped: count(/(\d+) dropped\b/),
  };
}

describe("ingest, backend down", () => {
  it("reports at once and every interval with counts, gives up after --retry-for, drops the rest, exits 3", async () => {
    const endpoint = await unusedEndpoint();
    const run = ingest(["--retry-for", "800ms", writeLog(5000)], {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_BLRP_MAX_QUEUE_SIZE: "100",
      OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: "50",
    });
    const code = await within(run.done, 10_000, "ingest");
    expect(code).toBe(3);
    const lines = run.stderr().split("\n");
    expect(lines[0]).toMatch(
      /^torch-logs-otel ingest: cannot deliver to the backend \(connect ECONNREFUSED [\d.:]+\); retrying for up to 0\.\d s$/,
    );
    // While it lasts: the queue (100) is full and reading waits, nothing is lost before giving up.
    const progress = lines.filter((l) => l.includes("backend failing for"));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(
      progress.some((l) => /: 100 log records waiting, 0 exported, 0 lost; retrying for up to/.test(l)),
    ).toBe(true);
    expect(lines.some((l) => /gave up after \d+(\.\d)? s of failed exports \(--retry-for\)/.test(l))).toBe(
      true,
    );
    expect(summaryOf(run.stderr())).toEqual({ records: 5000, exported: 0, dropped: 5000 });
  });

  it("the real CLI on a 4.5 MB log: the first line within seconds, exit 3 soon after --retry-for", async () => {
    const path = join(dir, "big.log");
    writeFileSync(path, steps(0, 200_000)); // 4.5 MB
    const child = spawn(
      process.execPath,
      ["--conditions=development", CLI, "ingest", "--retry-for", "1s", path],
      {
        stdio: ["ignore", "ignore", "pipe"],
        env: { PATH: process.env.PATH ?? "", OTEL_EXPORTER_OTLP_ENDPOINT: await unusedEndpoint() },
      },
    );
    children.push(child);
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    await until(() => stderr.includes("cannot deliver to the backend"), "the first report line", 5000);
    const [code] = await within(once(child, "close"), 20_000, "ingest");
    expect(code).toBe(3);
    expect(summaryOf(stderr)).toEqual({ records: 200_000, exported: 0, dropped: 200_000 });
  });

  it("--retry-for 0 gives up at the first failure", async () => {
    const run = ingest(["--retry-for", "0", writeLog(10)], {
      OTEL_EXPORTER_OTLP_ENDPOINT: await unusedEndpoint(),
    });
    expect(await within(run.done, 5000, "ingest")).toBe(3);
    expect(run.stderr()).toMatch(/gave up after 0 s of failed exports/);
  });
});

describe("ingest --follow, backend failing", () => {
  it("retries past --retry-for with a bounded queue, loses nothing when the backend is back, exits 0", async () => {
    receiver.setBehaviour({ status: 503 });
    const path = writeLog(30);
    const stop = new AbortController();
    const run = ingest(
      ["--follow", "--retry-for", "200ms", path],
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BLRP_MAX_QUEUE_SIZE: "40",
        OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: "20",
        OTEL_BLRP_SCHEDULE_DELAY: "10",
      },
      { signal: stop.signal, pollIntervalMs: 20, idleMs: 20 },
    );
    await until(() => run.stderr().includes("cannot deliver to the backend (HTTP 503"), "the outage report");
    expect(run.stderr()).toContain("retrying until it answers");
    await appendFile(path, steps(30, 170)); // more than the queue holds: reading waits
    await sleep(600); // three times --retry-for: still retrying, nothing given up
    expect(run.stderr()).not.toContain("gave up");
    expect(run.stderr()).toMatch(
      /backend failing for \d+(\.\d)? s \(HTTP 503 [^)]*\): 40 log records waiting, 0 exported, 0 lost; retrying until it answers/,
    );
    receiver.setBehaviour({});
    await until(() => receiver.records.length === 200, "all 200 records at the backend");
    expect(run.stderr()).toMatch(/the backend takes records again after \d+(\.\d)? s/);
    stop.abort();
    expect(await within(run.done, 5000, "ingest")).toBe(0);
    expect(summaryOf(run.stderr())).toEqual({ records: 200, exported: 200, dropped: 0 });
    expect(receiver.records.map((r) => r.body)).toEqual(steps(0, 200).trimEnd().split("\n"));
  });

  it("stopped while the backend is down: retries for --retry-for more, then exits 3", async () => {
    const path = writeLog(50);
    const stop = new AbortController();
    const run = ingest(
      ["--follow", "--retry-for", "300ms", path],
      { OTEL_EXPORTER_OTLP_ENDPOINT: await unusedEndpoint(), OTEL_BLRP_SCHEDULE_DELAY: "10" },
      { signal: stop.signal, pollIntervalMs: 20, idleMs: 20 },
    );
    await until(() => run.stderr().includes("cannot deliver to the backend"), "the outage report");
    await sleep(500);
    stop.abort();
    expect(await within(run.done, 5000, "ingest after the stop")).toBe(3);
    expect(run.stderr()).toMatch(/gave up after \d+(\.\d)? s of failed exports/);
    expect(summaryOf(run.stderr())).toEqual({ records: 50, exported: 0, dropped: 50 });
  });
});

describe("trace, backend failing", () => {
  it("escapes the backend's reason phrase in its failure line, gives up after --retry-for, exits 3", async () => {
    receiver.setBehaviour({ status: 500, reasonPhrase: "Bad \x1b]0;pwned\x07 gateway", allSignals: true });
    let stderr = "";
    const code = await within(
      runTrace(
        {
          argv: [],
          env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
          stdout: () => {},
          stderr: (t) => {
            stderr += t;
          },
        },
        ["--retry-for", "200ms", TRACE],
        { reportIntervalMs: 100 },
      ),
      10_000,
      "trace",
    );
    expect(code).toBe(3);
    expect(stderr).toContain("spans could not be exported: HTTP 500 Bad \\x1b]0;pwned\\x07 gateway");
    expect(stderr).toContain("log records failed to export: HTTP 500 Bad \\x1b]0;pwned\\x07 gateway");
    expect(stderr).not.toContain("\x1b");
    expect(stderr).not.toContain("\x07");
    expect(stderr).toContain("spans 0 exported, 3 failed;");
  });
});

describe("a backend that answers 200, then its body one byte at a time (the real CLI)", () => {
  it.each([
    ["ingest", () => writeLog(20), /ingest: 20 lines, 20 records .* 20 exported, 0 dropped/],
    ["trace", () => TRACE, /trace: logs 0 filtered, 8 exported, 0 failed; spans 3 exported, 0 failed/],
  ])("%s ends within the export timeout and prints its summary", async (command, input, summary) => {
    receiver.setBehaviour({ dribble: { intervalMs: 100 }, allSignals: true });
    const child = spawn(process.execPath, ["--conditions=development", CLI, command, input()], {
      stdio: ["ignore", "ignore", "pipe"],
      env: {
        PATH: process.env.PATH ?? "",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_TIMEOUT: "500",
      },
    });
    children.push(child);
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    const [code] = await within(once(child, "close"), 15_000, command);
    expect(code).toBe(0);
    expect(stderr).toMatch(summary);
  });
});
