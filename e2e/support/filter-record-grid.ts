// The records the collector-filter differential sends through both filters: every registered qualified name
// (itself, a child scope, and PyTorch's artifact logger names `<module>.__<artifact>`), ungoverned scopes, every
// severity band and UNSPECIFIED, and every registered artifact carried as the `torch.artifact` attribute and as
// the record's eventName, plus artifact values that are not artifacts (unknown, not a string).
import { type Registry, torchRegistry } from "../../src/index.ts";

export interface GridRecord {
  /** Unique within the grid; sent as the body, so the receiving side can tell records apart. */
  readonly id: string;
  readonly scope: string;
  readonly severityNumber: number;
  readonly eventName?: string;
  readonly attributes: Readonly<Record<string, string | number>>;
}

const PLAIN_SEVERITIES = [0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24];
const ARTIFACT_SEVERITIES = [0, 5, 9, 13, 17];
const UNGOVERNED = ["myapp.db", "@opentelemetry/instrumentation-http", "torchvision", "mypkg.sub", "json"];

export function filterRecordGrid(registry: Registry = torchRegistry()): GridRecord[] {
  const records: GridRecord[] = [];
  const add = (record: Omit<GridRecord, "id">) =>
    records.push({
      ...record,
      id: [
        record.scope,
        record.severityNumber,
        record.eventName ?? "",
        JSON.stringify(record.attributes["torch.artifact"] ?? null),
      ].join("|"),
    });
  const artifacts = [...registry.artifacts.values()];
  const onByDefault = artifacts.find((a) => !a.offByDefault)?.name ?? "guards";
  const offByDefault = artifacts.find((a) => a.offByDefault)?.name ?? "output_code";
  const scopes = new Set([
    ...[...registry.qualifiedNames.keys()].flatMap((name) => [
      name,
      `${name}.child`,
      `${name}.__${onByDefault}`,
      `${name}.__${offByDefault}`,
    ]),
    "torch",
    "torch.utils.hooks",
    ...UNGOVERNED,
  ]);
  for (const scope of scopes) {
    for (const severityNumber of PLAIN_SEVERITIES) add({ scope, severityNumber, attributes: {} });
  }
  // Artifacts from a governed component's scope, a child of it, the root and an ungoverned scope.
  const artifactScopes = ["torch._dynamo", "torch._inductor.scheduler", "torch", "myapp.db"];
  for (const scope of artifactScopes) {
    for (const severityNumber of ARTIFACT_SEVERITIES) {
      for (const artifact of artifacts) {
        add({ scope, severityNumber, attributes: { "torch.artifact": artifact.name } });
        add({ scope, severityNumber, eventName: artifact.name, attributes: {} });
      }
      for (const value of ["not_an_artifact", 7])
        add({ scope, severityNumber, attributes: { "torch.artifact": value } });
      // An eventName that is not an artifact leaves the attribute to decide; both kinds at once.
      add({ scope, severityNumber, eventName: "app.event", attributes: { "torch.artifact": onByDefault } });
      add({ scope, severityNumber, eventName: offByDefault, attributes: { "torch.artifact": onByDefault } });
    }
  }
  return records;
}
