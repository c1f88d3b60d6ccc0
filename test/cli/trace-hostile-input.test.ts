// `torch-logs-otel trace` on trace files written to hurt it (issue 21): numbers out of range, keys that are
// Object.prototype members, names with terminal controls. Nothing is fatal, every loss is counted, and
// nothing from the input reaches the terminal raw.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { runTrace } from "../../src/cli/trace-command.ts";
import { runTraceCaptured } from "../support/run-trace-captured.ts";
import { chromiumRecord, traceRecord } from "../trace/trace-lines.ts";

const trace = runTraceCaptured;

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function traceFile(name: string, text: string): Promise<string> {
  dir ??= await mkdtemp(join(os.tmpdir(), "trace-hostile-"));
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

const T0 = 1733527095925179.5;
const FRAME = '"frame_id": 0, "frame_compile_id": 0, "attempt": 0';

// Issue 21, item 9: `"ts": 1e400` (Infinity) killed `trace` with a RangeError from BigInt (exit 70).
describe("trace on numbers out of range", () => {
  it("leaves each out, counts it, and maps everything else", async () => {
    const file = await traceFile(
      "dedicated_log_torch_trace_rank_0_numbers.log",
      [
        chromiumRecord(`{"name": "dynamo", "ph": "B", "ts": ${T0}, "args": {"compile_id": "0/0"}}`),
        traceRecord(`{"dynamo_start": {"stack": []}, ${FRAME}}`),
        chromiumRecord(`{"name": "infinite", "ph": "B", "ts": 1e400, "args": {}}`),
        chromiumRecord(`{"name": "negative", "ph": "i", "ts": -5, "args": {}}`),
        chromiumRecord(`{"name": "dynamo", "ph": "E", "ts": ${T0 + 100}, "args": {"x": 1e400, "y": 2}}`),
        // A context key and a metadata field.
        traceRecord(
          '{"artifact": {"name": "a", "encoding": "string", "size": 1e400}, "frame_id": 1e400, "frame_compile_id": 0}',
          "payload",
        ),
        // A time that overflowed, a negative one (the legacy field is not read then), a negative count.
        traceRecord(
          `{"compilation_metrics": {"duration_us": 1e400, "dynamo_cumulative_compile_time_us": -5, "entire_frame_compile_time_s": 1.5, "inductor_cumulative_compile_time_us": 250000, "num_graph_breaks": -3}, ${FRAME}}`,
        ),
        // A process id too long to be a number, a string index that is no integer, a rank that overflowed.
        traceRecord(
          '{"dynamo_output_graph": {}, "rank": 1e400}',
          undefined,
          `V0101 12:00:01.000000 ${"9".repeat(400)} torch/_dynamo/output_graph.py:1] `,
        ),
        traceRecord('{"str": ["/x.py", 1e300]}'),
      ].join(""),
    );
    const { code, stderr, lines } = await trace(["--format", "jsonl", file]);
    expect(code).toBe(0);
    expect(lines.filter((l) => l.signal === "log").map((l) => l.eventName)).toEqual([
      "dynamo_start",
      "a",
      "compilation_metrics",
      "dynamo_output_graph",
    ]);
    const [span, ...otherSpans] = lines.filter((l) => l.signal === "span");
    expect(otherSpans).toEqual([]);
    expect(span?.name).toBe("dynamo");
    expect(span?.attributes["torch.trace.args.y"]).toBe(2);
    expect(span?.attributes).not.toHaveProperty("torch.trace.args.x");
    const artifact = lines.find((l) => l.eventName === "a");
    expect(artifact?.attributes).not.toHaveProperty("torch.frame_id");
    expect(artifact?.attributes).not.toHaveProperty("torch.trace.metadata.size");
    const graph = lines.find((l) => l.eventName === "dynamo_output_graph");
    expect(graph?.attributes).not.toHaveProperty("process.pid");
    const points = lines.filter((l) => l.signal === "metric");
    expect(points.map((p) => [p.name, p.attributes["torch.compile.phase"] ?? null, p.value])).toEqual([
      ["torch.compile.duration", "inductor", 0.25],
      ["torch.compile.frames", null, 1],
      ["torch.compile.recompiles", null, 0],
    ]);
    // frame_id, size, args.x, duration_us, dynamo_cumulative…, num_graph_breaks, pid, the str index, rank.
    expect(stderr).toContain("9 numbers out of range left out");
    expect(stderr).toContain("2 unreadable chromium events");
  });
});

// Issue 21, item 13: what the input names — event keys, file names in a TORCH_TRACE directory — reached the
// terminal raw in trace's summary and messages.
describe("trace's messages on names with terminal controls", () => {
  // ESC, BEL, CR, a C1 CSI, a line separator, a bidi override: what escapeControlCharacters escapes (the
  // messages' own line ends aside).
  const hasRaw = (text: string) => /[\p{Cc}\u2028-\u202e\u2066-\u2069]/u.test(text.replaceAll("\n", ""));

  it("prints event keys and file names escaped, as the console exporter does", async () => {
    await traceFile(
      "dedicated_log_torch_trace_\u001b]0;owned\u0007.log",
      traceRecord('{"\\u001b[2J\\u009b\\r": {}}') + traceRecord('{"key\\u202e\\u2028": {}}'),
    );
    await traceFile("dedicated_log_torch_trace_\u001b[31mred.log", "not a trace\n");
    const { code, stderr } = await trace(["--format", "jsonl", dir as string]);
    expect(code).toBe(1);
    expect(hasRaw(stderr)).toBe(false);
    expect(stderr).toContain("\\x1b[2J\\x9b\\x0d 1");
    expect(stderr).toContain("key\\u202e\\u2028 1");
    expect(stderr).toContain("dedicated_log_torch_trace_\\x1b[31mred.log is not a TORCH_TRACE file");
  });

  it("prints a path it cannot read escaped", async () => {
    const { code, stderr } = await trace(["--format", "jsonl", "/nonexistent/\u001b[2Jtrace\n.log"]);
    expect(code).toBe(1);
    expect(hasRaw(stderr)).toBe(false);
    expect(stderr).toContain("cannot read /nonexistent/\\x1b[2Jtrace\\x0a.log");
  });
});

// Issue 21, item 8: after one chromium B without its E, `trace --follow` sent none of the file's later spans
// while it followed the file.
describe("trace --follow after a B without its E", () => {
  it("sends each later compile's spans while the file is followed", async () => {
    const compile = (frame: number) => {
      const at = T0 + 1000 * (frame + 1);
      const context = `"frame_id": ${frame}, "frame_compile_id": 0, "attempt": 0`;
      const id = `"compile_id": "${frame}/0"`;
      return (
        chromiumRecord(`{"name": "dynamo", "ph": "B", "ts": ${at}, "args": {${id}}}`, context) +
        traceRecord(`{"dynamo_start": {"stack": []}, ${context}}`) +
        chromiumRecord(`{"name": "dynamo", "ph": "E", "ts": ${at + 500}, "args": {${id}}}`, context)
      );
    };
    const file = await traceFile(
      "dedicated_log_torch_trace_rank_0_stuck.log",
      chromiumRecord(`{"name": "compile_file", "ph": "B", "ts": ${T0}, "args": {"compile_id": "None"}}`) +
        [0, 1, 2, 3, 4].map(compile).join(""),
    );
    let stdout = "";
    const spans = () => stdout.split("\n").filter((line) => line.includes('"signal":"span"')).length;
    const stop = new AbortController();
    const run = runTrace(
      {
        argv: [],
        env: {},
        stdout: (t) => {
          stdout += t;
        },
        stderr: () => {},
      },
      ["--format", "jsonl", "--follow", file],
      { signal: stop.signal, pollIntervalMs: 20 },
    );
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && spans() < 6) await sleep(20);
    const seenWhileFollowing = spans();
    stop.abort();
    expect(await run).toBe(0);
    // Five compiles, and the B closed (marked unclosed) when the first one started.
    expect(seenWhileFollowing).toBe(6);
  });
});
