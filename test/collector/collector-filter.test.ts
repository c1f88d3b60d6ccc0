import { readFileSync } from "node:fs";
import { DiagLogLevel, diag, type SeverityNumber } from "@opentelemetry/api";
import { describe, expect, it, onTestFinished } from "vitest";
import { parse as parseYaml } from "yaml";
import { collectorFilterConditions, parseTorchLogs, type UngovernedScopes } from "../../src/index.ts";
import { captureDiag } from "../support/capture-diag.ts";
import { compileOttlCondition } from "../support/ottl-evaluator.ts";
import { setup } from "../support/pipeline.ts";
import { runCliCaptured as cli } from "../support/run-cli.ts";

const GOLDEN: [string, string[]][] = [
  ["defaults", ["collector-filter", ""]],
  ["dynamo-inductor-graph-breaks", ["collector-filter", "+dynamo,-inductor,graph_breaks"]],
  ["minus-all-output-code-strict", ["collector-filter", "-all,output_code", "--ungoverned", "drop"]],
  ["plus-torch-dynamo-guards-legacy", ["collector-filter", "+torch._dynamo.guards,dynamo", "--legacy"]],
];

describe("torch-logs-otel collector-filter", () => {
  it.each(GOLDEN)("matches the golden file %s.yaml", async (name, argv) => {
    const { code, stdout } = await cli(argv);
    expect(code).toBe(0);
    const golden = readFileSync(
      new URL(`../fixtures/collector-filter/${name}.yaml`, import.meta.url),
      "utf8",
    );
    expect(stdout).toBe(golden);
    // Valid YAML of the processor's shape.
    const config = parseYaml(stdout) as { processors: Record<string, Record<string, unknown>> };
    const processor = Object.values(config.processors)[0] ?? {};
    expect(processor.error_mode).toBe("ignore");
    const conditions = (processor.log_conditions ??
      (processor.logs as { log_record: string[] }).log_record) as string[];
    for (const condition of conditions) expect(() => compileOttlCondition(condition)).not.toThrow();
  });

  it("rejects bad values and bad options", async () => {
    expect((await cli(["collector-filter", "dynamo "])).code).toBe(1);
    expect((await cli(["collector-filter", "--ungoverned", "maybe"])).code).toBe(2);
  });

  it("accepts every module name PyTorch accepts, and still catches near-misses of registered names", async () => {
    const user = await cli(["collector-filter", "+mypkg,dynamo"]);
    expect(user.code).toBe(0);
    expect(user.stdout).toContain("mypkg=DEBUG.");
    expect(user.stdout).toContain('IsMatch(scope.name, "^(mypkg)(\\\\..*)?$")');
    const typo = await cli(["collector-filter", "+Dynamo"]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('did you mean "dynamo"');
  });
});

// The grid: scopes governed at every depth, ungoverned scopes, every severity band and UNSPECIFIED, and
// artifact attributes of every kind (on, off by default, following the level, unknown, not a string).
const SCOPES = [
  "torch",
  "torch.utils",
  "torch._dynamo",
  "torch._dynamo.guards",
  "torch._dynamo.guards.deep",
  "torch._dynamo.backends.distributed",
  "torch.fx.experimental.sym_node",
  "torch._inductor",
  "torch._inductor.cudagraph_trees",
  "torch._inductor.scheduler",
  "torch.distributed.fsdp",
  "myapp.db",
  "@opentelemetry/instrumentation-http",
  "torchvision",
  // PyTorch's artifact logger names, `<module>.__<artifact>`, and look-alikes that are not.
  "torch._dynamo.__guards",
  "torch._inductor.__output_code",
  "torch._dynamo.guards.__recompiles",
  "torch._dynamo.__not_an_artifact",
  "myapp.__guards",
];
const EVENT_NAMES = [undefined, "guards", "output_code", "app.event"];
const SEVERITIES = [0, 1, 4, 5, 6, 8, 9, 12, 13, 16, 17, 20, 21, 24];
const ARTIFACTS: unknown[] = [
  undefined,
  "guards",
  "graph_breaks",
  "output_code",
  "schedule",
  "recompiles",
  "nope",
  7,
];
const VALUES = [
  "",
  "+dynamo",
  "-dynamo",
  "+all",
  "-all,+dynamo,guards",
  "-all,output_code",
  "+dynamo,-inductor,graph_breaks",
  "+inductor,schedule,-torch._inductor.cudagraph_trees",
  "dynamic,+dynamo,-export",
  "+torch._dynamo.guards,-dynamo,recompiles",
  "+myapp.db,-ddp,+distributed",
];

describe("collector-filter output stays the YAML it means, whatever the input", () => {
  it.each([
    ["filter/a\nreceivers:\n  otlp: {}", "filter/a\\nreceivers:\\n  otlp: {}"],
    ["filter/a #cut", "filter/a #cut"],
    ["filter/a\u2028b", "filter/a\\u2028b"],
    ["filter/a\u0085b", "filter/a\\x85b"],
    ["filter/", "filter/"],
    ["filter/a$b", "filter/a$b"],
    ["torch_logs", "torch_logs"],
    ["batch/x", "batch/x"],
    ["9filter", "9filter"],
  ])("--name %j is refused with a usage error naming it", async (name, shown) => {
    const { code, stdout, stderr } = await cli(["collector-filter", "+dynamo", "--name", name]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(`--name: expected a collector component id "filter" or "filter/NAME"`);
    expect(stderr).toContain(`got "${shown}"`);
    expect(stderr).not.toMatch(/[\u0085\u2028]/u);
  });

  it.each(["filter", "filter/torch_logs", "filter/a#b", "filter/ns:prod", "filter/it's", "filter/é-2"])(
    "--name %s is the processor's one key",
    async (name) => {
      const { code, stdout } = await cli(["collector-filter", "+dynamo", "--name", name]);
      expect(code).toBe(0);
      const config = parseYaml(stdout) as Record<string, Record<string, unknown>>;
      expect(Object.keys(config)).toEqual(["processors"]);
      expect(Object.keys(config.processors ?? {})).toEqual([name]);
      expect(stdout).toContain(`# Add "${name}" to the processors`);
    },
  );

  // YAML ends a comment at NEL, LS and PS too: raw in the value, they would start a line of YAML.
  it.each([
    ["dynamo,\u2028inductor", "\\u2028"],
    ["dynamo,\u0085inductor", "\\x85"],
    ["dynamo,\u2029guards", "\\u2029"],
  ])("TORCH_LOGS=%j is shown escaped in the comment", async (value, escaped) => {
    const { code, stdout } = await cli(["collector-filter", value]);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/[\u0085\u2028\u2029]/u);
    expect(stdout.split("\n")[0]).toContain(escaped);
    expect(Object.keys(parseYaml(stdout) as object)).toEqual(["processors"]);
  });
});

describe("the generated conditions mean what the processor does", () => {
  it.each(VALUES.flatMap((v) => (["pass", "drop"] as UngovernedScopes[]).map((u) => [v, u] as const)))(
    "TORCH_LOGS=%j, ungoverned scopes %s",
    (value, ungovernedScopes) => {
      const settings = parseTorchLogs(value);
      const conditions = collectorFilterConditions(settings, { ungovernedScopes }).map(compileOttlCondition);
      const { provider, exporter } = setup({ settings, ungovernedScopes });
      // The grid's two bad torch.artifact values ("nope", 7) are reported, once each.
      const warnings = captureDiag(DiagLogLevel.WARN);
      onTestFinished(() => diag.disable());
      const grid: {
        scope: string;
        severityNumber: number;
        eventName?: string;
        attributes: Record<string, unknown>;
        id: string;
      }[] = [];
      for (const scope of SCOPES) {
        for (const severityNumber of SEVERITIES) {
          for (const artifact of ARTIFACTS) {
            for (const eventName of EVENT_NAMES) {
              const attributes: Record<string, unknown> =
                artifact === undefined ? {} : { "torch.artifact": artifact };
              const id = `${scope}|${severityNumber}|${String(artifact)}|${String(eventName)}`;
              grid.push({
                scope,
                severityNumber,
                attributes,
                id,
                ...(eventName !== undefined && { eventName }),
              });
              provider.getLogger(scope).emit({
                severityNumber: severityNumber as SeverityNumber,
                body: id,
                ...(eventName !== undefined && { eventName }),
                attributes: attributes as Record<string, string | number>,
              });
            }
          }
        }
      }
      const passed = new Set(exporter.getFinishedLogRecords().map((r) => r.body));
      const disagreements = grid.filter((record) => {
        const droppedByCollector = conditions.some((condition) => condition(record));
        return droppedByCollector === passed.has(record.id);
      });
      expect(disagreements.map((r) => r.id)).toEqual([]);
      expect(passed.size).toBeGreaterThan(0);
      expect(warnings).toEqual([
        'TorchLogsLogRecordProcessor: unknown artifact "nope" in torch.artifact (scope torch); the record is treated as a plain record of its scope — register the artifact to switch it',
        "TorchLogsLogRecordProcessor: attribute torch.artifact must be a string, got number (scope torch); the record is treated as a plain record of its scope",
      ]);
    },
  );
});
