import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chainModuleResolvers,
  createModuleTableResolver,
  dottedNameResolver,
  escapeControlCharacters,
  formatPythonLevel,
  PythonLevel,
  parseTorchLogs,
  parseTorchLogsLossy,
  Registry,
  TorchLogsError,
  type TorchLogsSettings,
  torchRegistry,
} from "../../src/index.ts";
import { errorOf } from "../support/error-of.ts";

function levels(settings: TorchLogsSettings): Record<string, string> {
  return Object.fromEntries([...settings.aliasLevels()].map(([a, l]) => [a, formatPythonLevel(l)]));
}

describe("parseTorchLogs grammar", () => {
  it.each([
    ["dynamo", { dynamo: "INFO" }],
    ["+dynamo", { dynamo: "DEBUG" }],
    ["-dynamo", { dynamo: "ERROR" }],
    ["+dynamo,\t aot", { dynamo: "DEBUG", aot: "INFO" }],
    ["+dynamo,\r\n-aot", { dynamo: "DEBUG", aot: "ERROR" }],
    ["+all", { torch: "DEBUG", dynamo: "DEBUG" }],
    ["-dynamo,+all", { torch: "DEBUG", dynamo: "ERROR" }],
    ["+dynamo,-dynamo", { dynamo: "ERROR" }],
  ])("%j sets %j", (value, expected) => {
    const got = levels(parseTorchLogs(value));
    for (const [alias, level] of Object.entries(expected))
      expect([alias, got[alias]]).toEqual([alias, level]);
  });

  it.each([
    [" dynamo", 0, 1, "whitespace"],
    ["dynamo ", 6, 1, "whitespace"],
    ["dynamo ,aot", 6, 1, "whitespace"],
    ["dynamo,,aot", 7, 2, "empty item"],
    [",dynamo", 0, 1, "empty item"],
    ["dynamo,", 7, 2, "after the last comma"],
    ["++dynamo", 1, 1, `"+"`],
    ["+-dynamo", 1, 1, `"-"`],
    ["dyn+amo", 3, 1, `"+"`],
    ["dynamo;aot", 6, 1, `";"`],
    ['"dynamo"', 0, 1, `"\\""`],
    ["dynamo，aot", 6, 1, "，"],
    ["+", 1, 1, "a name after the prefix"],
  ])("%j is a syntax error at offset %i (item %i)", (value, offset, itemIndex, words) => {
    const error = errorOf(() => parseTorchLogs(value));
    expect(error.kind).toBe("invalid-settings");
    expect(error.offset).toBe(offset);
    expect(error.itemIndex).toBe(itemIndex);
    expect(error.message).toContain(words);
    // PyTorch's text, with the raw value, follows our first line.
    expect(error.message).toContain(`Invalid log settings: ${value}, must be`);
    expect(error.pytorchMessage).toContain(`Invalid log settings: ${value}, must be`);
  });

  it("names the unknown item, its position and the nearest valid names", () => {
    const error = errorOf(() => parseTorchLogs("+dynamo, aot_grpahs"));
    expect(error.kind).toBe("invalid-settings");
    expect(error.item).toBe("aot_grpahs");
    expect(error.itemIndex).toBe(2);
    expect(error.offset).toBe(9);
    expect(error.suggestions[0]).toBe("aot_graphs");
    expect(error.message.split("\n")[0]).toBe(
      'TORCH_LOGS: unknown name "aot_grpahs" at item 2 (did you mean "aot_graphs" or "aot"?)',
    );
    // PyTorch shows the whitespace-free value for unknown names.
    expect(error.pytorchMessage).toContain("Invalid log settings: +dynamo,aot_grpahs, must be");
  });

  it("suggests the right case", () => {
    expect(errorOf(() => parseTorchLogs("Dynamo")).suggestions[0]).toBe("dynamo");
  });

  it("treats help and +help exactly, and help-like items as names", () => {
    expect(errorOf(() => parseTorchLogs("help")).kind).toBe("help");
    expect(errorOf(() => parseTorchLogs("+help")).message).toContain("All registered names");
    for (const value of ["-help", "Help", "help,dynamo"]) {
      expect(errorOf(() => parseTorchLogs(value)).kind).toBe("invalid-settings");
    }
  });

  it("treats unset and empty as the defaults, noting the empty case", () => {
    expect(parseTorchLogs(undefined).explicit.size).toBe(0);
    const empty = parseTorchLogs("");
    expect(empty.explicit.size).toBe(0);
    expect(empty.warnings[0]).toContain("empty");
  });

  it("strips one pair of outer quotes only when asked (PyTorch on Windows)", () => {
    expect(errorOf(() => parseTorchLogs('"+dynamo"')).kind).toBe("invalid-settings");
    expect(levels(parseTorchLogs('"+dynamo"', { stripOuterQuotes: true })).dynamo).toBe("DEBUG");
    expect(levels(parseTorchLogs("'dynamo'", { stripOuterQuotes: true })).dynamo).toBe("INFO");
  });

  it("notes prefixes on artifacts and overwritten levels", () => {
    const settings = parseTorchLogs("-guards,+dynamo,-dynamo");
    expect(settings.isArtifactEnabled("guards")).toBe(true);
    expect(settings.warnings.join("\n")).toContain('prefix on an artifact is ignored; it enables "guards"');
    expect(settings.warnings.join("\n")).toContain("overrides torch._dynamo=DEBUG");
  });
});

describe("module names (the pluggable resolver)", () => {
  it("by default accepts dotted names as modules and refuses bare unknown names", () => {
    const settings = parseTorchLogs("+myapp.db,torch.utils.data");
    expect([...settings.addedAliases.keys()]).toEqual(["myapp.db"]);
    expect([...settings.childLogs]).toEqual(["torch.utils.data"]);
    expect(settings.effectiveLevel("myapp.db.pool")).toBe(PythonLevel.DEBUG);
    expect(settings.emits("myapp.db.pool", PythonLevel.DEBUG)).toBe(true);
    expect(settings.emits("torch.utils.data.loader", PythonLevel.INFO)).toBe(true);
    expect(errorOf(() => parseTorchLogs("myapp")).kind).toBe("invalid-settings");
  });

  it.each([".dynamo", "dynamo.", "torch..utils"])("refuses %j as a module name", (value) => {
    expect(errorOf(() => parseTorchLogs(value)).kind).toBe("module-not-found");
  });

  it("accepts a registered qualified name even when no resolver knows it", () => {
    const settings = parseTorchLogs("+torch._inductor.fb.remote_cache", {
      resolveModule: () => undefined,
    });
    expect(settings.effectiveLevel("torch._inductor.fb.remote_cache")).toBe(PythonLevel.DEBUG);
  });

  it("chains resolvers: the first that knows a name decides", () => {
    const app = createModuleTableResolver({ packages: ["myapp"], modules: ["myapp.db"] });
    const tools = createModuleTableResolver({ packages: [], modules: ["tool"] });
    const resolveModule = chainModuleResolvers(app, tools);
    expect(parseTorchLogs("+myapp", { resolveModule }).explicit.get("myapp.db")).toBe(PythonLevel.DEBUG);
    expect(parseTorchLogs("tool", { resolveModule }).addedAliases.has("tool")).toBe(true);
    // A resolver that refuses a name (throws) decides too: Python's import machinery would.
    expect(() =>
      parseTorchLogs("nothere.x", { resolveModule: chainModuleResolvers(app, dottedNameResolver) }),
    ).toThrow("No module named 'nothere'");
  });

  it("expands packages through a table resolver (directory-based logging)", () => {
    const resolveModule = createModuleTableResolver({
      packages: ["myapp", "myapp.db"],
      modules: ["myapp.db.pool", "myapp.api"],
    });
    const settings = parseTorchLogs("-myapp.db", { resolveModule });
    expect([...settings.explicit.keys()]).toEqual(["myapp.db", "myapp.db.pool"]);
    expect([...settings.addedAliases.keys()]).toEqual(["myapp.db"]);
    expect([...settings.childLogs]).toEqual(["myapp.db.pool"]);
  });
});

describe("lossy parsing", () => {
  it("keeps every valid item and reports each bad one", () => {
    const { settings, diagnostics } = parseTorchLogsLossy("+dynamo,aot_grpahs, guards,,-inductor ,bad!,+aot");
    expect(levels(settings).dynamo).toBe("DEBUG");
    expect(levels(settings).aot).toBe("DEBUG");
    expect(levels(settings).inductor).toBe("WARNING"); // "-inductor " is not a valid item: rejected
    expect(settings.isArtifactEnabled("guards")).toBe(true);
    expect(diagnostics.map((d) => [d.kind, d.item])).toEqual([
      ["invalid-settings", "aot_grpahs"],
      ["invalid-settings", ""],
      ["invalid-settings", "-inductor "],
      ["invalid-settings", "bad!"],
    ]);
  });

  it("rejects the item a syntax error is in, not just the rest", () => {
    const { settings, diagnostics } = parseTorchLogsLossy("+dynamo ,inductor");
    expect(levels(settings).dynamo).toBe("WARNING");
    expect(levels(settings).inductor).toBe("INFO");
    expect(diagnostics).toHaveLength(1);
  });

  it("lists at most 100 rejected items, then says how many more", () => {
    const { diagnostics } = parseTorchLogsLossy(Array.from({ length: 5000 }, (_, i) => `nope${i}`).join(","));
    expect(diagnostics).toHaveLength(101);
    expect(diagnostics.at(-1)?.message).toBe("TORCH_LOGS: 4900 more rejected items not listed");
  });

  it("reports help instead of throwing it", () => {
    const { settings, diagnostics } = parseTorchLogsLossy("help");
    expect(settings.explicit.size).toBe(0);
    expect(diagnostics[0]?.kind).toBe("help");
  });
});

describe("custom registries", () => {
  const registry = () =>
    new Registry({ rootAlias: "myapp", envVar: "MYAPP_LOGS" })
      .registerComponent("myapp", "myapp")
      .registerComponent("api", "myapp.api")
      .registerComponent("http", "@opentelemetry/instrumentation-http")
      .registerArtifact({
        name: "sql",
        description: "Every SQL statement",
        offByDefault: true,
        visible: true,
      });

  it("maps aliases to scopes the grammar cannot spell", () => {
    const settings = parseTorchLogs("-all,+http,sql", { registry: registry() });
    expect(settings.emits("@opentelemetry/instrumentation-http", PythonLevel.DEBUG)).toBe(true);
    expect(settings.emits("myapp.api", PythonLevel.WARNING)).toBe(false);
    expect(settings.emits("myapp.api.users", PythonLevel.ERROR)).toBe(true);
    expect(settings.emits("myapp.db", PythonLevel.DEBUG, "sql")).toBe(true);
  });

  it("uses its env var name in messages and help", () => {
    const error = errorOf(() => parseTorchLogs("apii", { registry: registry() }));
    expect(error.message).toMatch(/^MYAPP_LOGS: unknown name "apii" at item 1 \(did you mean "api"\?\)/);
    expect(error.pytorchMessage).toContain('try MYAPP_LOGS="help"');
    expect(error.pytorchMessage).toContain("Valid settings:\nall, api, http, myapp, sql\n");
  });

  it("without a root alias, `all` is an unknown name", () => {
    const noRoot = new Registry().registerComponent("api", "myapp.api");
    expect(errorOf(() => parseTorchLogs("all", { registry: noRoot })).kind).toBe("invalid-settings");
  });

  it.each([
    [() => registry().registerArtifact({ name: "sql" }), 'artifact "sql" is already registered'],
    [() => registry().registerComponent("api", "x"), 'alias "api" is already registered'],
    [() => registry().registerComponent("my-api", "x"), 'alias "my-api" cannot be written'],
    [() => registry().registerComponent("all", "x"), 'alias "all" is reserved'],
    [() => registry().registerArtifact({ name: "a.b" }), 'artifact name "a.b" cannot be written'],
    [() => registry().registerArtifact({ name: "api" }), 'artifact "api" would shadow'],
    [() => registry().registerComponent("sql", "x"), 'alias "sql" is already an artifact'],
    [() => registry().registerComponent("none", []), "needs at least one"],
  ])("registration error %#", (register, message) => {
    const error = errorOf(register);
    expect(error.kind).toBe("registration");
    expect(error.message).toContain(message);
  });

  it("never writes an item that does not parse back; says when toString() is not exact", () => {
    const mixed = new Registry().registerComponent("http", ["@o/a", "@o/b"]).registerComponent("x", "@o/a");
    const settings = parseTorchLogs("http,-x", { registry: mixed });
    expect(settings.isRepresentable).toBe(false);
    expect(() => parseTorchLogs(settings.toString(), { registry: mixed })).not.toThrow();
    expect(parseTorchLogs("+dynamo,-inductor,guards").isRepresentable).toBe(true);
  });

  it("extends the torch preset", () => {
    const extended = torchRegistry().registerComponent("api", "myapp.api");
    const settings = parseTorchLogs("+dynamo,-api", { registry: extended });
    expect(settings.emits("myapp.api", PythonLevel.WARNING)).toBe(false);
    expect(settings.emits("torch._dynamo", PythonLevel.DEBUG)).toBe(true);
  });
});

// Names from every class the grammar distinguishes, to build random values from.
const NAMES = [
  "dynamo",
  "aot",
  "inductor",
  "all",
  "torch",
  "guards",
  "output_code",
  "ddp",
  "dynamic",
  "export",
  "myapp.db",
  "torch._dynamo.guards",
  "torch.utils",
];

function equivalent(a: TorchLogsSettings, b: TorchLogsSettings): void {
  const scopes = new Set([
    ...a.registry.qualifiedNames.keys(),
    ...a.explicit.keys(),
    "torch.utils.x",
    "myapp.db.x",
  ]);
  for (const scope of scopes)
    expect([scope, b.effectiveLevel(scope)]).toEqual([scope, a.effectiveLevel(scope)]);
  expect([...b.enabledArtifacts].sort()).toEqual([...a.enabledArtifacts].sort());
}

describe("properties", () => {
  it("any string parses or throws TorchLogsError, never anything else", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.stringMatching(/^[+\-,.\w \t]{0,40}$/)),
        (value) => {
          try {
            parseTorchLogs(value);
          } catch (error) {
            expect(error).toBeInstanceOf(TorchLogsError);
          }
          const { diagnostics } = parseTorchLogsLossy(value);
          for (const d of diagnostics) expect(d).toBeInstanceOf(TorchLogsError);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("parse(settings.toString()) is equivalent", () => {
    const item = fc.tuple(fc.constantFrom("", "+", "-"), fc.constantFrom(...NAMES)).map(([p, n]) => p + n);
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 8 }), (items) => {
        const settings = parseTorchLogs(items.join(","));
        const again = parseTorchLogs(settings.toString());
        equivalent(settings, again);
        expect(parseTorchLogs(again.toString()).toString()).toBe(again.toString());
      }),
      { numRuns: 500 },
    );
  });

  it("handles a 1 MB value in one linear pass (valid, invalid at the end, and all-whitespace)", () => {
    const big = Array.from(
      { length: 100_000 },
      (_, i) => ["+dynamo", "guards", "-inductor", "myapp.x"][i % 4],
    ).join(",");
    expect(big.length).toBeGreaterThan(800_000);
    const started = performance.now();
    const settings = parseTorchLogs(big);
    expect(settings.isArtifactEnabled("guards")).toBe(true);
    expect(settings.warnings.length).toBeLessThanOrEqual(21);
    expect(errorOf(() => parseTorchLogs(`${big},bad!`)).offset).toBe(big.length + 4);
    expect(errorOf(() => parseTorchLogs(`${big}, ${" ".repeat(100_000)}`)).kind).toBe("invalid-settings");
    expect(errorOf(() => parseTorchLogs(`a,${"\t".repeat(1_000_000)}b c`)).kind).toBe("invalid-settings");
    // Not a timing assertion of a feature: a guard that the scanner is not quadratic (that would take minutes).
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe("control characters in a bad value", () => {
  it.each([
    ["an ESC sequence", "+dyn\u001b[31mamo", "\\x1b[31m"],
    ["an OSC title sequence", "dynamo,\u001b]0;pwned\u0007", "\\x1b]0;pwned\\x07"],
    ["a one-byte CSI", "dyn\u009b2Jamo", "\\x9b2J"],
    ["a bidi override", "guards\u202e", "\\u202e"],
    ["a line break that would forge a line", "dynamo\nINFO fake", "dynamo\\x0aINFO fake"],
    ["a line separator", "dynamo\u2028x", "\\u2028"],
  ])("%s is escaped in the message (same line count), kept raw in pytorchMessage", (_, value, shown) => {
    const error = errorOf(() => parseTorchLogs(value));
    expect(error.kind).toBe("invalid-settings");
    expect(error.message).toContain(shown);
    // Nothing left to escape but the message's own line breaks.
    expect(escapeControlCharacters(error.message, { keepNewlines: true })).toBe(error.message);
    expect(error.message.split("\n")).toHaveLength(
      errorOf(() => parseTorchLogs("+dyn$amo")).message.split("\n").length,
    );
    expect(error.pytorchMessage).toContain(`Invalid log settings: ${value},`);
  });
});
