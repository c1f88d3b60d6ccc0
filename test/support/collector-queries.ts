// Every LogQL and PromQL query shipped under collector/ and documented: the Grafana dashboards' panel queries, the
// Jaeger → Loki link of the provisioned data sources, and the ```logql / ```promql blocks of collector/README.md,
// README.md and the docs/ pages it hands its reference to (support/user-pages.ts) (one query per line; `#` starts a comment). Each comes with the variable values Grafana would
// substitute (a dashboard's "All" value or text-box default), so it can be parsed as Grafana sends it.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { USER_PAGES } from "./user-pages.ts";

export type QueryLanguage = "logql" | "promql";

export interface CollectorQuery {
  /** Where it is, e.g. `pytorch-logs.json panel 3 "Records by level" A`. */
  readonly where: string;
  readonly language: QueryLanguage;
  /** As written, Grafana variables included. */
  readonly text: string;
  /** Values of the dashboard's own variables. */
  readonly variables: Readonly<Record<string, string>>;
}

export interface DashboardVariable {
  readonly type: string;
  readonly name: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly query?: string | { readonly query?: string };
  readonly definition?: string;
  readonly allValue?: string;
  readonly includeAll?: boolean;
}

export interface DashboardTarget {
  readonly refId: string;
  readonly expr: string;
  readonly datasource: { readonly type: string; readonly uid: string };
}

export interface DashboardPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly description?: string;
  readonly gridPos: { readonly h: number; readonly w: number; readonly x: number; readonly y: number };
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly targets?: readonly DashboardTarget[];
  readonly options?: Record<string, unknown>;
}

export interface Dashboard {
  readonly file: string;
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly tags: readonly string[];
  readonly templating: { readonly list: readonly DashboardVariable[] };
  readonly panels: readonly DashboardPanel[];
}

export const DASHBOARDS_DIR = "collector/grafana/dashboards";
export const DATASOURCES_FILE = "collector/grafana/provisioning/datasources/datasources.yaml";

export function loadDashboards(repoRoot: string): Dashboard[] {
  const dir = join(repoRoot, DASHBOARDS_DIR);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => ({
      ...(JSON.parse(readFileSync(join(dir, file), "utf8")) as Omit<Dashboard, "file">),
      file,
    }));
}

/** The value Grafana substitutes for a variable by default: "All" → allValue, a text box → its default. */
export function defaultVariableValue(variable: DashboardVariable): string {
  if (variable.type === "textbox") return typeof variable.query === "string" ? variable.query : "";
  if (variable.includeAll && variable.allValue !== undefined) return variable.allValue;
  throw new Error(
    `variable ${variable.name}: no default value to substitute (give it includeAll + allValue)`,
  );
}

/** The query text of a variable: the string form, or the editor object's `query`. */
export function variableQueryText(variable: DashboardVariable): string {
  return typeof variable.query === "string" ? variable.query : (variable.query?.query ?? "");
}

function dashboardQueries(dashboard: Dashboard): CollectorQuery[] {
  const variables = Object.fromEntries(
    dashboard.templating.list.map((v) => [v.name, defaultVariableValue(v)]),
  );
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: `${dashboard.file} panel ${panel.id} "${panel.title}" ${target.refId}`,
      language: target.datasource.type === "loki" ? "logql" : ("promql" as QueryLanguage),
      text: target.expr,
      variables,
    })),
  );
}

/** Grafana expands $VAR in provisioning files from its environment: `$$` stands for a literal `$`. */
export function afterGrafanaProvisioningEnv(value: string): string {
  return value.replace(/\$\$/g, "$");
}

function datasourceQueries(repoRoot: string): CollectorQuery[] {
  const doc = parse(readFileSync(join(repoRoot, DATASOURCES_FILE), "utf8")) as {
    datasources: Array<{ name: string; jsonData?: { tracesToLogsV2?: { query?: string } } }>;
  };
  return doc.datasources.flatMap((ds) => {
    const query = ds.jsonData?.tracesToLogsV2?.query;
    return query === undefined
      ? []
      : [
          {
            where: `${DATASOURCES_FILE} ${ds.name} tracesToLogsV2.query`,
            language: "logql" as const,
            text: afterGrafanaProvisioningEnv(query),
            variables: {},
          },
        ];
  });
}

function readmeQueries(repoRoot: string, file: string): CollectorQuery[] {
  const text = readFileSync(join(repoRoot, file), "utf8");
  const out: CollectorQuery[] = [];
  for (const block of text.matchAll(/^```(logql|promql)\n([\s\S]*?)^```$/gm)) {
    const language = block[1] as QueryLanguage;
    for (const line of (block[2] ?? "").split("\n")) {
      if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
      out.push({ where: `${file}: ${line.trim()}`, language, text: line, variables: {} });
    }
  }
  return out;
}

/** Every query under collector/, in its README and in the project README ("Grafana and Loki") and its docs pages. */
export function collectorQueries(repoRoot: string): CollectorQuery[] {
  return [
    ...loadDashboards(repoRoot).flatMap(dashboardQueries),
    ...datasourceQueries(repoRoot),
    ...readmeQueries(repoRoot, "collector/README.md"),
    ...USER_PAGES.flatMap((page) => readmeQueries(repoRoot, page)),
  ];
}
