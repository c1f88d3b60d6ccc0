// Facts of a multi-rank report (`--all-ranks-html`): the collective schedules per rank and graph, each rank's
// collectives parity (scheduler vs output code), and the landing page's divergence verdicts — compile ids, cache
// hit/miss patterns, collective sequences, tensor metadata — each as `trace`'s `torch.compile.rank_divergence`
// records and metric.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Fact, fact } from "./fact.ts";
import type { TlparseOutput } from "./tlparse-output.ts";
import type { TraceOutputIndex } from "./trace-output-index.ts";
import { deepEqual } from "./trace-record-views.ts";

export const DIVERGENCE_EVENT = "torch.compile.rank_divergence";
export const PARITY_EVENT = "torch.compile.collectives_parity";

/** tlparse's verdicts on its landing page, by the kind `trace` names them with. */
const VERDICTS = [
  ["compile_ids", /Diverging Compilation IDs detected/, undefined],
  ["cache", /Diverging Cache hit\/miss patterns detected[\s\S]*?<ul>([\s\S]*?)<\/ul>/, undefined],
  ["collectives", /Diverging collective operation sequences detected[\s\S]*?<ul>([\s\S]*?)<\/ul>/, undefined],
  ["tensor_meta", /Ranks exhibit divergent inductor tensor metadata[\s\S]*?<ul>([\s\S]*?)<\/ul>/, undefined],
] as const;

export function multiRankFacts(
  root: string,
  ranks: readonly TlparseOutput[],
  trace: TraceOutputIndex,
): Fact[] {
  const facts: Fact[] = [];
  const schedules = existsSync(join(root, "collective_schedules.json"))
    ? (JSON.parse(readFileSync(join(root, "collective_schedules.json"), "utf8")) as {
        rank: number;
        graph: string;
        ops: string[];
      }[])
    : [];
  for (const s of schedules) {
    const log = trace
      .logsIn(s.rank, s.graph)
      .find((l) => l.eventName === "inductor_collective_schedule" && safeDeepEqual(l.body, s.ops));
    facts.push(
      fact(
        "collective schedule",
        `rank ${s.rank} ${s.graph}`,
        `${s.ops.length} ops`,
        log === undefined ? "no such inductor_collective_schedule record" : undefined,
      ),
    );
  }
  for (const out of ranks) {
    if (!out.has("collectives_parity.json")) continue;
    const parity = JSON.parse(out.read("collectives_parity.json")) as {
      graphs: { graph: string; compile_id: string; offset: number; missing_waits: number }[];
    };
    const records = trace.logsOfRank(out.rank).filter((l) => l.eventName === PARITY_EVENT);
    facts.push(
      fact(
        "collectives parity",
        `${out.label}collectives_parity.json`,
        `${parity.graphs.length} graphs differ`,
        records.length === parity.graphs.length ? undefined : `${records.length} ${PARITY_EVENT} records`,
      ),
    );
    for (const g of parity.graphs) {
      const ok = records.some(
        (l) =>
          l.dir === g.graph &&
          l.attributes["torch.compile.collectives.offset"] === g.offset &&
          l.attributes["torch.compile.collectives.missing_waits"] === g.missing_waits,
      );
      facts.push(
        fact(
          "collectives parity",
          `${out.label}${g.compile_id}`,
          `offset ${g.offset}, missing waits ${g.missing_waits}`,
          ok ? undefined : "no such record",
        ),
      );
    }
  }
  const landing = readFileSync(join(root, "index.html"), "utf8");
  const rankNumbers = ranks.flatMap((r) => (r.rank === undefined ? [] : [r.rank]));
  for (const [kind, pattern] of VERDICTS)
    facts.push(...verdictFacts(kind, pattern.exec(landing), rankNumbers, trace));
  for (const [title, unavailable] of [
    ["Graph Runtime Analysis", undefined],
    ["Graph Execution-Order Diagnostics", "Execution-order analysis unavailable."],
  ] as const) {
    const shown =
      landing.includes(`<h3>${title}</h3>`) && (unavailable === undefined || !landing.includes(unavailable));
    if (shown) facts.push(fact("rank divergence", "index.html", title, "not read by trace"));
  }
  return facts;
}

function verdictFacts(
  kind: string,
  match: RegExpExecArray | null,
  ranks: readonly number[],
  trace: TraceOutputIndex,
): Fact[] {
  const records = trace.logs.filter(
    (l) => l.eventName === DIVERGENCE_EVENT && l.attributes["torch.compile.divergence.kind"] === kind,
  );
  const points = trace.metrics.filter(
    (m) => m.name === DIVERGENCE_EVENT && m.attributes["torch.compile.divergence.kind"] === kind,
  );
  const where = `index.html ${kind}`;
  if (match === null) {
    const ok = records.length === 0 && points.length === ranks.length && points.every((p) => p.value === 0);
    return [
      fact(
        "rank divergence",
        where,
        "ranks agree",
        ok ? undefined : `${records.length} records, metric ${points.map((p) => p.value).join(",")}`,
      ),
    ];
  }
  const facts = [
    fact(
      "rank divergence",
      where,
      "ranks diverge",
      points.some((p) => p.value === 1) ? undefined : "metric is 0",
    ),
  ];
  for (const group of [...(match[1] ?? "").matchAll(/<li>Ranks: ([^<]*)<\/li>/g)].map(
    (m) => m[1] as string,
  )) {
    const ok = group
      .split(", ")
      .map(Number)
      .every((rank) =>
        records.some((l) => l.rank === rank && l.attributes["torch.compile.divergence.group"] === group),
      );
    facts.push(fact("rank divergence", where, `group of ranks ${group}`, ok ? undefined : "no such records"));
  }
  return facts;
}

function safeDeepEqual(body: string, value: unknown): boolean {
  try {
    return deepEqual(JSON.parse(body), value);
  } catch {
    return false;
  }
}
