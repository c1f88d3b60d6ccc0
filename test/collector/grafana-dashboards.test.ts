// The provisioned Grafana dashboards (collector/grafana/dashboards/) as Grafana's file provider would load them:
// where the provider looks, schema version, uids, data sources by uid, layout, variables, and a README entry for
// every panel. Their queries are checked in grafana-queries.test.ts.

import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  DASHBOARDS_DIR,
  DATASOURCES_FILE,
  type Dashboard,
  type DashboardPanel,
  loadDashboards,
} from "../support/collector-queries.ts";
import { GRAFANA_BUILTIN_VALUES, grafanaVariablesIn } from "../support/grafana-variables.ts";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dashboards = loadDashboards(repoRoot);
const datasources = (
  parse(readFileSync(join(repoRoot, DATASOURCES_FILE), "utf8")) as {
    datasources: Array<{ uid: string; type: string }>;
  }
).datasources;
const readme = readFileSync(join(repoRoot, "collector/README.md"), "utf8");

type Ref = { type?: string; uid?: string } | undefined;

function refsOf(dashboard: Dashboard): Array<[string, Ref]> {
  return [
    ...dashboard.panels.flatMap(
      (p): Array<[string, Ref]> => [
        [`panel ${p.id}`, p.datasource],
        ...(p.targets ?? []).map((t): [string, Ref] => [`panel ${p.id} ${t.refId}`, t.datasource]),
      ],
    ),
    ...dashboard.templating.list
      .filter((v) => v.datasource)
      .map((v): [string, Ref] => [`$${v.name}`, v.datasource]),
  ];
}

function overlaps(a: DashboardPanel["gridPos"], b: DashboardPanel["gridPos"]): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe("dashboard provisioning", () => {
  it("the file provider reads the directory the compose file mounts the dashboards at", () => {
    const provider = (
      parse(
        readFileSync(join(repoRoot, "collector/grafana/provisioning/dashboards/dashboards.yaml"), "utf8"),
      ) as {
        apiVersion: number;
        providers: Array<{ type: string; options: { path: string } }>;
      }
    ).providers;
    expect(provider).toHaveLength(1);
    expect(provider[0]?.type).toBe("file");
    const compose = parse(readFileSync(join(repoRoot, "collector/docker-compose.yaml"), "utf8")) as {
      services: { grafana: { volumes: string[] } };
    };
    const mount = compose.services.grafana.volumes
      .map((v) => v.split(":"))
      .find(
        ([source]) => relative(repoRoot, resolve(repoRoot, "collector", source ?? "")) === DASHBOARDS_DIR,
      );
    expect(mount?.[1]).toBe(provider[0]?.options.path);
  });

  it("ships a PyTorch logs and a PyTorch compile dashboard with unique uids", () => {
    expect(dashboards.map((d) => d.title).sort()).toEqual(["PyTorch compile", "PyTorch logs"]);
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    for (const d of dashboards) expect(d.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
  });
});

describe.each(dashboards.map((d) => [d.title, d] as const))("dashboard %s", (_title, dashboard) => {
  it("uses a Grafana 12 schema version (12.x migrates it forward on load)", () => {
    expect(dashboard.schemaVersion).toBe(41);
    expect(dashboard.tags).toContain("pytorch");
  });

  it("refers to provisioned data sources by uid and type", () => {
    const refs = refsOf(dashboard);
    expect(refs.length).toBeGreaterThan(0);
    for (const [where, ref] of refs) {
      const ds = datasources.find((d) => d.uid === ref?.uid);
      expect(ds, `${where}: uid ${ref?.uid}`).toBeDefined();
      expect(ref?.type, where).toBe(ds?.type);
    }
  });

  it("has at least six panels, each with a title, a question it answers and a query", () => {
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(6);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    expect(new Set(dashboard.panels.map((p) => p.title)).size).toBe(dashboard.panels.length);
    for (const p of dashboard.panels) {
      expect(`${p.title} ${p.description ?? ""}`, p.title).toMatch(/\?/);
      expect(p.targets?.length ?? 0, p.title).toBeGreaterThan(0);
    }
  });

  it("lays the panels out on the 24-column grid without overlaps", () => {
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      expect(p.gridPos.w * p.gridPos.h, p.title).toBeGreaterThan(0);
    }
    const panels = dashboard.panels;
    for (const [i, a] of panels.entries()) {
      for (const b of panels.slice(i + 1))
        expect(overlaps(a.gridPos, b.gridPos), `${a.title} / ${b.title}`).toBe(false);
    }
  });

  it("defines every variable its queries use, and uses every variable it defines", () => {
    const defined = dashboard.templating.list.map((v) => v.name);
    const used = new Set(
      [
        ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
        ...dashboard.templating.list.map((v) =>
          typeof v.query === "string" ? v.query : (v.query?.query ?? ""),
        ),
      ].flatMap(grafanaVariablesIn),
    );
    for (const name of used) {
      if (name in GRAFANA_BUILTIN_VALUES) continue;
      expect(defined, `$${name}`).toContain(name);
    }
    for (const name of defined) expect([...used], `$${name} is unused`).toContain(name);
    expect(defined).toEqual(expect.arrayContaining(["service", "rank", "compile_id"]));
  });

  it("shows log lines with their details, where the Loki data source puts the link to the trace", () => {
    const logs = dashboard.panels.filter((p) => p.type === "logs");
    expect(logs.length).toBeGreaterThan(0);
    for (const p of logs) {
      expect(p.datasource?.uid, p.title).toBe("loki");
      expect(p.options?.enableLogDetails, p.title).toBe(true);
    }
  });

  it("is described panel by panel in collector/README.md", () => {
    expect(readme).toContain(`"${dashboard.title}"`);
    const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    for (const p of dashboard.panels)
      expect(readme, p.title).toMatch(new RegExp(`^\\| ${escapeRegExp(p.title)} +\\|`, "m"));
  });
});
