// Every shipped collector config passes the real collector's own `validate` (each component's settings, the
// pipelines' wiring, `${env:…}` defaults), Jaeger's config passes Jaeger's, and the collector built from
// collector/builder-config.yaml has exactly the components that manifest names, at the versions it names.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { backendBinary } from "./support/backend-binaries.ts";
import { COLLECTOR_DIR } from "./support/backends.ts";

const run = promisify(execFile);

const COLLECTOR_CONFIGS = readdirSync(COLLECTOR_DIR)
  .filter((name) => /^otelcol-.*\.yaml$|^pytorch-filelog\.yaml$/.test(name))
  .sort();

describe("the shipped configs, validated by the programs that run them", () => {
  it("finds the collector configs", () => {
    expect(COLLECTOR_CONFIGS).toEqual(
      expect.arrayContaining([
        "otelcol-config.yaml",
        "otelcol-gateway.yaml",
        "otelcol-agent-loadbalancing.yaml",
        "otelcol-backend-stub.yaml",
      ]),
    );
  });

  it.each(COLLECTOR_CONFIGS)("otelcol validate --config=collector/%s", async (name) => {
    const { stdout, stderr } = await run(backendBinary("otelcol"), [
      "validate",
      `--config=${join(COLLECTOR_DIR, name)}`,
    ]);
    expect(`${stdout}${stderr}`).not.toMatch(/error/i);
  });

  it("jaeger validate --config=collector/jaeger-config.yaml", async () => {
    await run(backendBinary("jaeger"), ["validate", `--config=${join(COLLECTOR_DIR, "jaeger-config.yaml")}`]);
  });

  it("the built collector has exactly the manifest's components, at the manifest's versions", async () => {
    const manifest = parse(readFileSync(join(COLLECTOR_DIR, "builder-config.yaml"), "utf8")) as Record<
      string,
      { gomod: string }[] | undefined
    >;
    const wanted = ["receivers", "processors", "exporters", "extensions"]
      .flatMap((kind) => (manifest[kind] ?? []).map((c) => c.gomod))
      .sort();
    const { stdout } = await run(backendBinary("otelcol"), ["components"]);
    const built = parse(stdout) as Record<string, { name: string; module: string }[] | undefined>;
    const modules = ["receivers", "processors", "exporters", "extensions"]
      .flatMap((kind) => (built[kind] ?? []).map((c) => c.module))
      .sort();
    expect(modules).toEqual(wanted);
  });
});
