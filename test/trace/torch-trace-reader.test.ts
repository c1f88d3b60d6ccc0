// The reader never fails a file for what real files contain; each oddity is counted.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TorchTraceReader } from "../../src/trace/torch-trace-reader.ts";
import type { TraceEnvelope } from "../../src/trace/trace-envelope.ts";
import { LINEAR_GROWTH_BOUND, measureGrowth, repeatTo } from "../support/growth-ratio.ts";
import { FIXTURES } from "./read-trace-fixture.ts";

const SIMPLE = readFileSync(join(FIXTURES, "simple.log"), "utf8");

function read(text: string, chunk = text.length || 1) {
  const reader = new TorchTraceReader();
  const envelopes: TraceEnvelope[] = [];
  for (let at = 0; at < text.length; at += chunk) envelopes.push(...reader.push(text.slice(at, at + chunk)));
  envelopes.push(...reader.end());
  return { envelopes, stats: reader.stats };
}

const shape = (e: TraceEnvelope) => [e.lineNumber, e.key, e.payload, e.md5];

describe("TorchTraceReader", () => {
  it.each([1, 2, 7, 100, 4096])("gives the same envelopes whatever the chunking (%i chars)", (chunk) => {
    const whole = read(SIMPLE).envelopes.map(shape);
    expect(read(SIMPLE, chunk).envelopes.map(shape)).toEqual(whole);
    expect(whole).toHaveLength(76);
  });

  it("reads a CRLF copy: the same payloads, each matching its MD5 once the \\r are removed", () => {
    const crlf = read(SIMPLE.replaceAll("\n", "\r\n"));
    const lf = read(SIMPLE);
    expect(crlf.envelopes.map((e) => e.payload)).toEqual(lf.envelopes.map((e) => e.payload));
    const withPayload = crlf.envelopes.filter((e) => e.payload !== undefined);
    expect(withPayload.length).toBeGreaterThan(50);
    expect(new Set(withPayload.map((e) => e.md5))).toEqual(new Set(["ok-crlf"]));
    expect(crlf.stats.md5Mismatches).toBe(0);
  });

  it("skips blank lines, and restores an editor-stripped empty payload line", () => {
    // The chromium payload of line 1 ends "}": a blank line between envelopes, and one inside a payload whose
    // `\t` line (an empty payload line) lost its tab.
    const text =
      'V1206 15:18:15.925000 1 a.py:1] {"x": {}, "has_payload": "HASH"}\n\tfirst\n\n\tthird\n\nV1206 15:18:15.925000 1 a.py:2] {"y": {}}\n';
    const md5 = createHash("md5").update("first\n\nthird").digest("hex");
    const { envelopes, stats } = read(text.replace("HASH", md5));
    expect(envelopes.map((e) => [e.key, e.payload, e.md5])).toEqual([
      ["x", "first\n\nthird", "ok"],
      ["y", undefined, undefined],
    ]);
    expect(stats.lines).toBe(6);
  });

  it("counts bad JSON, stray payload lines and lines that are not envelopes, and goes on", () => {
    const good = 'V1206 15:18:15.925000 1 a.py:1] {"dynamo_start": {"stack": []}, "frame_id": 0}';
    const text = [
      'V1206 15:18:15.925000 1 a.py:1] {"broken": ',
      "\tpayload of the broken envelope",
      "some print() output",
      good,
      "\tstray: dynamo_start has no has_payload",
      'V1206 15:18:15.925000 1 a.py:1] {"has_payload": "x"}',
      good,
    ].join("\n");
    const { envelopes, stats } = read(text);
    expect(envelopes.map((e) => [e.lineNumber, e.key])).toEqual([
      [4, "dynamo_start"],
      [7, "dynamo_start"],
    ]);
    expect(stats).toMatchObject({ badJson: 2, strayPayloadLines: 2, badLines: 1, lines: 7 });
  });

  it("passes unknown event keys and unknown artifact encodings through", () => {
    const { envelopes } = read(
      'V0101 00:00:00.000000 1 x.py:1] {"artifact": {"name": "n", "encoding": "zstd"}, "rank": 3}\n' +
        'V0101 00:00:00.000000 1 x.py:1] {"memoizer_artifacts": {"k": 1}, "has_payload": "d41d8cd98f00b204e9800998ecf8427e"}\n\t\n',
    );
    expect(envelopes.map((e) => [e.key, e.metadata, e.payload ?? null, e.md5 ?? null])).toEqual([
      ["artifact", { name: "n", encoding: "zstd" }, null, null],
      // `\t` alone: an empty payload line, so the payload is "" (not a missing one).
      ["memoizer_artifacts", { k: 1 }, "", "ok"],
    ]);
  });

  it("a torn last line waits; flush() completes a record only at a line end and when its MD5 matches", () => {
    const reader = new TorchTraceReader();
    const envelope = SIMPLE.split("\nV1206")[0] ?? "";
    const half = Math.floor(envelope.length / 2);
    expect(reader.push(envelope.slice(0, half))).toEqual([]);
    expect(reader.flush()).toEqual([]);
    expect(reader.push(envelope.slice(half))).toEqual([]);
    // At a line end? Not yet: the last payload line has no newline.
    expect(reader.flush()).toEqual([]);
    reader.push("\n");
    const [done] = reader.flush();
    expect(done?.key).toBe("chromium_event");
    expect(done?.md5).toBe("ok");
    // A record cut at a line boundary mid-payload (MD5 not matching yet) is held back.
    const cut = envelope.split("\n").slice(0, 4).join("\n");
    const other = new TorchTraceReader();
    other.push(`${cut}\n`);
    expect(other.flush()).toEqual([]);
    expect(other.flush(true)[0]?.md5).toBe("mismatch");
  });
});

// Issue 21, item 2: a long line that is no envelope was searched for the path's end from every prefix-like
// start (800 KB: 15 s), and a long line arriving in chunks was searched again from its start at every chunk.
describe("TorchTraceReader on long lines", () => {
  const readLine = (chunk: number) => (line: string) => {
    const reader = new TorchTraceReader();
    for (let at = 0; at < line.length; at += chunk) reader.push(line.slice(at, at + chunk));
    reader.push("\n");
    return reader.end();
  };

  it.each([
    ["prefixes without a path end", "V0101 00:00:00.000000 1 a:1] x "],
    ["prefixes whose path end follows a line break", "V0101 00:00:00.000000 1 a\r:1] {"],
  ])("reads a line of %s in time linear in its length", (_name, unit) => {
    const { ratio } = measureGrowth(readLine(Number.POSITIVE_INFINITY), (size) => repeatTo(unit, size), {
      small: 4096,
      large: 256 * 1024,
    });
    expect(ratio).toBeLessThan(LINEAR_GROWTH_BOUND);
  });

  it("reads a line that arrives in many chunks in time linear in its length", () => {
    const { ratio } = measureGrowth(readLine(16 * 1024), (size) => "x".repeat(size), {
      small: 64 * 1024,
      large: 4 * 1024 * 1024,
    });
    expect(ratio).toBeLessThan(LINEAR_GROWTH_BOUND);
  });

  it("keeps the start of a line longer than maxLineChars and drops the rest, however it is chunked", () => {
    const envelope = 'V0101 00:00:00.000000 1 a.py:1] {"long": "';
    const line = `${envelope}${"y".repeat(100)}"}`;
    for (const chunk of [1, 7, 50, 1000]) {
      const reader = new TorchTraceReader({ maxLineChars: envelope.length + 10 });
      const text = `${line}\nV0101 00:00:00.000000 1 a.py:2] {"next": {}}\n`;
      const envelopes: TraceEnvelope[] = [];
      for (let at = 0; at < text.length; at += chunk)
        envelopes.push(...reader.push(text.slice(at, at + chunk)));
      envelopes.push(...reader.end());
      expect(envelopes.map((e) => e.key)).toEqual(["next"]);
      expect(reader.stats).toMatchObject({ lines: 2, badJson: 1, badLines: 0 });
    }
  });

  it("keeps the first maxLineChars characters of a payload, however long, and says the MD5 fails", () => {
    const reader = new TorchTraceReader({ maxLineChars: 100 });
    const text = `V0101 00:00:00.000000 1 a.py:1] {"big": {}, "has_payload": "0123"}\n${"\tpayload line of some length\n".repeat(1000)}`;
    const envelopes = [...reader.push(text), ...reader.end()];
    expect(envelopes.map((e) => [e.key, e.md5, (e.payload ?? "").length <= 100])).toEqual([
      ["big", "mismatch", true],
    ]);
    expect(reader.stats.lines).toBe(1001);
  });
});
