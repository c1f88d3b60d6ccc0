// The module resolvers behind "every value PyTorch accepts": the open one (ingest, explain without an
// interpreter) and the one answering from find_spec results (explain --python), through parseTorchLogs.
import { describe, expect, it } from "vitest";
import {
  createModuleSpecResolver,
  createOpenModuleResolver,
  type ModuleSpec,
} from "../../src/language/module-resolver.ts";
import { parseTorchLogs } from "../../src/language/parse-torch-logs.ts";
import { isNearMiss } from "../../src/language/suggest-names.ts";
import { torchRegistry } from "../../src/language/torch-registry.ts";
import { errorOf } from "../support/error-of.ts";

const registry = torchRegistry();
const names = ["all", ...registry.aliases.keys(), ...registry.artifacts.keys()];

describe("createOpenModuleResolver", () => {
  const resolveModule = createOpenModuleResolver((name) => isNearMiss(name, names));

  it.each([
    ["+mypkg", "mypkg", 10],
    ["json", "json", 20],
    ["-shop.cart", "shop.cart", 40],
    ["+cache_utils", "cache_utils", 10],
    ["+données", "données", 10],
  ])("%s sets %s like PyTorch's open registration", (value, module, level) => {
    const settings = parseTorchLogs(value, { registry, resolveModule });
    expect(settings.explicit.get(module)).toBe(level);
    expect(settings.addedAliases.get(module)).toEqual([module]);
  });

  it.each(["Dynamo", "grapf_breaks", "aot_grpahs", "ALL"])("%s is a near-miss: unknown name", (value) => {
    expect(errorOf(() => parseTorchLogs(value, { registry, resolveModule }))).toMatchObject({
      kind: "invalid-settings",
    });
  });

  it.each(["123", "a-b", "x.", ".x"])("%s cannot be a module name", (value) => {
    expect(errorOf(() => parseTorchLogs(value, { registry, resolveModule }))).toBeDefined();
  });
});

describe("createModuleSpecResolver", () => {
  const specs = new Map<string, ModuleSpec>([
    ["json", { found: true, modules: ["json", "json.decoder", "json.encoder"] }],
    ["nope", { found: false }],
    ["some.random.module", { found: false, error: "No module named 'some'" }],
  ]);
  const resolveModule = createModuleSpecResolver(specs);

  it("expands a package as find_spec and the walk reported", () => {
    const settings = parseTorchLogs("+json", { registry, resolveModule });
    expect([...settings.explicit.keys()]).toEqual(
      expect.arrayContaining(["json", "json.decoder", "json.encoder"]),
    );
  });

  it.each([
    ["nope", "invalid-settings"],
    ["some.random.module", "module-not-found"],
  ])("%s fails as in PyTorch (%s)", (value, kind) => {
    expect(errorOf(() => parseTorchLogs(value, { registry, resolveModule }))).toMatchObject({ kind });
  });
});
