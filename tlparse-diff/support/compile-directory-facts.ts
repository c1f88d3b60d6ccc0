// Facts of compile_directory.json: the compile ids, and per compile the artifacts in their order — each one a
// record of that compile in `trace` — with the payloads tlparse renders as HTML (output code, guards) compared
// to the record's body, and the cache hits, misses and bypasses as `torch.compile.cache.requests` points.
import { type Fact, fact } from "./fact.ts";
import { highlightedSource, htmlText } from "./html-text.ts";
import { metricsPageFacts } from "./metrics-page-facts.ts";
import { artifactStem, dirOfCompileKey, type TlparseArtifact, type TlparseOutput } from "./tlparse-output.ts";
import type { TraceLog, TraceMetric, TraceOutputIndex } from "./trace-output-index.ts";
import { tlparseStemOf } from "./trace-record-views.ts";

export function compileDirectoryFacts(out: TlparseOutput, trace: TraceOutputIndex): Fact[] {
  const facts: Fact[] = [];
  const cachePoints = trace.metrics.filter(
    (m) =>
      m.name === "torch.compile.cache.requests" &&
      (out.rank === undefined || m.attributes["torch.rank"] === out.rank),
  );
  const usedPoints = new Set<TraceMetric>();
  for (const [key, artifacts] of out.compileDirectory) {
    const where = `${out.label}${key}`;
    const dir = dirOfCompileKey(key);
    if (dir === undefined) {
      facts.push(fact("compile id", where, key, "compile id not understood"));
      continue;
    }
    const logs = trace.logsIn(out.rank, dir);
    if (dir !== "-_-_-_-") {
      const id = key.slice(1, -1);
      const ok = logs.some((log) => log.attributes["torch.compile_id"] === id);
      facts.push(
        fact("compile id", where, key, ok ? undefined : `no log record with torch.compile_id ${id}`),
      );
    }
    let after = -1;
    for (const artifact of artifacts) {
      const log = findArtifact(logs, artifact, after);
      const what = `${artifact.name}`;
      if (log === undefined) {
        const anywhere = findArtifact(logs, artifact, -1);
        facts.push(
          fact(
            "artifact",
            where,
            what,
            anywhere === undefined ? "no record of that name in this compile" : "out of order",
          ),
        );
        continue;
      }
      after = log.index;
      facts.push(fact("artifact", where, what));
      facts.push(...renderedFacts(out, `${where} ${artifact.name}`, artifact, log, trace));
      if (artifact.suffix !== "") facts.push(cacheFact(where, artifact, cachePoints, usedPoints));
    }
  }
  return facts;
}

function findArtifact(
  logs: readonly TraceLog[],
  artifact: TlparseArtifact,
  after: number,
): TraceLog | undefined {
  const stem = artifactStem(artifact);
  return logs.find((log) => log.index > after && tlparseStemOf(log) === stem);
}

function renderedFacts(
  out: TlparseOutput,
  where: string,
  artifact: TlparseArtifact,
  log: TraceLog,
  trace: TraceOutputIndex,
): Fact[] {
  const url = artifact.url;
  if (!url.endsWith(".html") || !out.has(url)) return [];
  const html = out.read(url);
  if (log.key === "inductor_output_code") {
    const source = highlightedSource(html);
    return [fact("rendered payload", where, "output code", source === log.body ? undefined : "body differs")];
  }
  if (log.key === "dynamo_guards") {
    const shown = [...html.matchAll(/<li><code>([\s\S]*?)<\/code><\/li>/g)].map((m) =>
      htmlText(m[1] as string),
    );
    let codes: unknown[] = [];
    try {
      codes = (JSON.parse(log.body) as { code: unknown }[]).map((g) => g.code);
    } catch {
      // compared below
    }
    return shown.map((code, i) =>
      fact("rendered payload", where, `guard ${code}`, codes[i] === code ? undefined : "not in the body"),
    );
  }
  if (log.key.endsWith("compilation_metrics")) return metricsPageFacts(out, where, html, log, trace);
  return [];
}

function cacheFact(
  where: string,
  artifact: TlparseArtifact,
  points: readonly TraceMetric[],
  used: Set<TraceMetric>,
): Fact {
  const m = /^(.*)_cache_(hit|miss|bypass)/.exec(artifactStem(artifact));
  const what = `${artifact.name} ${artifact.suffix}`;
  if (m === null) return fact("cache result", where, what, "not a cache artifact name");
  const point = points.find(
    (p) =>
      !used.has(p) &&
      p.attributes["torch.compile.cache.name"] === m[1] &&
      p.attributes["torch.compile.cache.result"] === m[2],
  );
  if (point === undefined)
    return fact("cache result", where, what, `no torch.compile.cache.requests point ${m[1]}/${m[2]}`);
  used.add(point);
  return fact("cache result", where, what);
}
