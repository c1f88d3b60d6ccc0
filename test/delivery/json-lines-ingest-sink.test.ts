// `ingest --format jsonl` formats records directly (JsonLinesIngestSink) instead of building SDK log records:
// it must print what the SDK path prints, byte for byte, and summarize alike, under any TORCH_LOGS.

import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runIngest } from "../../src/cli/ingest-command.ts";
import type { CliIo } from "../../src/cli/run-cli.ts";
import { JsonLinesIngestSink } from "../../src/delivery/json-lines-ingest-sink.ts";
import { formatJsonLine } from "../../src/delivery/json-lines-log-record-exporter.ts";
import { toLogRecord } from "../../src/ingest/to-log-record.ts";
import { TorchLogs } from "../../src/otel/torch-logs.ts";

const SAMPLES = new URL("../fixtures/pytorch-logs/", import.meta.url);
const CORPUS = new URL("../fixtures/corpus/", import.meta.url);
const FILES = [
  ...readdirSync(SAMPLES)
    .filter((f) => f.endsWith(".log"))
    .map((f) => new URL(f, SAMPLES).pathname),
  ...readdirSync(CORPUS)
    .filter((f) => f.endsWith(".stderr.log"))
    .map((f) => new URL(f, CORPUS).pathname),
];
// Mid-2025: lines without a time get this one; glog lines (no year) are dated against it.
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0, 123);

/** `bytes`: the direct path's lines come through `stdoutUtf8`, as in the bin, else through `stdout`. */
async function ingest(
  args: readonly string[],
  via: "direct" | "sdk",
  { env = {}, bytes = via === "direct" }: { env?: Record<string, string>; bytes?: boolean } = {},
) {
  let stdout = "";
  const blocks: Uint8Array[] = [];
  let stderr = "";
  const io: CliIo = {
    argv: ["ingest", ...args],
    env,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stdin: (async function* () {})(),
    ...(bytes && { stdoutUtf8: (block: Uint8Array) => blocks.push(Buffer.from(block)) }),
  };
  const code = await runIngest(io, args, { now: () => NOW, jsonlVia: via });
  if (bytes) {
    expect(stdout).toBe("");
    stdout = Buffer.concat(blocks).toString("utf8");
  }
  return { code, stdout, stderr };
}

describe("ingest --format jsonl: the direct path prints what the SDK path prints", () => {
  it("has the 30 samples and the corpus runs to compare", () => {
    expect(FILES.filter((f) => f.includes("/pytorch-logs/"))).toHaveLength(30);
    expect(FILES.length).toBeGreaterThanOrEqual(50);
  });

  it.each([
    ["no TORCH_LOGS", undefined],
    ["+dynamo", "+dynamo"],
    ["-dynamo", "-dynamo"],
    ["-all", "-all"],
    ["+all", "+all"],
    ["graph_breaks,recompiles", "graph_breaks,recompiles"],
    ["guards,output_code", "guards,output_code"],
    ["aot_joint_graph,aot", "aot_joint_graph,aot"],
    ["+inductor,-dynamo,bytecode", "+inductor,-dynamo,bytecode"],
    ["+mypkg.sub (a user module)", "+mypkg.sub"],
  ])("%s: same lines, same summary", async (_name, torchLogs) => {
    const args = [
      "--format",
      "jsonl",
      ...(torchLogs === undefined ? [] : [`--torch-logs=${torchLogs}`]),
      ...FILES,
    ];
    const sdk = await ingest(args, "sdk");
    const direct = await ingest(args, "direct");
    expect(sdk.code).toBe(0);
    expect(sdk.stdout.length).toBeGreaterThan(0);
    expect(direct.code).toBe(0);
    expect(direct.stderr).toBe(sdk.stderr);
    // Compared line by line first, for a readable failure, then as a whole.
    const sdkLines = sdk.stdout.split("\n");
    const directLines = direct.stdout.split("\n");
    for (let i = 0; i < Math.max(sdkLines.length, directLines.length); i++) {
      if (directLines[i] !== sdkLines[i]) expect(directLines[i]).toBe(sdkLines[i]);
    }
    expect(direct.stdout).toBe(sdk.stdout);
    if (torchLogs !== undefined && torchLogs !== "+all") expect(sdk.stderr).not.toMatch(/ 0 filtered/);
  });

  it("the same through TORCH_LOGS in the environment, other lines skipped, and text stdout only", async () => {
    const args = ["--format", "jsonl", "--skip-other", ...FILES.slice(0, 10)];
    const env = { TORCH_LOGS: "+dynamo,graph_breaks" };
    const sdk = await ingest(args, "sdk", { env });
    const direct = await ingest(args, "direct", { env, bytes: false });
    expect(direct).toEqual(sdk);
  });
});

describe("JsonLinesIngestSink", () => {
  const record = toLogRecord(
    {
      kind: "other",
      text: 'print("é \u2028 \ud800\u0007")',
      lineCount: 1,
      firstLineNumber: 1,
      truncated: false,
    },
    { reference: NOW, utcOffsetMinutes: 0 },
  );

  it("writes whole lines in blocks of at most blockBytes, the rest on forceFlush, counting what was written", async () => {
    const writes: Buffer[] = [];
    const sink = new JsonLinesIngestSink({
      write: (bytes) => writes.push(Buffer.from(bytes)),
      onFirstLoss: () => {},
      blockBytes: 500,
    });
    for (let i = 0; i < 10; i++) sink.emit(record, NOW);
    expect(writes.length).toBeGreaterThanOrEqual(2);
    const written = writes.reduce((n, block) => n + block.toString("utf8").split("\n").length - 1, 0);
    expect(sink.stats).toMatchObject({ emitted: 10, accepted: 10, exported: written, dropped: 10 - written });
    await sink.forceFlush();
    expect(sink.stats).toMatchObject({ emitted: 10, filtered: 0, exported: 10, dropped: 0 });
    for (const block of writes) {
      expect(block.length).toBeLessThanOrEqual(500);
      expect(block.at(-1)).toBe(0x0a);
    }
    const text = Buffer.concat(writes).toString("utf8");
    const line = text.slice(0, text.indexOf("\n") + 1);
    expect(text).toBe(line.repeat(10));
  });

  it("writes a line longer than a block in a block of its own", async () => {
    const writes: string[] = [];
    const sink = new JsonLinesIngestSink({
      write: (bytes) => writes.push(Buffer.from(bytes).toString("utf8")),
      onFirstLoss: () => {},
      blockBytes: 1000,
    });
    sink.emit(record, NOW);
    sink.emit({ ...record, body: "x".repeat(5000) }, NOW);
    sink.emit(record, NOW);
    await sink.shutdown();
    expect(writes.map((w) => w.split("\n").length - 1)).toEqual([1, 1, 1]);
    expect(JSON.parse(writes[1] ?? "").body).toBe("x".repeat(5000));
    expect(writes[2]).toBe(writes[0]);
    expect(sink.stats).toMatchObject({ emitted: 3, exported: 3, dropped: 0 });
  });

  it("escapes as JSON.stringify does (control characters, line separators, lone surrogates)", async () => {
    const writes: string[] = [];
    const write = (bytes: Uint8Array) => writes.push(Buffer.from(bytes).toString("utf8"));
    const sink = new JsonLinesIngestSink({ write, onFirstLoss: () => {} });
    sink.emit({ ...record, severityText: 'W"\n' }, NOW);
    await sink.shutdown();
    const expected = formatJsonLine({
      hrTime: [Math.trunc(NOW / 1000), (NOW % 1000) * 1e6],
      severityNumber: record.severityNumber,
      severityText: 'W"\n',
      instrumentationScope: { name: record.scope },
      body: record.body,
      attributes: record.attributes,
    } as unknown as Parameters<typeof formatJsonLine>[0]);
    expect(writes.join("")).toBe(expected);
    expect(JSON.parse(expected)).toEqual({
      timeUnixNano: `${NOW}000000`,
      severityNumber: 0,
      severityText: 'W"\n',
      scope: record.scope,
      body: record.body,
      attributes: {},
    });
  });

  it("counts lines it could not write as dropped and reports the first loss once", async () => {
    const losses: string[] = [];
    const sink = new JsonLinesIngestSink({
      write: () => {
        throw new Error("stdout is closed");
      },
      onFirstLoss: (m) => losses.push(m),
      blockBytes: 1,
    });
    sink.emit(record, NOW);
    sink.emit(record, NOW);
    await sink.shutdown();
    expect(sink.stats).toMatchObject({ emitted: 2, accepted: 2, exported: 0, dropped: 2 });
    expect(losses).toEqual(["1 log record failed to export: stdout is closed"]);
  });

  it("applies the TORCH_LOGS processor's decision and counts what it filtered", async () => {
    const writes: string[] = [];
    const write = (bytes: Uint8Array) => writes.push(Buffer.from(bytes).toString("utf8"));
    const torchLogs = new TorchLogs({ settings: "-dynamo" });
    const sink = new JsonLinesIngestSink({ write, torchLogs, onFirstLoss: () => {} });
    const base = { timestamp: [1, 0] as [number, number], body: "b", attributes: {} };
    sink.emit({ ...base, scope: "torch._dynamo.guards", severityNumber: 9, severityText: "INFO" }, NOW);
    sink.emit({ ...base, scope: "torch._dynamo.guards", severityNumber: 17, severityText: "ERROR" }, NOW);
    sink.emit({ ...base, scope: "torch._inductor", severityNumber: 13, severityText: "WARN" }, NOW);
    sink.emit({ ...base, scope: "torch._inductor", severityNumber: 9, severityText: "INFO" }, NOW);
    await sink.shutdown();
    expect(sink.stats).toMatchObject({ emitted: 4, filtered: 2, accepted: 2, exported: 2, dropped: 0 });
    expect(
      writes
        .join("")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).severityText),
    ).toEqual(["ERROR", "WARN"]);
  });
});
