// CompileConfigs: a configuration seen before is taken from its caches (not parsed, hashed or compared again),
// and what it records does not depend on them: the same records with caches that hold one entry, or none.
import { describe, expect, it } from "vitest";
import { CompileConfigs } from "../../src/trace/compile-config.ts";
import type { TraceLogRecord } from "../../src/trace/to-trace-log-record.ts";

const A = { recompile_limit: 8, verbose: false };
const B = { recompile_limit: 16, verbose: false, capture_scalar_outputs: true };
const C = { recompile_limit: 8, verbose: true };
const INDUCTOR = { max_autotune: false };

function metrics(dynamo: object, inductor: object = INDUCTOR): Record<string, unknown> {
  return { dynamo_config: JSON.stringify(dynamo), inductor_config: JSON.stringify(inductor) };
}

function of(compileId: string): TraceLogRecord {
  return {
    eventName: "compilation_metrics",
    scope: "torch.__trace",
    severityNumber: 5,
    body: "",
    attributes: { "torch.compile_id": compileId, "log.file.name": "t.log" },
  };
}

// Functions compiled with other options alternate; a config.patch comes and goes; the same texts return.
const SEQUENCE = [
  metrics(A),
  metrics(B),
  metrics(A),
  metrics(B),
  metrics(A, { max_autotune: true }),
  metrics(C),
  metrics(A),
  { config_suppress_errors: true },
  metrics(A),
  metrics(A),
];

function run(configs: CompileConfigs) {
  return SEQUENCE.map((m, i) => {
    const record = configs.record(m, of(`${i}/0`));
    return record === undefined ? undefined : { body: record.body, attributes: record.attributes };
  });
}

describe("CompileConfigs", () => {
  it("records each compile's changes against the one before, also when configurations alternate", () => {
    const records = run(new CompileConfigs());
    const changed = records.map((r) => r?.attributes["torch.compile.config.changed"]);
    expect(changed).toEqual([
      undefined,
      ["dynamo.capture_scalar_outputs", "dynamo.recompile_limit"],
      ["dynamo.capture_scalar_outputs", "dynamo.recompile_limit"],
      ["dynamo.capture_scalar_outputs", "dynamo.recompile_limit"],
      ["dynamo.capture_scalar_outputs", "dynamo.recompile_limit", "inductor.max_autotune"],
      ["dynamo.verbose", "inductor.max_autotune"],
      ["dynamo.verbose"],
      ["dynamo.recompile_limit", "dynamo.suppress_errors", "dynamo.verbose", "inductor.max_autotune"],
      ["dynamo.recompile_limit", "dynamo.suppress_errors", "dynamo.verbose", "inductor.max_autotune"],
      [],
    ]);
    const hashes = records.map((r) => r?.attributes["torch.compile.config.hash"]);
    expect(hashes[2]).toBe(hashes[0]);
    expect(hashes[3]).toBe(hashes[1]);
    expect(hashes[6]).toBe(hashes[0]);
    expect(new Set(hashes).size).toBe(5);
    // The value a changed setting had removed is absent; a new value is given.
    expect(records[2]?.attributes).toMatchObject({ "torch.compile.config.dynamo.recompile_limit": 8 });
    expect(records[2]?.attributes).not.toHaveProperty("torch.compile.config.dynamo.capture_scalar_outputs");
    expect(JSON.parse(records[7]?.body ?? "")).toEqual({ dynamo: { suppress_errors: true } });
  });

  it.each([
    ["one entry", { chars: 1e9, entries: 1 }],
    ["no room for any text", { chars: 1, entries: 256 }],
  ])("records the same with caches of %s", (_, limits) => {
    expect(run(new CompileConfigs(limits))).toEqual(run(new CompileConfigs()));
  });
});
