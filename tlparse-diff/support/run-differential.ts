// One input side by side: tlparse writes its report (per rank with --all-ranks-html), `trace --format jsonl` runs
// on the same path, and every fact of the report is looked up in what `trace` printed.
import { execFile } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { runCliCaptured } from "../../test/support/run-cli.ts";
import { chromiumFacts } from "./chromium-facts.ts";
import { compileDirectoryFacts } from "./compile-directory-facts.ts";
import { countsFacts } from "./counts-facts.ts";
import { type Fact, fact } from "./fact.ts";
import { failuresPageFacts } from "./failures-page-facts.ts";
import { multiRankFacts } from "./multi-rank-facts.ts";
import { rawJsonlFacts } from "./raw-jsonl-facts.ts";
import { readTlparseOutput, type TlparseOutput } from "./tlparse-output.ts";
import { TraceOutputIndex } from "./trace-output-index.ts";

const run = promisify(execFile);

export interface Differential {
  readonly facts: Fact[];
  /** The tlparse command line. */
  readonly command: string;
}

/** The trace files of an input: the file, or a directory's `dedicated_log_torch_trace_*.log`. */
export function traceFilesOf(input: string): string[] {
  if (!statSync(input).isDirectory()) return [input];
  return readdirSync(input)
    .filter((name) => /^dedicated_log_torch_trace_.*\.log$/.test(name))
    .map((name) => join(input, name));
}

/**
 * `alter` changes `trace`'s output before it is compared (the test's control: a record taken away must show as
 * missed facts).
 */
export async function runDifferential(
  tlparse: string,
  input: string,
  work: string,
  alter: (jsonl: string) => string = (jsonl) => jsonl,
): Promise<Differential> {
  const files = traceFilesOf(input);
  const multi = files.length > 1;
  const out = join(work, "tl_out");
  const args = [multi ? input : (files[0] as string), "-o", out, "--overwrite", "--no-browser"];
  if (multi) args.push("--all-ranks-html");
  const tl = await run(tlparse, args, { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  const outputs: TlparseOutput[] = multi
    ? readdirSync(out)
        .flatMap((name) => {
          const m = /^rank_(\d+)$/.exec(name);
          return m === null ? [] : [readTlparseOutput(join(out, name), Number(m[1]))];
        })
        .sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))
    : [readTlparseOutput(out, undefined)];
  const traced = await runCliCaptured(["trace", "--format", "jsonl", input]);
  const facts: Fact[] = [];
  if (traced.code !== 0)
    facts.push(fact("counts", "trace", "exit code 0", `exit code ${traced.code}: ${traced.stderr}`));
  const index = new TraceOutputIndex(alter(traced.stdout), traced.stderr);
  for (const output of outputs) {
    facts.push(...rawJsonlFacts(output, index).facts);
    facts.push(...compileDirectoryFacts(output, index));
    facts.push(...failuresPageFacts(output, index));
    facts.push(...chromiumFacts(output, index));
  }
  facts.push(...countsFacts(tl.stderr, index.summary));
  if (multi) facts.push(...multiRankFacts(out, outputs, index));
  return { facts, command: `tlparse ${args.join(" ")}` };
}
