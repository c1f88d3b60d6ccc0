// `npm run bench`: runs every scenario in test/bench/*.bench.ts (one scenario per file, in file-name order), all in
// this one run, and prints one table (written into docs/benchmarks.md with --write). Micro-benchmark scenarios (1–4) run
// each case — baselines included — in a fresh child process, so that one case's JIT feedback (SDK call sites made
// polymorphic by another pipeline) cannot slow another down; a custom scenario (5) runs in one child process.
//
//   node --expose-gc test/bench/run.ts [--verbose] [--only 1,3] [--rounds N] [--write]
//
// --verbose prints mitata's own report (histograms, dead-code warnings) while measuring; --only runs some
// scenarios; --rounds overrides every micro scenario's number of rounds. --write (full runs only) writes the
// run into docs/benchmarks.md, between its markers; without it no tracked file changes.
// BENCH_RECEIVER=inline runs scenario 5's OTLP receiver on the exporting thread instead of a worker thread.
import { fork } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  formatTable,
  type MicroScenario,
  measureCase,
  Results,
  type Scenario,
  type ScenarioResult,
  type Spread,
} from "./harness.ts";
import { replaceResultsSection } from "./support/results-section.ts";

const here = dirname(fileURLToPath(import.meta.url));
const self = fileURLToPath(import.meta.url);
const RESULTS_FILE = join(here, "../../docs/benchmarks.md");

type ChildMessage =
  | { readonly ok: true; readonly result?: ScenarioResult; readonly spread?: Spread }
  | { readonly ok: false; readonly error: string };

const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const option = (flag: string) => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
};
const only = option("--only")?.split(",");
const roundsOption = option("--rounds");
const roundsOverride = roundsOption === undefined ? undefined : Math.max(1, Number(roundsOption));
const write = args.includes("--write");

if (write && only !== undefined) {
  console.error("bench: --write needs a full run (the tracked results cover every scenario); drop --only");
  process.exit(2);
}
if (write && args[0] !== "--child") {
  // Before minutes of measuring: the page must have the markers to write between.
  const empty = { environment: [], explanation: [], table: "", notes: [] };
  replaceResultsSection(await readFile(RESULTS_FILE, "utf8"), empty);
}
if (args[0] === "--child") {
  await runChild(args[1] ?? "", option("--case"));
} else {
  await runAll();
}

async function loadScenario(file: string): Promise<Scenario> {
  const module = (await import(pathToFileURL(join(here, file)).href)) as { scenario?: Scenario };
  if (module.scenario === undefined) throw new Error(`${file} exports no \`scenario\``);
  return module.scenario;
}

/** In a child process: one case of a micro scenario (set up, measured, verified, disposed), or a custom scenario. */
async function runChild(file: string, caseIndex: string | undefined): Promise<void> {
  let message: ChildMessage;
  try {
    const scenario = await loadScenario(file);
    if (scenario.kind === "custom") {
      message = { ok: true, result: await scenario.run({ verbose }) };
    } else {
      const set = await scenario.setup();
      const benchCase = set.cases[Number(caseIndex)];
      if (benchCase === undefined) throw new Error(`${file}: no case #${caseIndex}`);
      try {
        const spread = await measureCase(benchCase, { verbose });
        await benchCase.verify?.();
        message = { ok: true, spread };
      } finally {
        await set.dispose?.();
      }
    }
  } catch (error) {
    message = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  // Exit once the result is out, whatever handles (sockets, timers) a scenario left behind.
  process.send?.(message, () => process.exit(message.ok ? 0 : 1));
}

function runChildProcess(childArgs: readonly string[]): Promise<ChildMessage> {
  return new Promise((resolve) => {
    const child = fork(self, [...childArgs, ...(verbose ? ["--verbose"] : [])], {
      execArgv: process.execArgv,
      stdio: ["inherit", "inherit", "inherit", "ipc"],
    });
    let message: ChildMessage | undefined;
    child.on("message", (m: ChildMessage) => {
      message = m;
    });
    child.on("error", (error) => resolve({ ok: false, error: String(error) }));
    child.on("exit", (code, signal) =>
      resolve(message ?? { ok: false, error: `exited with ${signal ?? `code ${code}`} before reporting` }),
    );
  });
}

function scenarioId(file: string): string {
  return file.split("-")[0] ?? file;
}

function failed(file: string, error: string): ScenarioResult {
  return {
    id: scenarioId(file),
    title: file,
    rows: [{ label: scenarioId(file), case: `error: ${error.split("\n")[0] ?? ""}`, verdict: "MISS" }],
    notes: [],
  };
}

/**
 * Every case in a fresh process, `rounds` times (forward, then reverse order, …, so drift in machine load does
 * not always favour the same cases); `report` runs here, on every round's results.
 */
async function runMicro(file: string, scenario: MicroScenario): Promise<ScenarioResult> {
  const set = await scenario.setup();
  const names = set.cases.map((c) => c.name);
  await set.dispose?.();
  const rounds = roundsOverride ?? scenario.rounds ?? 1;
  const measured = new Map<string, Spread[]>(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = [...names.keys()];
    if (round % 2 === 1) order.reverse();
    for (const index of order) {
      const name = names[index] ?? "";
      const message = await runChildProcess(["--child", file, "--case", String(index)]);
      if (!message.ok) {
        console.error(`bench: ${file} case "${name}" FAILED\n${message.error}`);
        return failed(file, `case "${name}": ${message.error}`);
      }
      if (message.spread === undefined) return failed(file, `case "${name}" reported no measurement`);
      measured.get(name)?.push(message.spread);
    }
  }
  const { rows, notes } = scenario.report(new Results(measured));
  return {
    id: scenario.id,
    title: `${scenario.title}${rounds > 1 ? ` (median of ${rounds} rounds)` : ""}`,
    rows,
    notes,
  };
}

async function runScenario(file: string): Promise<ScenarioResult> {
  try {
    const scenario = await loadScenario(file);
    if (scenario.kind === "micro") return await runMicro(file, scenario);
    const message = await runChildProcess(["--child", file]);
    if (!message.ok) {
      console.error(`bench: ${file} FAILED\n${message.error}`);
      return failed(file, message.error);
    }
    if (message.result === undefined) return failed(file, "reported no result");
    return message.result;
  } catch (error) {
    return failed(file, error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}

async function runAll(): Promise<void> {
  const started = performance.now();
  if (typeof globalThis.gc !== "function") {
    console.warn(
      "warning: run with --expose-gc (npm run bench does) so mitata can collect garbage between benches",
    );
  }
  const files = (await readdir(here))
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => only === undefined || only.includes(scenarioId(f)))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));

  const results: ScenarioResult[] = [];
  for (const file of files) {
    const t0 = performance.now();
    console.error(`bench: ${file} …`);
    results.push(await runScenario(file));
    console.error(`bench: ${file} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  const totalSeconds = (performance.now() - started) / 1000;
  const rows = results.flatMap((r) => r.rows);
  const missed = rows.filter((r) => r.verdict === "MISS").map((r) => r.label);
  const passed = rows.filter((r) => r.verdict === "PASS").length;
  const table = formatTable(results);
  const notes = results.flatMap((r) => r.notes.map((n) => `- ${n}`));
  const cpus = os.cpus();
  const environment = [
    `- Date: ${new Date().toISOString()}`,
    `- Node: ${process.version} (V8 ${process.versions.v8}), flags: ${process.execArgv.join(" ") || "none"}`,
    `- CPU: ${cpus[0]?.model.trim() ?? "unknown"} × ${cpus.length} (${os.arch()}), ${os.type()} ${os.release()}`,
    `- Total run time: ${totalSeconds.toFixed(1)} s`,
    `- Targets: ${passed} PASS, ${missed.length} MISS${missed.length > 0 ? ` (${missed.join(", ")})` : ""}`,
  ];
  const explanation = [
    "ns/op: median nanoseconds per operation over mitata's samples, with the p25–p75 spread; ratio: this row's",
    "median ÷ the median of the row named in `vs` (scenario 5: records/s with ÷ without). Every micro-benchmark case",
    "(scenarios 1–4) runs in a fresh child process of its own, so one case's JIT feedback cannot slow another down;",
    "a scenario measured in several rounds shows the median round's figures, and ratios are the median over rounds",
    "of the ratio within a round.",
  ];

  console.log(`\n${table}\n`);
  if (notes.length > 0) console.log(`${notes.join("\n")}\n`);
  console.log(environment.join("\n"));

  if (!write) {
    console.log("\ndocs/benchmarks.md is unchanged; `npm run bench -- --write` records a full run there");
  } else {
    // Between the page's markers: never hand-edited numbers.
    const page = await readFile(RESULTS_FILE, "utf8");
    await writeFile(RESULTS_FILE, replaceResultsSection(page, { environment, explanation, table, notes }));
    console.log(`\nwrote the results into ${RESULTS_FILE}`);
  }
  process.exitCode = results.some((r) => r.rows.some((row) => row.case.startsWith("error:"))) ? 1 : 0;
}
