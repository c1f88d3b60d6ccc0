// `torch-logs-otel ingest` through the CLI (runCli with an injected stdin) or runIngest (when a test needs
// the stop signal or the clock), against the real OTLP/HTTP exporters and the test receiver on 127.0.0.1.

import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type IngestDeps, runIngest } from "../../src/cli/ingest-command.ts";
import { type CliIo, runCli } from "../../src/cli/run-cli.ts";
import { countLines } from "../ingest/count-lines.ts";
import { type OtlpReceiver, startOtlpReceiver } from "../support/otlp-receiver.ts";

const FIXTURES = new URL("../fixtures/pytorch-logs/", import.meta.url);
const SAMPLES = readdirSync(FIXTURES).filter((file) => file.endsWith(".log"));

function samplePath(file: string): string {
  return new URL(file, FIXTURES).pathname;
}

function readSample(file: string): string {
  return readFileSync(new URL(file, FIXTURES), "utf8");
}

type Input = Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

interface RunOptions {
  readonly stdin?: Input;
  readonly env?: Record<string, string>;
  /** Runs runIngest directly with these; otherwise the whole CLI. */
  readonly deps?: IngestDeps;
  /** Called with stdout so far after every write (to wait for output while the command runs). */
  readonly onStdout?: (stdout: string) => void;
}

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** What `--tee` wrote, byte for byte. */
  readonly tee: Buffer;
}

async function ingest(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const tee: Buffer[] = [];
  const stdin = options.stdin ?? [];
  const io: CliIo = {
    argv: ["ingest", ...args],
    env: options.env ?? {},
    stdout: (text) => {
      stdout += text;
      options.onStdout?.(stdout);
    },
    stderr: (text) => {
      stderr += text;
    },
    stdin: Symbol.asyncIterator in stdin ? stdin : toAsync(stdin),
    stdoutBytes: (bytes) => {
      tee.push(Buffer.from(bytes));
    },
  };
  const code = options.deps === undefined ? await runCli(io) : await runIngest(io, args, options.deps);
  return { code, stdout, stderr, tee: Buffer.concat(tee) };
}

async function* toAsync(chunks: Iterable<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
  yield* chunks;
}

interface Summary {
  lines: number;
  records: number;
  torch: number;
  other: number;
  filtered: number;
  exported: number;
  dropped: number;
  skipped: number;
  truncated: number;
}

const SUMMARY =
  /^ingest: (\d+) lines?, (\d+) records? \((\d+) torch, (\d+) other\), (\d+) filtered, (\d+) (?:exported|printed), (\d+) dropped(?: \(\d+ refused by the backend\))?(?:; (\d+) other lines? skipped)?(?:; (\d+) lines? truncated)?$/m;

function summaryOf(stderr: string): Summary {
  const m = SUMMARY.exec(stderr);
  if (m === null) throw new Error(`no summary in stderr:\n${stderr}`);
  const [lines, records, torch, other, filtered, exported, dropped, skipped, truncated] = m
    .slice(1)
    .map((value) => Number(value ?? 0));
  return {
    lines: lines ?? 0,
    records: records ?? 0,
    torch: torch ?? 0,
    other: other ?? 0,
    filtered: filtered ?? 0,
    exported: exported ?? 0,
    dropped: dropped ?? 0,
    skipped: skipped ?? 0,
    truncated: truncated ?? 0,
  };
}

interface JsonLine {
  timeUnixNano: string;
  severityNumber: number;
  severityText: string | null;
  scope: string;
  body: string;
  attributes: Record<string, unknown>;
}

function jsonLines(stdout: string): JsonLine[] {
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as JsonLine);
}

/** Polls until `predicate` holds, failing after `timeoutMs`. */
async function until(predicate: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const GLOG_W =
  "(EngineCore pid=62) [rank0]:W0326 11:04:11.434000 62 torch/_inductor/utils.py:1679] Not enough SMs to use max_autotune_gemm mode";
const VLLM_INFO =
  "(EngineCore pid=62) INFO 03-26 11:04:04 [backends.py:1111] Dynamo bytecode transform time: 7.03 s";

describe("ingest --format jsonl", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("prints one JSON line per record, exactly", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-04-01T00:00:00Z"));
    const { code, stdout, stderr } = await ingest(["--format", "jsonl", "--utc-offset", "+02:00"], {
      stdin: [`${VLLM_INFO}\n${GLOG_W}\n`],
    });
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        `{"timeUnixNano":"1775001600000000000","severityNumber":0,"severityText":null,"scope":"torch_logs_otel.ingest.other","body":${JSON.stringify(VLLM_INFO)},"attributes":{"torch.log.lookalike":"log"}}`,
        `{"timeUnixNano":"1774515851434000000","severityNumber":13,"severityText":"WARN","scope":"torch._inductor.utils","body":"Not enough SMs to use max_autotune_gemm mode","attributes":{"code.file.path":"torch/_inductor/utils.py","code.line.number":1679,"process.pid":62,"torch.rank":0,"torch.log.format":"glog","torch.log.wrapper":"(EngineCore pid=62)"}}`,
        "",
      ].join("\n"),
    );
    // --format jsonl prints: the summary says so.
    expect(stderr).toBe("ingest: 2 lines, 2 records (1 torch, 1 other), 0 filtered, 2 printed, 0 dropped\n");
  });

  it("counts in words: one line, one record", async () => {
    const { stderr } = await ingest(["--format", "jsonl"], { stdin: [`${GLOG_W}\n`] });
    expect(stderr).toBe("ingest: 1 line, 1 record (1 torch, 0 other), 0 filtered, 1 printed, 0 dropped\n");
  });

  it("keeps CRLF, invalid UTF-8 and a partial last line without losing a line", async () => {
    const input = Buffer.concat([
      Buffer.from("W0326 11:04:11.434000 62 torch/_inductor/utils.py:1679] caf"),
      Buffer.from([0xc3]), // "é" cut in half by the next chunk boundary…
      Buffer.from([0xa9, 0x0d]),
      Buffer.from([0x0a, 0x62, 0x61, 0x64, 0xff, 0xfe, 0x0d, 0x0a]), // "bad" + invalid bytes + CRLF
      Buffer.from("no newline at the end"),
    ]);
    // Every byte its own chunk: the decoder and the parser must stitch lines, CRLF and UTF-8 back together.
    const chunks = [...input].map((byte) => Uint8Array.of(byte));
    const { code, stdout, stderr } = await ingest(["--format", "jsonl"], { stdin: chunks });
    expect(code).toBe(0);
    expect(jsonLines(stdout).map((r) => r.body)).toEqual([
      "café",
      "bad\uFFFD\uFFFD",
      "no newline at the end",
    ]);
    expect(summaryOf(stderr)).toMatchObject({ lines: 3, torch: 1, other: 2, exported: 3 });
  });

  it("cuts a 10 MB line at the parser's limit and counts it", async () => {
    const header = "W0326 11:04:11.434000 62 torch/_inductor/utils.py:1679] ";
    const chunk = "x".repeat(1 << 20);
    const { code, stdout, stderr } = await ingest(["--format", "jsonl"], {
      stdin: [header, ...Array.from({ length: 10 }, () => chunk), "\nafter\n"],
    });
    expect(code).toBe(0);
    const [long, after] = jsonLines(stdout);
    expect(long?.attributes["torch.log.truncated"]).toBe(true);
    expect(long?.body).toBe("x".repeat((1 << 20) - header.length));
    expect(after?.body).toBe("after");
    expect(summaryOf(stderr)).toMatchObject({ lines: 2, records: 2, truncated: 1 });
  });

  it.each(SAMPLES)("accounts for every line of %s", async (file) => {
    const lines = countLines(readSample(file));
    const all = await ingest(["--format", "jsonl", samplePath(file)]);
    expect(all.code).toBe(0);
    const summary = summaryOf(all.stderr);
    expect(summary.lines).toBe(lines);
    expect(summary.records).toBe(summary.torch + summary.other);
    expect(jsonLines(all.stdout)).toHaveLength(summary.records);
    expect(summary).toMatchObject({ filtered: 0, exported: summary.records, dropped: 0, skipped: 0 });

    // --skip-other: the same torch records; the other lines are counted instead of sent.
    const torchOnly = await ingest(["--format", "jsonl", "--skip-other", samplePath(file)]);
    const skipped = summaryOf(torchOnly.stderr);
    expect(skipped).toMatchObject({ lines, torch: summary.torch, other: 0, skipped: summary.other });
    expect(jsonLines(torchOnly.stdout).every((r) => r.scope !== "torch_logs_otel.ingest.other")).toBe(true);
  });
});

describe("ingest: the TORCH_LOGS filter", () => {
  // Three dynamo INFO records (issue 118262), then inductor E and W among autotune output (gemlite #22).
  const input = readSample("pytorch_issue118262_rank3_prefix_old_bracket_format_step1.log").concat(
    readSample("dropbox_gemlite22_inductor_autotune_E_W_real_microseconds.log"),
  );

  it("TORCH_LOGS=-dynamo drops what PyTorch would have dropped; other lines stay", async () => {
    const { code, stdout, stderr } = await ingest(["--format", "jsonl"], {
      stdin: [input],
      env: { TORCH_LOGS: "-dynamo" },
    });
    expect(code).toBe(0);
    const scopes = jsonLines(stdout).map((r) => r.scope);
    expect(scopes.filter((s) => s.startsWith("torch._dynamo"))).toEqual([]);
    expect(scopes.filter((s) => s === "torch._inductor.select_algorithm")).toHaveLength(2);
    expect(scopes.filter((s) => s === "torch_logs_otel.ingest.other")).toHaveLength(5);
    expect(summaryOf(stderr)).toMatchObject({ records: 10, filtered: 3, exported: 7 });
  });

  it("--torch-logs gives the value on the command line: dynamo,-inductor keeps dynamo INFO, drops inductor WARNING", async () => {
    const { stdout, stderr } = await ingest(["--format", "jsonl", "--torch-logs=dynamo,-inductor"], {
      stdin: [input],
      env: { TORCH_LOGS: "-all" }, // the flag wins over the variable
    });
    expect(jsonLines(stdout).map((r) => r.severityText)).toEqual([
      "INFO",
      "INFO",
      "INFO",
      null,
      null,
      null,
      null,
      "ERROR",
      null,
    ]);
    expect(summaryOf(stderr)).toMatchObject({ filtered: 1 });
  });

  it.each([[{}], [{ TORCH_LOGS: "" }]])(
    "without TORCH_LOGS (%j) nothing is filtered: the producer's TORCH_LOGS already chose the lines",
    async (env) => {
      const { stderr } = await ingest(["--format", "jsonl"], { stdin: [input], env });
      expect(summaryOf(stderr)).toMatchObject({ records: 10, filtered: 0, exported: 10 });
    },
  );

  it("a bad TORCH_LOGS exits 1 with PyTorch's error; --lossy keeps the valid items", async () => {
    const strict = await ingest(["--format", "jsonl"], {
      stdin: [input],
      env: { TORCH_LOGS: "-dynamo,aot_grpahs" },
    });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('did you mean "aot_graphs"');
    expect(strict.stdout).toBe("");

    const lossy = await ingest(["--format", "jsonl", "--lossy"], {
      stdin: [input],
      env: { TORCH_LOGS: "-dynamo,aot_grpahs" },
    });
    expect(lossy.code).toBe(0);
    expect(lossy.stderr).toContain("aot_grpahs");
    expect(summaryOf(lossy.stderr)).toMatchObject({ filtered: 3 });
  });
});

describe.each([
  ["json", {}],
  ["protobuf", { OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" }],
] as const)("ingest over OTLP/HTTP %s", (encoding, protocolEnv) => {
  let receiver: OtlpReceiver;

  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });

  afterEach(async () => {
    await receiver.close();
  });

  it("exports every record with its scope, severity, body, attributes and the resource's service.name", async () => {
    const file = "vllm_ascend_1368_guard_error_E_mixed_with_vllm_logs.log";
    const { code, stderr } = await ingest([samplePath(file), "--utc-offset", "Z", "--year", "2025"], {
      env: { ...protocolEnv, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: "trainer" },
    });
    expect(code).toBe(0);
    const summary = summaryOf(stderr);
    expect(summary).toMatchObject({ lines: 36, torch: 2, other: 10, exported: 12, dropped: 0 });
    const records = receiver.records;
    expect(records).toHaveLength(12);
    expect(new Set(records.map((r) => r.encoding))).toEqual(new Set([encoding]));
    expect(new Set(records.map((r) => r.resource["service.name"]))).toEqual(new Set(["trainer"]));
    const torch = records.filter((r) => r.scope.name === "torch._guards");
    expect(torch.map((r) => r.attributes["code.line.number"])).toEqual([283, 285]);
    const [guard] = torch;
    expect(guard?.severityNumber).toBe(17);
    expect(guard?.severityText).toBe("ERROR");
    expect(String(guard?.body).split("\n")).toHaveLength(17);
    expect(String(guard?.body).startsWith("Error while creating guard:")).toBe(true);
    expect(guard?.attributes).toMatchObject({
      "code.file.path": "site-packages/torch/_guards.py",
      "process.pid": 295,
      "torch.rank": 2,
      "torch.compile_id": "0/0",
      "torch.compile.frame_id": 0,
      "torch.compile.frame_compile_id": 0,
      "torch.compile.attempt": 0,
      "torch.log.format": "glog",
      "torch.log.wrapper": "(VllmWorker rank=2 pid=295)",
      "log.file.name": file,
      "log.file.path": samplePath(file),
    });
    const other = records.filter((r) => r.scope.name === "torch_logs_otel.ingest.other");
    expect(other).toHaveLength(10);
    expect(other.every((r) => r.severityNumber === 0)).toBe(true);
  });

  it("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT is the full URL; --service-name wins; default service.name is pytorch", async () => {
    const env = { ...protocolEnv, OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url };
    await ingest(["--service-name", "from-flag"], { stdin: [`${GLOG_W}\n`], env });
    await ingest([], { stdin: [`${GLOG_W}\n`], env });
    expect(receiver.records.map((r) => r.resource["service.name"])).toEqual(["from-flag", "pytorch"]);
  });

  it("--tee copies the input to stdout byte for byte (invalid UTF-8, CRLF, no final newline)", async () => {
    const input = Buffer.concat([
      Buffer.from(`${GLOG_W}\r\n`),
      Buffer.from([0x80, 0xff, 0x41, 0x0d, 0x0a]),
      Buffer.from("tail without newline"),
    ]);
    const chunks = [
      input.subarray(0, 50),
      input.subarray(50, GLOG_W.length + 1),
      input.subarray(GLOG_W.length + 1),
    ];
    const { code, tee, stderr } = await ingest(["--tee"], {
      stdin: chunks,
      env: { ...protocolEnv, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
    });
    expect(code).toBe(0);
    expect(tee.equals(input)).toBe(true);
    expect(summaryOf(stderr)).toMatchObject({ lines: 3, exported: 3 });
    expect(receiver.records.map((r) => r.body)).toEqual([
      "Not enough SMs to use max_autotune_gemm mode",
      "\uFFFD\uFFFDA",
      "tail without newline",
    ]);
  });

  it("pauses reading while the backend is slow instead of dropping records", async () => {
    receiver.setBehaviour({ delayMs: 5 });
    const lines = Array.from({ length: 600 }, (_, i) => `progress ${i}\n`).join("");
    const { code, stderr } = await ingest([], {
      stdin: [lines],
      env: {
        ...protocolEnv,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BLRP_MAX_QUEUE_SIZE: "40",
        OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: "10",
        OTEL_BLRP_SCHEDULE_DELAY: "1",
      },
    });
    expect(code).toBe(0);
    expect(summaryOf(stderr)).toMatchObject({ records: 600, exported: 600, dropped: 0 });
    expect(receiver.records.map((r) => r.body)).toEqual(lines.split("\n").slice(0, -1));
    // 600 records through a queue of 40: at least 60 requests, so the queue really was the limit.
    expect(receiver.requests.length).toBeGreaterThanOrEqual(60);
  });

  it("a backend answering 503 is retried for --retry-for, then the records count as dropped and the exit code is 3", async () => {
    receiver.setBehaviour({ status: 503, reasonPhrase: "Service \x1b[2JUnavailable" });
    const { code, stderr } = await ingest(
      ["--retry-for", "300ms", samplePath("pytorch_pr123780_guards_one_record_per_guard.log")],
      {
        env: {
          ...protocolEnv,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
          OTEL_EXPORTER_OTLP_TIMEOUT: "200",
        },
      },
    );
    expect(code).toBe(3);
    const summary = summaryOf(stderr);
    expect(summary).toMatchObject({ exported: 0, filtered: 0 });
    expect(summary.dropped).toBe(summary.records);
    expect(summary.dropped).toBeGreaterThan(0);
    // Seen at the first failed attempt, retried (more than one request), given up after the retry time.
    expect(stderr).toContain(
      "torch-logs-otel ingest: cannot deliver to the backend (HTTP 503 Service \\x1b[2JUnavailable); retrying for up to",
    );
    expect(stderr).toMatch(/gave up after \d+(\.\d)? s of failed exports \(--retry-for\)/);
    expect(stderr).toMatch(/failed to export/);
    // The backend's reason phrase reaches the terminal escaped, never raw.
    expect(stderr).not.toContain("\x1b");
    expect(receiver.rejectedRequests).toBeGreaterThan(1);
  });

  it("records the backend refuses in a partial success count as dropped, the summary says so, exit code 3", async () => {
    receiver.setBehaviour({ partialSuccess: { rejectedLogRecords: 2, errorMessage: "quota" } });
    const { code, stderr } = await ingest([samplePath("pytorch_pr123780_guards_one_record_per_guard.log")], {
      env: { ...protocolEnv, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
    });
    // Refused records were not delivered.
    expect(code).toBe(3);
    const refused = receiver.requests.reduce((sum, r) => sum + r.rejectedCount, 0);
    expect(refused).toBeGreaterThan(0);
    const summary = summaryOf(stderr);
    expect(summary.exported).toBe(receiver.records.length);
    expect(summary.dropped).toBe(refused);
    expect(stderr).toContain(` dropped (${refused} refused by the backend)`);
    expect(stderr).toMatch(/the backend refused 2 of \d+ log records: quota/);
  });

  it("a stop signal (SIGINT/SIGTERM) ends reading and delivers everything read so far", async () => {
    const stop = new AbortController();
    let drained = false;
    async function* stalledStdin() {
      yield `${VLLM_INFO}\n`;
      yield `${GLOG_W}\n`;
      drained = true; // both chunks were handed over and processed
      await new Promise(() => {}); // then the producer goes quiet without closing the pipe
    }
    const running = ingest([], {
      stdin: stalledStdin(),
      env: { ...protocolEnv, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
      deps: { signal: stop.signal },
    });
    await until(() => drained, "stdin to be read");
    stop.abort();
    const { code, stderr } = await running;
    expect(code).toBe(0);
    expect(summaryOf(stderr)).toMatchObject({ lines: 2, exported: 2, dropped: 0 });
    expect(receiver.records.map((r) => r.scope.name)).toEqual([
      "torch_logs_otel.ingest.other",
      "torch._inductor.utils",
    ]);
  });
});

describe("ingest --follow", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "torch-logs-otel-follow-"));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps reading across truncation and rotation until stopped", async () => {
    const path = join(dir, "train.log");
    writeFileSync(path, `${GLOG_W}\nline one\n`);
    const stop = new AbortController();
    let output = "";
    const running = ingest(["--format", "jsonl", "--follow", path], {
      deps: { signal: stop.signal, pollIntervalMs: 5, idleMs: 5 },
      onStdout: (stdout) => {
        output = stdout;
      },
    });
    const bodies = () => jsonLines(output).map((r) => r.body);
    try {
      await until(() => bodies().includes("line one"), "the existing lines");
      await appendFile(path, "line two\n");
      await until(() => bodies().includes("line two"), "an appended line");
      truncateSync(path, 0); // copytruncate
      writeFileSync(path, "three\n");
      await until(() => bodies().includes("three"), "the line after truncation");
      renameSync(path, `${path}.1`); // rename rotation: the old file gets a last line, then a new file appears
      await appendFile(`${path}.1`, "four (old file)\n");
      writeFileSync(path, "five (new file)\npartial");
      await until(() => bodies().includes("five (new file)"), "the rotated file's line");
    } finally {
      stop.abort();
    }
    const { code, stderr } = await running;
    expect(code).toBe(0);
    expect(bodies()).toEqual([
      "Not enough SMs to use max_autotune_gemm mode",
      "line one",
      "line two",
      "three",
      "four (old file)",
      "five (new file)",
      "partial",
    ]);
    expect(summaryOf(stderr)).toMatchObject({ lines: 7, records: 7, exported: 7 });
  });
});

describe("ingest: exit codes", () => {
  it.each([
    [["--bogus"]],
    [["--format", "xml"]],
    [["--tee", "--format", "jsonl"]],
    [["--follow"]],
    [["--follow", "-"]],
    [["--follow", "a.log", "b.log"]],
    [["--year", "25"]],
    [["--utc-offset", "+25:00"]],
    [["--service-name", ""]],
  ])("usage error %j exits 2", async (args) => {
    const { code, stderr } = await ingest(args);
    expect(code).toBe(2);
    expect(stderr).toContain("Usage: torch-logs-otel ingest");
  });

  it("--help prints the usage and exits 0", async () => {
    const { code, stdout } = await ingest(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--follow");
  });

  it("an unreadable file exits 1; the readable ones are still ingested", async () => {
    const dir = mkdtempSync(join(tmpdir(), "torch-logs-otel-missing-"));
    try {
      const { code, stdout, stderr } = await ingest([
        "--format",
        "jsonl",
        join(dir, "missing.log"),
        samplePath("nanogpt_notes_pt20_old_bracket_format_inductor_W_in_stdout.log"),
        dir, // a directory opens but cannot be read
      ]);
      expect(code).toBe(1);
      expect(stderr).toContain(`cannot read ${join(dir, "missing.log")}: ENOENT`);
      expect(stderr).toContain(`cannot read ${dir}: EISDIR`);
      expect(jsonLines(stdout)).toHaveLength(6);
      expect(summaryOf(stderr)).toMatchObject({ lines: 6, exported: 6 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an unsupported OTLP protocol exits 1 before reading", async () => {
    const { code, stderr } = await ingest([], { env: { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" } });
    expect(code).toBe(1);
    expect(stderr).toContain('OTLP protocol "grpc" is not bundled');
  });
});
