// `torch-logs-otel trace` at the edges `ingest` already handles: a stdout that is slow or gone (in-process, with
// the CliIo hooks the bin wires to its SafeOutput), Ctrl-C on `--follow` (the real bin in a child process), and
// `--follow` on a pipe.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { appendFile, copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/cli-io.ts";
import { runTrace } from "../../src/cli/trace-command.ts";
import { FIXTURES } from "../trace/read-trace-fixture.ts";

const CLI = new URL("../../src/cli.ts", import.meta.url).pathname;
const SIMPLE = join(FIXTURES, "simple.log");
/** simple.log's envelopes, one log record each. */
/** simple.log: 14 envelope records and its compile's torch.compile.config record. */
const SIMPLE_LOGS = 15;

let dir: string | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

interface Captured {
  readonly io: CliIo;
  readonly printed: () => { signal: string }[];
  readonly stderr: () => string;
}

function capture(hooks: Partial<CliIo> = {}): Captured {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    argv: [],
    env: {},
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    ...hooks,
  };
  const printed = () =>
    stdout
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as { signal: string });
  return { io, printed, stderr: () => stderr };
}

describe("trace --format jsonl into a slow reader", () => {
  it("reads no further while stdout has not drained, then prints everything", async () => {
    dir = await mkdtemp(join(os.tmpdir(), "trace-slow-"));
    for (const rank of [0, 1])
      await copyFile(SIMPLE, join(dir, `dedicated_log_torch_trace_rank_${rank}_x.log`));
    let drain = () => {};
    const drained = new Promise<void>((resolve) => {
      drain = resolve;
    });
    const { io, printed } = capture({ stdoutDrained: () => drained });
    let settled = false;
    const run = runTrace(io, ["--format", "jsonl", dir]).finally(() => {
      settled = true;
    });
    const spans = () => printed().filter((line) => line.signal === "span").length;
    for (const deadline = Date.now() + 5_000; spans() === 0 && Date.now() < deadline; ) await sleep(20);
    // Time enough to read on, were it not waiting for stdout.
    await sleep(200);
    // The reader is stalled: what the first read of the first file yielded is printed, nothing more is read.
    expect(settled).toBe(false);
    const whileStalled = spans();
    expect(whileStalled).toBeGreaterThan(0);
    drain();
    expect(await run).toBe(0);
    // Fewer than one file's spans were printed while stalled (the rest wait for the file's end).
    expect(whileStalled).toBeLessThan(spans() / 2);
    expect(printed().filter((line) => line.signal === "log")).toHaveLength(2 * SIMPLE_LOGS);
  });
});

describe("trace --format jsonl with a closed stdout (EPIPE: `trace … | head -1`)", () => {
  it("stops reading at the first sign of it, exit 0", async () => {
    const closed = new AbortController();
    let writes = 0;
    const { io, stderr } = capture({ stdoutClosed: closed.signal });
    const counting: CliIo = {
      ...io,
      stdout: (text) => {
        writes++;
        io.stdout(text);
        closed.abort(new Error("write EPIPE"));
      },
    };
    dir = await mkdtemp(join(os.tmpdir(), "trace-epipe-"));
    for (let rank = 0; rank < 20; rank++)
      await copyFile(SIMPLE, join(dir, `dedicated_log_torch_trace_rank_${rank}_x.log`));
    expect(await runTrace(counting, ["--format", "jsonl", dir])).toBe(0);
    // The first file's read ends the run: the other 19 are never started.
    expect(stderr()).toMatch(/^trace: 1 file, /m);
    expect(writes).toBeLessThan(5);
  });
});

describe("Ctrl-C on `trace --follow`", () => {
  it("reads the followed files to their current end, then exits 0", async () => {
    dir = await mkdtemp(join(os.tmpdir(), "trace-sigint-"));
    const file = join(dir, "dedicated_log_torch_trace_rank_0_x.log");
    await copyFile(SIMPLE, file);
    const bin = spawn(
      process.execPath,
      ["--conditions=development", CLI, "trace", "--format", "jsonl", "--follow", dir],
      { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "" } },
    );
    child = bin;
    let stdout = "";
    bin.stdout?.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    const logs = () => stdout.split("\n").filter((line) => line.includes('"signal":"log"')).length;
    const deadline = Date.now() + 10_000;
    while (logs() < SIMPLE_LOGS && Date.now() < deadline) await sleep(20);
    expect(logs()).toBe(SIMPLE_LOGS);
    // The producer writes more, and the user presses Ctrl-C before trace's next look at the file.
    await appendFile(file, await readFile(SIMPLE));
    bin.kill("SIGINT");
    const [code] = await once(bin, "close");
    expect(code).toBe(0);
    expect(logs()).toBe(2 * SIMPLE_LOGS);
  }, 20_000);
});

describe("trace --follow on a pipe", () => {
  it("says it cannot follow a pipe, as ingest does (exit 1)", async () => {
    dir = await mkdtemp(join(os.tmpdir(), "trace-fifo-"));
    const fifo = join(dir, "trace.fifo");
    execFileSync("mkfifo", [fifo]);
    const { io, stderr } = capture();
    const code = await runTrace(io, ["--format", "jsonl", "--follow", fifo], {
      signal: AbortSignal.timeout(500),
    });
    expect(code).toBe(1);
    expect(stderr()).toContain(
      `torch-logs-otel trace: cannot follow ${fifo}: it is a pipe, not a regular file`,
    );
    expect(stderr()).not.toContain("cannot read");
  });
});

describe("trace --follow on a PATH that cannot be read", () => {
  it("says so once, not at every poll (exit 1)", async () => {
    const bad = join(SIMPLE, "not-a-directory");
    const { io, stderr } = capture();
    const code = await runTrace(io, ["--format", "jsonl", "--follow", bad], {
      signal: AbortSignal.timeout(400),
      pollIntervalMs: 20,
    });
    expect(code).toBe(1);
    expect(stderr().match(/cannot read .*not-a-directory/g)).toHaveLength(1);
  });
});
