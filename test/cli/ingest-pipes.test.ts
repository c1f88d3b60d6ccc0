// `torch-logs-otel ingest` as the bin runs in real deployments: real child processes in real shell pipelines
// (`| head -1`, FIFOs, `/dev/stdin`, `<(…)`), signals sent to the process group as Ctrl-C does, a reader
// slower than ingest, and the real OTLP/HTTP exporter sending to the test receiver on 127.0.0.1.

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type OtlpReceiver, startOtlpReceiver } from "../support/otlp-receiver.ts";
import { killProcessGroup } from "../support/processes.ts";

const CLI = new URL("../../src/cli.ts", import.meta.url).pathname;
const PRODUCER = new URL("../fixtures/apps/interrupted-producer.ts", import.meta.url).pathname;
const SAMPLES = new URL("../fixtures/pytorch-logs/", import.meta.url).pathname;

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Running {
  readonly child: ChildProcess;
  /** Output so far. */
  readonly stdout: () => string;
  readonly finished: Promise<Finished>;
}

const children: ChildProcess[] = [];
let dir: string;
let receiver: OtlpReceiver;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "torch-logs-otel-pipes-"));
  receiver = await startOtlpReceiver();
});

afterEach(async () => {
  // Whatever a test left running: each child's whole process group, also when the child itself has ended (a
  // background `cat > fifo` outlives its shell when the reader failed).
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    if (child.pid !== undefined) await killProcessGroup(child.pid);
  }
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs a bash script in its own process group (so a signal to `-pid` reaches every process in it, as Ctrl-C
 * does), with `$INGEST` the CLI's `ingest` command and `$PRODUCER` the stand-in for `python train.py`.
 */
function bash(script: string, env: Record<string, string> = {}): Running {
  const child = spawn("bash", ["-c", script], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      INGEST: `${process.execPath} --conditions=development ${CLI} ingest`,
      PRODUCER: `${process.execPath} --no-warnings ${PRODUCER}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      ...env,
    },
  });
  return collect(child);
}

/** The CLI's `ingest` itself as the child. */
function ingest(
  args: readonly string[],
  env: Record<string, string> = {},
  stdin: "ignore" | "pipe" = "ignore",
): Running {
  const child = spawn(process.execPath, ["--conditions=development", CLI, "ingest", ...args], {
    stdio: [stdin, "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, ...env },
  });
  return collect(child);
}

function collect(child: ChildProcess): Running {
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const finished = once(child, "close").then(([code]) => ({ code: code as number | null, stdout, stderr }));
  return { child, stdout: () => stdout, finished };
}

/** The exit status a script reported with `echo "ingest exit $?" >&2`. */
function ingestExit(stderr: string): number | undefined {
  const match = /^ingest exit (\d+)$/m.exec(stderr);
  return match ? Number(match[1]) : undefined;
}

/** The counts of the summary line, read loosely: its wording may change ("printed" for jsonl, "1 record"). */
function summaryOf(stderr: string): { lines: number; records: number; exported: number; dropped: number } {
  const line = /^ingest: .*$/m.exec(stderr)?.[0];
  if (line === undefined) throw new Error(`no summary in stderr:\n${stderr}`);
  const count = (pattern: RegExp) => Number(pattern.exec(line)?.[1] ?? 0);
  return {
    lines: count(/(\d+) lines?\b/),
    records: count(/(\d+) records?\b/),
    exported: count(/(\d+) (?:exported|printed)\b/),
    dropped: count(/(\d+) dropped\b/),
  };
}

/** `count` lines that are not PyTorch records: one record each, in order. */
function writeSteps(count: number, name = "train.log"): { path: string; lines: string[] } {
  const lines = Array.from({ length: count }, (_, i) => `step ${i} loss 0.${i % 97}`);
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return { path, lines };
}

async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const bodies = () => receiver.records.map((record) => String(record.body));

describe("ingest with a closed stdout or stderr", () => {
  it("`--tee … 2>&1 | head -1`: no crash, every record is exported, exit 0", async () => {
    const { path, lines } = writeSteps(50_000);
    const { stdout, stderr } = await bash(
      `$INGEST --tee "${path}" 2>&1 | head -1; echo "ingest exit \${PIPESTATUS[0]}" >&2`,
    ).finished;
    expect(stdout).toBe(`${lines[0]}\n`);
    expect(ingestExit(stderr)).toBe(0);
    expect(bodies()).toEqual(lines);
  });

  it("stderr closed before the first warning: no crash, every record is exported, exit 0", async () => {
    const { path, lines } = writeSteps(2_000);
    // `true` has exited (closing the pipe) before ingest starts, so its first write to stderr — the warning
    // about the bad TORCH_LOGS item — fails with EPIPE.
    const { stderr } = await bash(
      `(sleep 0.3; exec $INGEST --lossy --torch-logs "+dynamo,aot_grpahs" "${path}") 2>&1 >/dev/null | true; ` +
        `echo "ingest exit \${PIPESTATUS[0]}" >&2`,
    ).finished;
    expect(ingestExit(stderr)).toBe(0);
    expect(bodies()).toEqual(lines);
  });

  it("`--format jsonl … | head -1`: stops reading, exit 0", async () => {
    const { path, lines } = writeSteps(50_000);
    const { stdout, stderr } = await bash(
      `$INGEST --format jsonl "${path}" | head -1; echo "ingest exit \${PIPESTATUS[0]}" >&2`,
    ).finished;
    expect(JSON.parse(stdout)).toMatchObject({ body: lines[0] });
    expect(ingestExit(stderr)).toBe(0);
    const summary = summaryOf(stderr);
    expect(summary.lines).toBeLessThan(lines.length);
    expect(summary.exported + summary.dropped).toBe(summary.records);
  });
});

describe("ingest --format jsonl into a slow reader", () => {
  function peakRssBytes(pid: number): number {
    try {
      const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      return match ? Number(match[1]) * 1024 : 0;
    } catch {
      return 0; // exited meanwhile
    }
  }

  it("reads no further ahead than stdout drains: peak RSS stays bounded", async () => {
    const { path, lines } = writeSteps(100_000);
    const input = readFileSync(path);
    const run = ingest(["--format", "jsonl"], {}, "pipe");
    const { child } = run;
    const pid = child.pid ?? 0;
    // The reader is stalled (a pager nobody scrolls): nothing is taken from ingest's stdout.
    child.stdout?.pause();
    let peak = 0;
    const poll = setInterval(() => {
      peak = Math.max(peak, peakRssBytes(pid));
    }, 20);
    try {
      // Offer the whole input on stdin, counting what ingest has taken from the pipe.
      let taken = 0;
      const stdin = child.stdin;
      if (stdin === null) throw new Error("no stdin");
      const writing = (async () => {
        for (let offset = 0; offset < input.length; offset += 64 * 1024) {
          const chunk = input.subarray(offset, offset + 64 * 1024);
          if (!stdin.write(chunk, () => (taken += chunk.length))) await once(stdin, "drain");
        }
        stdin.end();
      })();
      // Until ingest stops taking input: the count stays put for a second.
      let last = -1;
      for (let still = 0; still < 10 && taken < input.length; ) {
        await sleep(100);
        still = taken === last ? still + 1 : 0;
        last = taken;
      }
      // Without backpressure it would have taken (and held the JSON of) the whole input by now.
      expect(taken).toBeLessThan(input.length / 4);
      // Then the reader takes everything.
      child.stdout?.resume();
      await writing;
      const { code, stdout, stderr } = await run.finished;
      expect(code).toBe(0);
      expect(summaryOf(stderr)).toMatchObject({ lines: lines.length, exported: lines.length, dropped: 0 });
      expect(stdout.split("\n")).toHaveLength(lines.length + 1);
    } finally {
      clearInterval(poll);
    }
    // The bound for 1M lines, which test/bench/ingest-slow-reader.ts measures.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(300 * 1024 * 1024);
  });
});

describe("ingest of a pipe given as FILE", () => {
  const sample = "k8s_fsdp_torchelastic_W_I_multiline_with_etcd_logs.log";
  // Larger than a pipe's 64 KiB buffer, so the writer blocks and the input arrives in several reads.
  function writeInput(): string {
    const text = readFileSync(join(SAMPLES, sample), "utf8");
    const path = join(dir, sample);
    writeFileSync(path, text.repeat(Math.ceil((200 * 1024) / text.length)));
    return path;
  }

  it.each([
    [
      "a FIFO (mkfifo), its writer started after",
      (file: string) =>
        `mkfifo "${dir}/p"; (sleep 0.2; cat "${file}" > "${dir}/p") & $INGEST --format jsonl "${dir}/p"`,
    ],
    ["/dev/stdin", (file: string) => `cat "${file}" | $INGEST --format jsonl /dev/stdin`],
    ["<(…)", (file: string) => `$INGEST --format jsonl <(cat "${file}")`],
  ])("%s is read to its end, as the same file would be", async (_name, command) => {
    const file = writeInput();
    const expected = await ingest(["--format", "jsonl", file]).finished;
    const { stdout, stderr } = await bash(`${command(file)}; echo "ingest exit $?" >&2`).finished;
    expect(ingestExit(stderr)).toBe(0);
    const records = (text: string) =>
      text
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => {
          const { body, scope, severityNumber } = JSON.parse(line) as Record<string, unknown>;
          return { body, scope, severityNumber };
        });
    expect(records(stdout)).toEqual(records(expected.stdout));
    expect(summaryOf(stderr)).toEqual(summaryOf(expected.stderr));
    expect(summaryOf(stderr).records).toBeGreaterThan(500);
  });

  it.each([
    ["a FIFO without a writer", `mkfifo "$DIR/p"; $INGEST --follow "$DIR/p"`, "$DIR/p"],
    ["/dev/stdin", `echo x | $INGEST --follow /dev/stdin`, "/dev/stdin"],
    ["<(…)", `$INGEST --follow <(echo x)`, "/dev/fd/"],
  ])("--follow on %s exits 1 with a clear error", async (_name, command, shown) => {
    const { stderr } = await bash(`${command}; echo "ingest exit $?" >&2`, { DIR: dir }).finished;
    expect(ingestExit(stderr)).toBe(1);
    expect(stderr).toContain(`torch-logs-otel ingest: cannot follow ${shown.replace("$DIR", dir)}`);
    expect(stderr).toMatch(/: it is a pipe, not a regular file \(without --follow it is read to its end\)$/m);
  });
});

describe("Ctrl-C on `producer 2>&1 | ingest` (SIGINT to the process group)", () => {
  // The shell traps SIGINT only to outlive the pipeline and report ingest's exit status.
  const PIPELINE = `trap : INT; $PRODUCER 2>&1 | $INGEST; echo "ingest exit $?" >&2`;
  const fast = { OTEL_BLRP_SCHEDULE_DELAY: "20" };

  async function started(env: Record<string, string>): Promise<Running> {
    const run = bash(PIPELINE, { ...fast, ...env });
    // The first line reached the receiver: both processes are running with their handlers installed.
    await receiver.waitForRecords(1, 10_000);
    return run;
  }

  const interrupt = (run: Running) => process.kill(-(run.child.pid ?? 0), "SIGINT");

  it("keeps what the producer prints after the interrupt (its traceback), then exits 0", async () => {
    const run = await started({ MODE: "traceback", DELAY_MS: "500" });
    interrupt(run);
    const { stderr } = await run.finished;
    expect(ingestExit(stderr)).toBe(0);
    expect(bodies()).toEqual([
      "training step 1",
      "Traceback (most recent call last):",
      '  File "train.py", line 3, in <module>',
      "KeyboardInterrupt",
    ]);
    expect(summaryOf(stderr)).toMatchObject({ lines: 4, exported: 4, dropped: 0 });
  });

  it("a second SIGINT stops reading at once; what was read is exported", async () => {
    // The producer answers the second interrupt 1 s later: inside the 3 s grace, after the stop.
    const run = await started({ MODE: "stubborn", DELAY_MS: "1000" });
    interrupt(run);
    await until(() => bodies().includes("first interrupt"), "the line printed after the first SIGINT");
    interrupt(run);
    const { stderr } = await run.finished;
    expect(ingestExit(stderr)).toBe(0);
    expect(bodies()).toEqual(["training step 1", "first interrupt"]);
    expect(summaryOf(stderr)).toMatchObject({ lines: 2, exported: 2 });
  });

  it("a producer that ignores SIGINT: reading ends after the grace period, exit 0", async () => {
    const run = await started({ MODE: "deaf" });
    const before = receiver.records.length;
    interrupt(run);
    const { stderr } = await run.finished;
    expect(ingestExit(stderr)).toBe(0);
    // Reading went on after the interrupt…
    expect(receiver.records.length).toBeGreaterThan(before + 5);
    // …and everything read was exported.
    expect(summaryOf(stderr)).toMatchObject({ exported: receiver.records.length, dropped: 0 });
  });

  it("--follow: reads the file to its current end, then exits 0", async () => {
    const { path, lines } = writeSteps(3);
    const run = ingest(["--format", "jsonl", "--follow", path]);
    await until(() => run.stdout().includes(lines[2] ?? ""), "the existing lines");
    await appendFile(path, "appended just before the interrupt\n");
    run.child.kill("SIGINT");
    const { code, stdout } = await run.finished;
    expect(code).toBe(0);
    const printed = stdout
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => (JSON.parse(line) as { body: string }).body);
    expect(printed).toEqual([...lines, "appended just before the interrupt"]);
  });
});

describe("OTLP endpoint without a scheme", () => {
  it("OTEL_EXPORTER_OTLP_ENDPOINT=localhost:4318 exits 1 showing the expected form", async () => {
    const { code, stderr } = await ingest(
      [join(SAMPLES, "k8s_fsdp_torchelastic_W_I_multiline_with_etcd_logs.log")],
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318",
      },
    ).finished;
    expect(code).toBe(1);
    expect(stderr).toContain(
      'OTEL_EXPORTER_OTLP_ENDPOINT: expected an http:// or https:// URL such as http://localhost:4318, got "localhost:4318" (did you mean "http://localhost:4318"?)',
    );
  });
});
