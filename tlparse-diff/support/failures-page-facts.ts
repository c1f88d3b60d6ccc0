// Facts of failures_and_restarts.html: each row (a restart reason, or a failure's type, reason and user frame)
// found in the `compilation_metrics` record of that compile.
import { type Fact, fact } from "./fact.ts";
import { decodeEntities } from "./html-text.ts";
import type { TlparseOutput } from "./tlparse-output.ts";
import type { TraceOutputIndex } from "./trace-output-index.ts";
import { metadataOf } from "./trace-record-views.ts";

export function failuresPageFacts(out: TlparseOutput, trace: TraceOutputIndex): Fact[] {
  if (!out.has("failures_and_restarts.html")) return [];
  const html = out.read("failures_and_restarts.html");
  const facts: Fact[] = [];
  for (const row of html.split("<tr> <td> ").slice(1)) {
    const link = /^<a href='([^/']+)\/[^']*'>([^<]*)<\/a>/.exec(row);
    const where = `${out.label}failures_and_restarts.html ${link?.[2] ?? row.slice(0, 40)}`;
    if (link === null) {
      facts.push(fact("failure or restart", where, row.slice(0, 80), "row not understood"));
      continue;
    }
    const metrics = trace
      .logsIn(out.rank, link[1] as string)
      .filter((log) => log.key === "compilation_metrics")
      .map((log) => metadataOf(log) ?? {});
    const restart = /<td> RestartAnalysis <\/td><td><pre>([\s\S]*?)<\/pre><\/td>/.exec(row);
    if (restart !== null) {
      const reason = restart[1] as string;
      const ok = metrics.some((m) => Array.isArray(m.restart_reasons) && m.restart_reasons.includes(reason));
      facts.push(
        fact("failure or restart", where, `restart: ${reason}`, ok ? undefined : "no such restart reason"),
      );
      continue;
    }
    const cells = [...row.matchAll(/<td><pre>([\s\S]*?)<\/pre><\/td>/g)].map((m) =>
      decodeEntities(m[1] as string),
    );
    const [type, reason, source] = cells;
    const ok = metrics.some(
      (m) =>
        m.fail_type === type &&
        m.fail_reason === reason &&
        `${String(m.fail_user_frame_filename ?? "N/A")}:${String(m.fail_user_frame_lineno ?? 0)}` === source,
    );
    facts.push(
      fact(
        "failure or restart",
        where,
        `failure ${type}: ${reason} at ${source}`,
        ok ? undefined : "no such failure",
      ),
    );
  }
  return facts;
}
