// Shared pieces of the benchmark scenarios (`*.bench.ts`, one scenario per file) and of `run.ts`: the scenario
// contract, mitata measurement of one case, and the result table.
import { B, bench, run } from "mitata";

/** Median and spread of one measured case, in nanoseconds per operation. */
export interface Spread {
  readonly p50: number;
  readonly p25: number;
  readonly p75: number;
  /** Samples mitata kept (after trimming outliers). */
  readonly samples: number;
}

export type Verdict = "PASS" | "MISS" | "baseline" | "report";

/** One line of the result table. */
export interface Row {
  /** Short label, e.g. `2b`; baselines are referred to by it. */
  readonly label: string;
  readonly case: string;
  readonly ns?: Spread;
  /** Label of the row this one is compared with. */
  readonly baseline?: string;
  readonly ratio?: number;
  readonly target?: string;
  readonly verdict?: Verdict;
  /** Anything else worth a column: records/s, peak RSS, … */
  readonly detail?: string;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly rows: readonly Row[];
  readonly notes: readonly string[];
}

export interface ScenarioOptions {
  /** Print mitata's own report (histograms, dead-code warnings) while measuring. */
  readonly verbose: boolean;
}

/**
 * mitata's computed-parameter form: a generator yielding `{ 0() { return param }, bench(param) { … } }`, so the
 * JIT cannot hoist loads of `param` out of the measured loop.
 */
export type ParameterisedBench = () => Generator<unknown, void, undefined>;

export interface BenchCase {
  readonly name: string;
  /** Sync or async (its return value is kept alive by mitata), or a computed-parameter generator. */
  readonly fn: (() => unknown) | ParameterisedBench;
  /** Operations one call performs (e.g. 512 emits then a flush): ns/op = ns per call / opsPerCall. */
  readonly opsPerCall?: number;
  /** Checks, after measuring, that the case did what it claims (nothing dropped, nothing exported, …). */
  readonly verify?: () => void | Promise<void>;
}

export interface CaseSet {
  readonly cases: readonly BenchCase[];
  readonly dispose?: () => Promise<void>;
}

/**
 * A micro-benchmark scenario. `run.ts` measures every case in a fresh process of its own (the case's setup
 * included), so that JIT feedback from one case — e.g. SDK call sites made polymorphic by another pipeline —
 * cannot slow another down, then hands all the results to `report`.
 */
export interface MicroScenario {
  readonly kind: "micro";
  readonly id: string;
  readonly title: string;
  /**
   * Measure every case this many times, each time in a fresh process; rounds alternate forward and reverse case
   * order. `Results` compares cases within a round and takes the median over rounds. Default 1.
   */
  readonly rounds?: number;
  setup(): CaseSet | Promise<CaseSet>;
  report(results: Results): {
    readonly rows: readonly Row[];
    readonly notes: readonly string[];
  };
}

/** A scenario that measures (with mitata's `measure`) and reports by itself, in one process. */
export interface CustomScenario {
  readonly kind: "custom";
  readonly id: string;
  readonly title: string;
  run(options: ScenarioOptions): Promise<ScenarioResult>;
}

/** What every `test/bench/*.bench.ts` exports as `scenario`. */
export type Scenario = MicroScenario | CustomScenario;

const WARM_UP_CALLS = 16;

/** Measures one case with mitata (its default budget: ≥ 12 samples and ≈ 0.7 s), as ns per operation. */
export async function measureCase(benchCase: BenchCase, options: ScenarioOptions): Promise<Spread> {
  // mitata tells a plain function from a generator at run time; its types only describe plain yields.
  const fn = benchCase.fn as () => unknown;
  // mitata measures call by call (timer overhead included) when the first call takes over 0.5 ms: run the
  // one-time work (a scope's first filter compilation, the SDK's lazy set-up) before it looks.
  if (benchCase.fn.constructor.name === "Function" || benchCase.fn.constructor.name === "AsyncFunction") {
    for (let i = 0; i < WARM_UP_CALLS; i++) await fn();
  }
  let trial: Awaited<ReturnType<B["run"]>>;
  if (options.verbose) {
    bench(benchCase.name, fn);
    const { benchmarks } = await run({ format: "mitata", throw: true });
    const first = benchmarks[0];
    if (first === undefined) throw new Error(`bench "${benchCase.name}" did not run`);
    trial = first;
  } else {
    trial = await new B(benchCase.name, fn).run(true);
  }
  const stats = trial.runs[0]?.stats;
  if (stats === undefined)
    throw new Error(`bench "${benchCase.name}" failed: ${String(trial.runs[0]?.error)}`);
  const ops = benchCase.opsPerCall ?? 1;
  return { p50: stats.p50 / ops, p25: stats.p25 / ops, p75: stats.p75 / ops, samples: stats.samples.length };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1] ?? Number.NaN;
}

/**
 * What a micro scenario's `report` gets: every case's spread in every round. A round measures every case once,
 * one after the other, so comparisons are made within a round, then the median over rounds is taken: a burst
 * of load from elsewhere on the machine disturbs one round, not the result.
 */
export class Results {
  readonly #rounds: ReadonlyMap<string, readonly Spread[]>;

  constructor(rounds: ReadonlyMap<string, readonly Spread[]>) {
    this.#rounds = rounds;
  }

  #of(name: string): readonly Spread[] {
    const rounds = this.#rounds.get(name);
    if (rounds === undefined || rounds.length === 0) throw new Error(`no result for bench "${name}"`);
    return rounds;
  }

  /** The spread of the round whose median is the median over rounds. */
  spread(name: string): Spread {
    const rounds = this.#of(name);
    const middle = median(rounds.map((r) => r.p50));
    return rounds.find((r) => r.p50 === middle) ?? (rounds[0] as Spread);
  }

  /** Median over rounds of `a`'s median ÷ `b`'s median in the same round. */
  ratio(a: string, b: string): number {
    const as = this.#of(a);
    const bs = this.#of(b);
    return median(as.map((r, i) => r.p50 / (bs[i] ?? r).p50));
  }

  /** Median over rounds of `a`'s median − `b`'s median in the same round, in ns. */
  difference(a: string, b: string): number {
    const as = this.#of(a);
    const bs = this.#of(b);
    return median(as.map((r, i) => r.p50 - (bs[i] ?? r).p50));
  }
}

/** The value at quantile `q` of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] ?? Number.NaN;
}

/** The median and quartiles of measured values. */
export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    samples: sorted.length,
  };
}

export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  if (ns < 10) return ns.toFixed(2);
  if (ns < 100) return ns.toFixed(1);
  return Math.round(ns).toLocaleString("en-US");
}

export function formatRatio(value: number): string {
  return value.toFixed(value < 10 ? 3 : 1);
}

export function formatBytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

const HEADER = ["#", "case", "ns/op median", "p25–p75", "ratio", "vs", "target", "result", "detail"];

function cells(row: Row): string[] {
  return [
    row.label,
    row.case,
    row.ns === undefined ? "" : formatNs(row.ns.p50),
    row.ns === undefined ? "" : `${formatNs(row.ns.p25)}–${formatNs(row.ns.p75)}`,
    row.ratio === undefined ? "" : formatRatio(row.ratio),
    row.baseline ?? "",
    row.target ?? "",
    row.verdict ?? "",
    row.detail ?? "",
  ];
}

/** A Markdown table of every scenario's rows (readable as is in a terminal). */
export function formatTable(results: readonly ScenarioResult[]): string {
  const body: string[][] = [];
  for (const result of results) {
    body.push([`**${result.id}**`, `**${result.title}**`, "", "", "", "", "", "", ""]);
    for (const row of result.rows) body.push(cells(row));
  }
  // Biome's Markdown formatting: columns at least 3 wide, `| --- |` rules, `---:` for right-aligned columns.
  const widths = HEADER.map((h, i) => Math.max(3, h.length, ...body.map((r) => (r[i] ?? "").length)));
  const right = (i: number) => i >= 2 && i <= 4;
  const line = (r: readonly string[]) =>
    `| ${r.map((c, i) => (right(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (right(i) ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  return [line(HEADER), rule, ...body.map(line)].join("\n");
}

/** PASS/MISS for "value ≤ limit". */
export function atMost(value: number, limit: number): Verdict {
  return value <= limit ? "PASS" : "MISS";
}

/** PASS/MISS for "value ≥ limit". */
export function atLeast(value: number, limit: number): Verdict {
  return value >= limit ? "PASS" : "MISS";
}
