// A chromium `B` whose `E` never comes (issue 21, item 8) held its group open, and with it every later span of
// the file, until the end; and the release at the end matched every instant against every span.
import { describe, expect, it } from "vitest";
import {
  type ChromiumEvent,
  ChromiumSpanBuilder,
  MAX_GROUP_EVENTS,
} from "../../src/trace/chromium-span-builder.ts";
import { TraceFileMapper } from "../../src/trace/trace-file-mapper.ts";
import { LINEAR_GROWTH_BOUND, measureGrowth } from "../support/growth-ratio.ts";
import { chromiumRecord, traceRecord } from "./trace-lines.ts";

const T0 = 1733527095925179.5;
const event = (ph: string, name: string, ts: number, compileId?: string) =>
  `{"name": "${name}", "ph": "${ph}", "ts": ${ts}, "args": {"compile_id": "${compileId ?? "None"}"}}`;

/** Compile `frame`/0 as PyTorch logs it: `dynamo` opens, then its dynamo_start, one inner span, the ends. */
function compile(frame: number, at: number): string {
  const id = `${frame}/0`;
  const context = `"frame_id": ${frame}, "frame_compile_id": 0, "attempt": 0`;
  return (
    chromiumRecord(event("B", "dynamo", at, id), context) +
    traceRecord(`{"dynamo_start": {"stack": []}, ${context}}`) +
    chromiumRecord(event("B", "bytecode_tracing", at + 10, id), context) +
    chromiumRecord(event("i", "fx_graph_cache_miss", at + 15, id), context) +
    chromiumRecord(event("E", "bytecode_tracing", at + 20, id), context) +
    chromiumRecord(event("E", "dynamo", at + 30, id), context)
  );
}

function mapper() {
  return new TraceFileMapper({
    file: { fileName: "dedicated_log_torch_trace_rank_0_stuck.log", rank: 0 },
    fallback: () => ({ utcOffsetMinutes: 0, reference: Date.UTC(2025, 0, 1) }),
  });
}

describe("a B without its E", () => {
  it("holds back no later compile: it is closed when the next compile starts, and each compile is released", () => {
    const m = mapper();
    let released = m.push(chromiumRecord(event("B", "compile_file", T0))).spans.length;
    for (let frame = 0; frame < 5; frame++)
      released += m.push(compile(frame, T0 + 100 * (frame + 1))).spans.length;
    const quiet = m.flush().spans;
    // The B, closed and marked when the first compile started, and five compiles of two spans each, all before
    // the end of the file: the last one when the file went quiet.
    expect(released + quiet.length).toBe(11);
    expect(quiet.map((span) => span.attributes["torch.compile_id"])).toEqual(["4/0", "4/0"]);
    expect(m.end().spans).toEqual([]);
    expect(m.spans.stats).toMatchObject({ spans: 11, unclosed: 1 });
  });

  it("with thousands of spans and no compile: releases them in parts of at most MAX_GROUP_EVENTS", () => {
    const builder = new ChromiumSpanBuilder({ fileKey: "f", attributes: {} });
    const add = (ph: string, name: string, ts: number, line: number) =>
      builder.add({ name, ph, ts } as ChromiumEvent, line, {}).length;
    let released = add("B", "stuck", T0, 0);
    for (let i = 1; i <= 25_000; i++) {
      released += add("B", "step", T0 + i, 3 * i);
      released += add("i", "mark", T0 + i + 0.5, 3 * i + 1);
      released += add("E", "step", T0 + i + 0.9, 3 * i + 2);
    }
    expect(released).toBeGreaterThanOrEqual(25_000 - MAX_GROUP_EVENTS);
    const end = builder.end();
    expect(released + end.length).toBe(25_001);
    // Every instant became an event of the span it fell in.
    expect(end.filter((span) => span.name === "step").every((span) => span.events.length === 1)).toBe(true);
  });

  it("costs time linear in the spans and instants it held", () => {
    // The group of one B that never ends: n spans, each with an instant inside, released at the end.
    const run = (n: number) => {
      const builder = new ChromiumSpanBuilder({ fileKey: "f", attributes: {} });
      builder.add({ name: "stuck", ph: "B", ts: T0 }, 0, {});
      for (let i = 1; i <= n; i++) {
        builder.add({ name: "step", ph: "B", ts: T0 + i }, 3 * i, {});
        builder.add({ name: "mark", ph: "i", ts: T0 + i + 0.5 }, 3 * i + 1, {});
        builder.add({ name: "step", ph: "E", ts: T0 + i + 0.9 }, 3 * i + 2, {});
      }
      return builder.end();
    };
    const { ratio } = measureGrowth<number>(run, (n) => n, { small: 125, large: 16_000, rounds: 3 });
    expect(ratio).toBeLessThan(LINEAR_GROWTH_BOUND);
  });
});
