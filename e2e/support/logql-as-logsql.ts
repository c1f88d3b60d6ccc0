// A Grafana log panel's LogQL, as the same question to VictoriaLogs (LogsQL): the suite has no Loki (AGPL), but
// the agent's Loki exporter writes the same OTLP records into VictoriaLogs, which keeps the attributes' own
// names (`torch.trace.event`) where Loki writes them normalised (`torch_trace_event`). Only the shape the
// dashboards' TORCH_TRACE panels use: a stream selector and label filters (`=`, `=~`), each a whole-value match
// as in Loki; anything else throws.
import { normalizeLokiLabel } from "../../test/support/loki-otlp-mapping.ts";

const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

/** `names`: the OTel attribute names the records may carry; a Loki name maps back to the one it normalises. */
export function logqlAsLogsql(logql: string, names: readonly string[]): string {
  const m = /^\{([^}]*)\}((?:\s*\|[^|]+)*)$/.exec(logql.trim());
  if (m === null) throw new Error(`not a selector with label filters: ${logql}`);
  const matchers = [...(m[1] as string).split(","), ...(m[2] as string).split("|").slice(1)];
  return matchers
    .map((text) => {
      const matcher = MATCHER.exec(text);
      if (matcher === null) throw new Error(`not a label filter: ${text} (in ${logql})`);
      const [, label, op, quoted] = matcher as unknown as [string, string, string, string];
      const name = names.find((n) => normalizeLokiLabel(n) === label);
      if (name === undefined) throw new Error(`no attribute is stored as ${label}`);
      const value = JSON.parse(`"${quoted}"`) as string;
      // Loki anchors =~ at both ends; LogsQL's ~ finds the regex anywhere.
      return op === "="
        ? `${name}:=${JSON.stringify(value)}`
        : `${name}:~${JSON.stringify(`^(?:${value})$`)}`;
    })
    .join(" ");
}
