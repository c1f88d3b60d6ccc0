// Facts of a compilation_metrics_N.html page (and the bwd_ one): every value it shows — times, failure, restart
// reasons, cache and graph counts, custom ops, the compile's stacks, its symbolic shape specializations and the
// guards added fast — found in the `compilation_metrics` record (its body is the metrics object) or in the
// records of the same compile.
import { type Fact, fact } from "./fact.ts";
import { decodeEntities, htmlText, stackFrames } from "./html-text.ts";
import type { TlparseOutput } from "./tlparse-output.ts";
import type { TraceLog, TraceOutputIndex } from "./trace-output-index.ts";
import { type Frame, metadataOf, sameNumber, simplifyFilename, tracebackHas } from "./trace-record-views.ts";

const ABBR = String.raw` <abbr[^>]*>\[\?\]</abbr>`;

/** A label of the page, the field it shows, and the regular expression that finds its value. */
const LABELLED: readonly (readonly [label: string, field: string, pattern: RegExp])[] = [
  ["Entire Frame", "entire_frame_compile_time_s", new RegExp(`Entire Frame${ABBR}: ([^<]*)</div>`)],
  ["Backend", "backend_compile_time_s", new RegExp(`Backend${ABBR}: ([^<]*)</div>`)],
  ["Inductor", "inductor_compile_time_s", new RegExp(`Inductor${ABBR}: ([^<]*)</div>`)],
  ["Code Gen Time", "code_gen_time_s", /<p>Code Gen Time: ([^<]*)<\/p>/],
  [
    "Dynamo Time Before Restart",
    "dynamo_time_before_restart_s",
    new RegExp(`Dynamo Time Before Restart${ABBR}: ([^<]*)</div>`),
  ],
  ["Failure Exception", "fail_type", /<p>Failure Exception: <pre>([\s\S]*?)<\/pre><\/p>/],
  ["Failure Reason", "fail_reason", /<p>Failure Reason: <pre>([\s\S]*?)<\/pre><\/p>/],
  ["In file", "fail_user_frame_filename", /<p>In file <pre>([\s\S]*?)<\/pre>, line \d+<\/p>/],
  ["line", "fail_user_frame_lineno", /<p>In file <pre>[\s\S]*?<\/pre>, line (\d+)<\/p>/],
  ["Cache Size", "cache_size", /<p>Cache Size: ([^<]*)<\/p>/],
  ["Accumulated Cache Size", "accumulated_cache_size", /<p>Accumulated Cache Size: ([^<]*)<\/p>/],
  ["Guard Count", "guard_count", /<p>Guard Count: ([^<]*)<\/p>/],
  ["Shape Env Guards", "shape_env_guard_count", /<p>Shape Env Guards: ([^<]*)<\/p>/],
  ["Graph Ops", "graph_op_count", /<p>Graph Ops: ([^<]*)<\/p>/],
  ["Graph Nodes", "graph_node_count", /<p>Graph Nodes: ([^<]*)<\/p>/],
  ["Graph Inputs", "graph_input_count", /<p>Graph Inputs: ([^<]*)<\/p>/],
];

export function metricsPageFacts(
  out: TlparseOutput,
  where: string,
  html: string,
  log: TraceLog,
  trace: TraceOutputIndex,
): Fact[] {
  const metrics = metadataOf(log) ?? {};
  const facts: Fact[] = [];
  const shown = (what: string, ok: boolean, detail?: string) =>
    facts.push(fact("compilation metric", where, what, ok ? undefined : (detail ?? "not in the record")));
  for (const [label, field, pattern] of LABELLED) {
    const m = pattern.exec(html);
    if (m === null) continue;
    const text = decodeEntities(m[1] as string);
    shown(
      `${label}: ${text}`,
      sameValue(text, metrics[field]),
      `${field} is ${JSON.stringify(metrics[field])}`,
    );
  }
  for (const [label, field, section] of [
    ["restart reason", "restart_reasons", between(html, "Restart Reasons:", "<h2>Cache Metrics")],
    ["compliant custom op", "compliant_custom_ops", between(html, "<p> Compliant Custom Ops:", "<h2>")],
    ["non-compliant custom op", "non_compliant_ops", between(html, "<p> Non-Compliant Custom Ops:", "<h2>")],
  ] as const) {
    const listed = metrics[field];
    [...section.matchAll(/<li> <code> ([\s\S]*?) <\/code> <\/li>/g)].forEach((m, i) => {
      const text = decodeEntities(m[1] as string);
      shown(
        `${label} ${text}`,
        Array.isArray(listed) && listed[i] === text,
        `${field} is ${JSON.stringify(listed)}`,
      );
    });
  }
  const mini = stackFrames(between(html, "</h1>", "<h2>Output files"));
  for (const frame of mini) {
    const ok =
      simplifyFilename(String(metrics.co_filename)) === frame.file &&
      metrics.co_firstlineno === frame.line &&
      metrics.co_name === frame.name;
    shown(`code ${frame.file}:${frame.line} in ${frame.name}`, ok);
  }
  const compile = sameFrame(trace, out.rank, log);
  const stack = stackFrames(between(html, "<h2>Stack</h2>", "<h2>Compile Time"));
  if (stack.length > 0) {
    // The compile's own dynamo_start: the last one before its metrics (a compile id starts again after a reset).
    const start = compile.filter((l) => l.key === "dynamo_start" && l.index < log.index).pop();
    shown(
      `stack of ${stack.length} frames`,
      tracebackHas(start?.attributes["code.stacktrace"], stack, true),
      "dynamo_start lacks them",
    );
  }
  for (const row of tableRows(between(html, "<h2>Symbolic shape specializations</h2>", "</table>"))) {
    const [symbol, sources, value, userStack, frameworkStack] = row;
    const spec = compile.find((l) => {
      const m = metadataOf(l);
      return (
        l.key === "symbolic_shape_specialization" &&
        m?.symbol === htmlText(symbol ?? "") &&
        m?.value === htmlText(value ?? "")
      );
    });
    const m = spec === undefined ? undefined : metadataOf(spec);
    const sourceList = (sources ?? "")
      .split("<br>")
      .filter((s) => s !== "")
      .map(decodeEntities);
    shown(
      `specialization ${htmlText(symbol ?? "")} = ${htmlText(value ?? "")} (${sourceList.join(", ")})`,
      spec !== undefined && JSON.stringify(m?.sources) === JSON.stringify(sourceList),
    );
    stackShown(shown, "specialization", spec, userStack, frameworkStack);
  }
  for (const row of tableRows(between(html, "<h2>Guards added fast</h2>", "</table>"))) {
    const [expr, userStack, frameworkStack] = row;
    const guard = compile.find(
      (l) => l.key === "guard_added_fast" && metadataOf(l)?.expr === htmlText(expr ?? ""),
    );
    shown(`guard added fast ${htmlText(expr ?? "")}`, guard !== undefined);
    stackShown(shown, "guard added fast", guard, userStack, frameworkStack);
  }
  return facts;
}

/** The user and framework stacks of a table row, found resolved on the record that row came from. */
function stackShown(
  shown: (what: string, ok: boolean, detail?: string) => void,
  what: string,
  log: TraceLog | undefined,
  userStack: string | undefined,
  frameworkStack: string | undefined,
): void {
  const user: Frame[] = stackFrames(userStack ?? "");
  const framework: Frame[] = stackFrames(frameworkStack ?? "");
  if (user.length > 0)
    shown(
      `${what} user stack of ${user.length} frames`,
      tracebackHas(log?.attributes["torch.trace.user_stacktrace"], user, true),
      "torch.trace.user_stacktrace lacks them",
    );
  if (framework.length > 0)
    shown(
      `${what} framework stack of ${framework.length} frames`,
      tracebackHas(log?.attributes["code.stacktrace"], framework, true),
      "code.stacktrace lacks them",
    );
}

/** The records of the compile `log` belongs to, whatever their attempt (tlparse collapses attempts there). */
function sameFrame(trace: TraceOutputIndex, rank: number | undefined, log: TraceLog): TraceLog[] {
  const prefix = log.dir.slice(0, log.dir.lastIndexOf("_") + 1);
  return trace.logsOfRank(rank).filter((l) => l.dir.startsWith(prefix));
}

function sameValue(text: string, value: unknown): boolean {
  if (text === "") return value === null || value === undefined;
  if (typeof value === "number") return sameNumber(Number(text), value);
  return String(value) === text;
}

function between(html: string, start: string, end: string): string {
  const from = html.indexOf(start);
  if (from === -1) return "";
  const to = html.indexOf(end, from + start.length);
  return html.slice(from + start.length, to === -1 ? undefined : to);
}

/** The cells of each `<tr>` without `<th>`. */
function tableRows(table: string): string[][] {
  return table
    .split("<tr>")
    .slice(1)
    .filter((row) => !row.includes("<th>"))
    .map((row) => [...row.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => m[1] as string));
}
