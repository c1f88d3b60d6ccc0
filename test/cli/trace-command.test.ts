// `torch-logs-otel trace`: JSON lines, OTLP (what a real receiver decodes), directories, --follow, bad inputs.
import { readFileSync } from "node:fs";
import { appendFile, copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { runIngest } from "../../src/cli/ingest-command.ts";
import { COMPILE_METRICS } from "../../src/trace/compile-metric-names.ts";
import { type OtlpReceiver, startOtlpReceiver, unusedEndpoint } from "../support/otlp-receiver.ts";
import { runTraceCaptured } from "../support/run-trace-captured.ts";
import { FIXTURES } from "../trace/read-trace-fixture.ts";

const SCHEDULE = join(FIXTURES, "multi_rank_schedule");
const SIMPLE = join(FIXTURES, "simple.log");

const trace = runTraceCaptured;

let dir: string | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("trace --format jsonl", () => {
  it("reads a TORCH_TRACE directory: one rank per file name, every line a log, span or metric", async () => {
    const { code, lines, stderr } = await trace(["--format", "jsonl", SCHEDULE]);
    expect(code).toBe(0);
    expect(new Set(lines.map((l) => l.signal))).toEqual(new Set(["log", "span", "metric"]));
    expect(new Set(lines.map((l) => l.attributes["torch.rank"]))).toEqual(new Set([0, 1, 2]));
    const log = lines.find((l) => l.signal === "log" && l.eventName === "dynamo_output_graph");
    expect(Object.keys(log ?? {})).toEqual([
      "signal",
      "timeUnixNano",
      "severityNumber",
      "severityText",
      "scope",
      "eventName",
      "body",
      "attributes",
    ]);
    const span = lines.find((l) => l.signal === "span");
    expect(Object.keys(span ?? {})).toEqual([
      "signal",
      "name",
      "traceId",
      "spanId",
      "parentSpanId",
      "startTimeUnixNano",
      "endTimeUnixNano",
      "attributes",
      "events",
    ]);
    expect(stderr).toMatch(/^trace: 3 files, \d+ lines, 483 envelopes \(chromium_event 354, /);
    expect(stderr).toContain("1 MD5 mismatch,");
    expect(stderr).toContain("envelopes whose rank differs from the file name");
  });

  it("uses $TORCH_TRACE when no PATH is given; without either it is a usage error", async () => {
    expect((await trace(["--format", "jsonl"], { TORCH_TRACE: SCHEDULE })).code).toBe(0);
    const none = await trace(["--format", "jsonl"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("set TORCH_TRACE");
  });

  it.each([
    [["--format", "xml", SIMPLE], '--format must be "otlp" or "jsonl", got "xml"'],
    [["--year", "24", SIMPLE], '--year must be a 4-digit year, got "24"'],
    [["--utc-offset", "+25:00", SIMPLE], "--utc-offset must look like"],
    [["--bogus", SIMPLE], "Unknown option '--bogus'"],
  ])("rejects %j with a usage error (exit 2)", async (args, message) => {
    const { code, stderr } = await trace(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain("Usage: torch-logs-otel trace");
  });

  it("exits 1 for a bad OTEL_* setting or TORCH_LOGS value, before reading", async () => {
    expect((await trace([SIMPLE], { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).code).toBe(1);
    const bad = await trace(["--torch-logs", "dynamoo", SIMPLE]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('did you mean "dynamo"');
  });

  it("--torch-logs takes module names outside torch as PyTorch (and ingest) do", async () => {
    const { code, lines } = await trace(["--format", "jsonl", "--torch-logs", "+mypkg,+dynamo", SIMPLE]);
    expect(code).toBe(0);
    const scopes = new Set(lines.filter((l) => l.signal === "log").map((l) => l.scope));
    expect(scopes.size).toBeGreaterThan(0);
    for (const scope of scopes) expect(scope).toMatch(/^torch\._dynamo\./);
  });

  it("reports a file that is not a trace and goes on with the others (exit 1)", async () => {
    dir = await mkdtemp(join(os.tmpdir(), "trace-cli-"));
    const console = join(dir, "console.log");
    await writeFile(console, "hello\n".repeat(100));
    const { code, lines, stderr } = await trace(["--format", "jsonl", console, SIMPLE]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${console} is not a TORCH_TRACE file`);
    // simple.log: 14 envelope records and its compile's torch.compile.config record.
    expect(lines.filter((l) => l.signal === "log")).toHaveLength(15);
  });

  it("uses --year and --utc-offset for a file without chromium events", async () => {
    const { lines } = await trace([
      "--format",
      "jsonl",
      "--year",
      "2023",
      "--utc-offset",
      "+02:00",
      join(FIXTURES, "comp_metrics.log"),
    ]);
    const first = lines.find((l) => l.signal === "log");
    // Prefix V0403 07:28:48.052000 (dynamo_start) at UTC+2 in 2023.
    expect(first?.timeUnixNano).toBe(`${Date.UTC(2023, 3, 3, 5, 28, 48) / 1000}052000000`);
  });

  it("reads bytes that are not UTF-8: U+FFFD in the body, an MD5 mismatch counted, nothing fails", async () => {
    dir = await mkdtemp(join(os.tmpdir(), "trace-cli-"));
    const file = join(dir, "dedicated_log_torch_trace_latin1.log");
    const envelope =
      'V0101 00:00:00.000000 1 torch/_dynamo/utils.py:1] {"artifact": {"name": "x", "encoding": "string"}, "has_payload": "00000000000000000000000000000000"}\n\t';
    await writeFile(
      file,
      Buffer.concat([Buffer.from(envelope), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])]),
    );
    const { code, lines, stderr } = await trace(["--format", "jsonl", file]);
    expect(code).toBe(0);
    expect(lines.map((l) => [l.eventName, l.body])).toEqual([["x", "caf\uFFFD"]]);
    expect(stderr).toContain("1 MD5 mismatch,");
  });

  it("--torch-logs filters the log records by component level and artifact", async () => {
    const all = await trace(["--format", "jsonl", SIMPLE]);
    const some = await trace(["--format", "jsonl", "--torch-logs=+dynamo", SIMPLE]);
    const code = await trace(["--format", "jsonl", "--torch-logs=+dynamo,output_code", SIMPLE]);
    const names = (r: typeof all) => r.lines.filter((l) => l.signal === "log").map((l) => l.eventName);
    expect(names(all)).toContain("inductor_output_code");
    expect(names(some)).toEqual(expect.arrayContaining(["dynamo_start", "dynamo_output_graph"]));
    // inductor (torch._inductor.graph) stays at WARNING: its DEBUG record passes only as the named artifact.
    expect(names(some)).not.toContain("inductor_output_code");
    expect(names(code)).toContain("inductor_output_code");
    expect(some.stderr).toMatch(/logs [1-9]\d* filtered/);
  });

  it("reads seven ranks, CRLF copies among them", async () => {
    dir = await mkdtemp(join(os.tmpdir(), "trace-cli-"));
    const rank0 = join(SCHEDULE, "dedicated_log_torch_trace_rank_0_6u3fubwl.log");
    for (let rank = 0; rank < 7; rank++) {
      const target = join(dir, `dedicated_log_torch_trace_rank_${rank}_abc${rank}.log`);
      if (rank % 2 === 0) await copyFile(rank0, target);
      else await writeFile(target, (await readFile(rank0, "utf8")).replaceAll("\n", "\r\n"));
    }
    const { lines, stderr } = await trace(["--format", "jsonl", dir]);
    expect(new Set(lines.map((l) => l.attributes["torch.rank"]))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    expect(stderr).toContain("0 MD5 mismatches");
    const bodies = (rank: number) =>
      lines.filter((l) => l.signal === "log" && l.attributes["torch.rank"] === rank).map((l) => l.body);
    expect(bodies(1)).toEqual(bodies(0));
  });
});

describe("trace over OTLP", () => {
  it.each(["http/json", "http/protobuf"])("sends logs, spans and metrics (%s)", async (protocol) => {
    receiver = await startOtlpReceiver({ tracesAndMetrics: true });
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: protocol };
    const jsonl = await trace(["--format", "jsonl", SIMPLE]);
    const { code, stderr } = await trace([SIMPLE], env);
    expect(code).toBe(0);
    expect(stderr).toContain("15 exported, 0 failed");
    expect(stderr).toContain("spans 24 exported, 0 failed");
    expect(stderr).toContain("12 metric points recorded, 1 metric export succeeded, 0 failed");
    const records = receiver.records;
    expect(records.map((r) => r.eventName).sort()).toEqual(
      jsonl.lines
        .filter((l) => l.signal === "log")
        .map((l) => l.eventName)
        .sort(),
    );
    expect(records.find((r) => r.eventName === "dynamo_output_graph")?.attributes["torch.compile_id"]).toBe(
      "0/0",
    );
    const spans = receiver.signals.traces.flatMap((request) =>
      (request.resourceSpans as { scopeSpans: { spans: Record<string, unknown>[] }[] }[]).flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) => ss.spans),
      ),
    );
    const expected = jsonl.lines.filter((l) => l.signal === "span");
    // A compile's log records carry its trace: the trace id of its spans, the span id of its `dynamo` span.
    const dynamo = expected.find((s) => s.name === "dynamo");
    const compiled = records.filter((r) => r.attributes["torch.compile_id"] === "0/0");
    // 14 envelope records and the compile's torch.compile.config record, linked to the same trace.
    expect(compiled.length).toBe(15);
    for (const r of compiled) expect([r.traceId, r.spanId]).toEqual([dynamo?.traceId, dynamo?.spanId]);
    expect(
      spans.map((s) => [s.name, s.traceId, s.spanId, s.parentSpanId ?? null, String(s.startTimeUnixNano)]),
    ).toEqual(expected.map((s) => [s.name, s.traceId, s.spanId, s.parentSpanId, s.startTimeUnixNano]));
    if (protocol === "http/json") {
      const metrics = receiver.signals.metrics.flatMap((request) =>
        (
          request.resourceMetrics as { scopeMetrics: { metrics: { name: string; unit: string }[] }[] }[]
        ).flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)),
      );
      const contract = Object.values(COMPILE_METRICS);
      expect(metrics.map((m) => m.name).sort()).toEqual(
        [
          "torch.compile.cache.requests",
          "torch.compile.duration",
          "torch.compile.frames",
          "torch.compile.graph_breaks",
          "torch.compile.recompiles",
        ].sort(),
      );
      for (const m of metrics) expect(m.unit).toBe(contract.find((c) => c.name === m.name)?.unit);
    } else {
      expect(receiver.requests.some((r) => r.path === "/v1/metrics" && r.outcome === "accepted")).toBe(true);
    }
  });
});

describe("trace to a backend that is down", () => {
  it("retries for --retry-for, then counts every record, span and metric export as failed, and exits 3", async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: await unusedEndpoint(), OTEL_EXPORTER_OTLP_TIMEOUT: "300" };
    const { code, stderr } = await trace(["--retry-for", "300ms", SIMPLE], env);
    expect(code).toBe(3);
    expect(stderr).toMatch(
      /torch-logs-otel trace: cannot deliver to the backend \(connect ECONNREFUSED [\d.:]+\); retrying for up to/,
    );
    expect(stderr).toMatch(/gave up after \d+(\.\d)? s of failed exports/);
    expect(stderr).toContain("logs 0 filtered, 0 exported, 15 failed; spans 0 exported, 24 failed;");
    expect(stderr).toContain("0 metric exports succeeded, 1 failed");
  });
});

describe("trace --follow", () => {
  it("picks up new rank files, reads growing files, and waits for a torn last line", async () => {
    dir = await mkdtemp(join(os.tmpdir(), "trace-follow-"));
    const text = await readFile(SIMPLE, "utf8");
    const cut = text.indexOf("\nV1206 15:18:20.253000");
    const rank0 = join(dir, "dedicated_log_torch_trace_rank_0_x.log");
    await writeFile(rank0, text.slice(0, cut + 30)); // ends inside an envelope line
    const stop = new AbortController();
    let seenRank1 = false;
    const run = trace(
      ["--format", "jsonl", "--follow", dir],
      {},
      { signal: stop.signal, pollIntervalMs: 20 },
    );
    await sleep(150);
    await writeFile(join(dir, "dedicated_log_torch_trace_rank_1_y.log"), text);
    await sleep(150);
    await appendFile(rank0, text.slice(cut + 30));
    await sleep(300);
    stop.abort();
    const { code, lines } = await run;
    expect(code).toBe(0);
    for (const rank of [0, 1]) {
      const logs = lines.filter((l) => l.signal === "log" && l.attributes["torch.rank"] === rank);
      expect(logs).toHaveLength(15);
      if (rank === 1) seenRank1 = true;
    }
    expect(seenRank1).toBe(true);
  });
});

describe("trace --follow over OTLP", () => {
  it("sends a quiet file's logs and spans while it runs, not only at the end", async () => {
    receiver = await startOtlpReceiver({ tracesAndMetrics: true });
    dir = await mkdtemp(join(os.tmpdir(), "trace-follow-otlp-"));
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
    const stop = new AbortController();
    const run = trace(["--follow", dir], env, { signal: stop.signal, pollIntervalMs: 20 });
    await copyFile(SIMPLE, join(dir, "dedicated_log_torch_trace_rank_3_live.log"));
    const live = receiver;
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && (live.signals.traces.length === 0 || live.records.length < 15))
      await sleep(20);
    const seenBeforeStop = [live.signals.traces.length, live.records.length];
    stop.abort();
    expect((await run).code).toBe(0);
    expect(seenBeforeStop[0]).toBeGreaterThan(0);
    // The 14 envelope records and the compile's configuration, derived as its metrics are read.
    expect(seenBeforeStop[1]).toBe(15);
    expect(new Set(live.records.map((r) => r.attributes["torch.rank"]))).toEqual(new Set([3]));
  });
});

describe("ingest on a trace file", () => {
  it("says once to use `trace`", async () => {
    let stderr = "";
    await runIngest(
      {
        argv: [],
        env: {},
        stdout: () => {},
        stderr: (t) => {
          stderr += t;
        },
      },
      ["--format", "jsonl", SIMPLE, SIMPLE],
      { signal: AbortSignal.timeout(60_000) },
    );
    expect(stderr.match(/run `torch-logs-otel trace/g)).toHaveLength(1);
  });
});

describe("docs/trace.md, the trace page", () => {
  const page = readFileSync(join(import.meta.dirname, "..", "..", "docs", "trace.md"), "utf8");
  /** Its commands that run `trace` on the test fixtures from a clone: `npm run cli -- trace test/…`. */
  const fixtureRuns = page.split("\n").filter((line) => line.startsWith("npm run cli -- trace test/"));

  it("lists every metric of the contract", () => {
    for (const metric of Object.values(COMPILE_METRICS)) {
      expect(page).toMatch(new RegExp(`\\| \`${metric.name.replaceAll(".", "\\.")}\` +\\|`));
    }
  });

  it("shows a run on the test fixtures", () => {
    expect(fixtureRuns.length).toBeGreaterThan(0);
  });

  it.each(fixtureRuns)("%s runs", async (line) => {
    const args = line.split(" ").slice("npm run cli -- trace".split(" ").length);
    const cwd = join(import.meta.dirname, "..", "..");
    const { code, lines } = await trace(args.map((a) => (a.startsWith("test/") ? join(cwd, a) : a)));
    expect(code).toBe(0);
    expect(lines.length).toBeGreaterThan(100);
  });
});
