// Every fact tlparse 0.4.3 reports about each TORCH_TRACE input of test/fixtures (the shared tlparse inputs and
// the traces recorded from PyTorch 2.15) is in what `trace --format jsonl` prints: compile ids, every envelope
// with its metadata, payload, stack and time, every artifact of every compile in order (output code and guards
// as rendered), cache hits and misses, every value of the compilation-metrics pages, every failure and restart,
// every chromium event, the counts, and per rank the collective schedules, the collectives parity and the
// divergence verdicts. Facts matched / facts in tlparse are printed per input, with every miss.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTlparse, type Tlparse } from "../test/support/find-tlparse.ts";
import { type Fact, formatReport, tally } from "./support/fact.ts";
import { runDifferential } from "./support/run-differential.ts";

const REPO = join(import.meta.dirname, "..");
const FIXTURES = join(REPO, "test", "fixtures");

/** Every TORCH_TRACE input: the shared tlparse inputs (files and the multi-rank directory), the 2.15 runs. */
function inputs(): string[] {
  const shared = join(FIXTURES, "torch-trace");
  const recorded = join(FIXTURES, "torch-trace-2.15");
  return [
    ...readdirSync(shared)
      .filter((name) => name !== "README.md")
      .map((name) => join(shared, name)),
    ...readdirSync(recorded).map((name) => join(recorded, name)),
  ].sort();
}

const INPUTS = inputs();

describe(`trace side by side with tlparse`, () => {
  let tlparse: Tlparse;
  let work: string;
  const results = new Map<string, Fact[]>();

  beforeAll(() => {
    try {
      tlparse = findTlparse();
    } catch (error) {
      const message = `THE TLPARSE DIFFERENTIAL TEST COULD NOT RUN: ${(error as Error).message}`;
      process.stderr.write(`\n${"!".repeat(100)}\n${message}\n${"!".repeat(100)}\n\n`);
      throw new Error(message);
    }
    process.stderr.write(`tlparse: ${tlparse.path} (${tlparse.how})\n`);
    work = mkdtempSync(join(tmpdir(), "tlparse-diff-"));
  });

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
    if (results.size === 0) return;
    let matched = 0;
    let total = 0;
    const rows = [...results].map(([input, facts]) => {
      const t = tally(facts);
      matched += t.matched;
      total += t.total;
      return `| ${input} | ${t.matched} | ${t.total} | ${((100 * t.matched) / Math.max(1, t.total)).toFixed(2)} % |`;
    });
    process.stderr.write(
      `\n| input | facts matched | facts in tlparse | |\n|---|---:|---:|---:|\n${rows.join("\n")}\n| all | ${matched} | ${total} | ${((100 * matched) / Math.max(1, total)).toFixed(2)} % |\n`,
    );
  });

  it.each(INPUTS.map((input) => [relative(FIXTURES, input), input]))(
    "%s: every fact tlparse reports",
    async (name, input) => {
      const { facts, command } = await runDifferential(tlparse.path, input, join(work, basename(input)));
      results.set(name, facts);
      process.stderr.write(`${formatReport(name, facts)}\n  (${command.replace(input, name)})\n`);
      expect(facts.length, "tlparse reported nothing").toBeGreaterThan(0);
      expect(facts.filter((f) => f.miss !== undefined)).toEqual([]);
    },
  );

  it("misses the facts of a record trace would have lost (the harness's control)", async () => {
    const input = join(FIXTURES, "torch-trace", "simple.log");
    const dropGraph = (jsonl: string) =>
      jsonl
        .split("\n")
        .filter((line) => !line.includes('"eventName":"dynamo_output_graph"'))
        .join("\n");
    const { facts } = await runDifferential(tlparse.path, input, join(work, "control"), dropGraph);
    const missed = facts.filter((f) => f.miss !== undefined).map((f) => `${f.kind}: ${f.what.split(" ")[0]}`);
    expect(missed).toEqual([
      "envelope: dynamo_output_graph",
      "metadata: dynamo_output_graph",
      "payload: payload",
      "time: local",
      "artifact: dynamo_output_graph_0.txt",
    ]);
  });
});
