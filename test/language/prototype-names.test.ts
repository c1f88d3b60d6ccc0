// Names a custom registry may use that every JavaScript object already has (`constructor`, `toString`,
// `__proto__`, …): they are ordinary names to TORCH_LOGS and setLogs.
import { describe, expect, it } from "vitest";
import { buildSetLogsSettings, PythonLevel, parseTorchLogs, Registry } from "../../src/index.ts";

const COMPONENTS = ["constructor", "toString", "__proto__", "hasOwnProperty"];
const ARTIFACTS = ["valueOf", "isPrototypeOf", "__defineGetter__", "propertyIsEnumerable"];

function registry(): Registry {
  const r = new Registry();
  for (const name of COMPONENTS) r.registerComponent(name, `app.${name}`);
  for (const name of ARTIFACTS) r.registerArtifact({ name });
  return r;
}

/** An object with each entry as an own property, even `__proto__` (an object literal would set the prototype). */
function own<T>(entries: Record<string, T>): Record<string, T> {
  const options: Record<string, T> = {};
  for (const [key, value] of Object.entries(entries)) {
    Object.defineProperty(options, key, { value, enumerable: true });
  }
  return options;
}

describe("component and artifact names that are Object.prototype members", () => {
  it("setLogs({}) leaves them at their defaults instead of reading the inherited members", () => {
    const settings = buildSetLogsSettings({}, { registry: registry() });
    expect([...settings.explicit]).toEqual([]);
    expect([...settings.enabledArtifacts]).toEqual([]);
  });

  it.each(COMPONENTS)("setLogs sets component %s by keyword and through modules", (name) => {
    const byKeyword = buildSetLogsSettings(own({ [name]: PythonLevel.DEBUG }), { registry: registry() });
    expect([...byKeyword.explicit]).toEqual([[`app.${name}`, PythonLevel.DEBUG]]);
    const byModules = buildSetLogsSettings(
      { modules: own({ [name]: PythonLevel.INFO }) },
      { registry: registry() },
    );
    expect([...byModules.explicit]).toEqual([[`app.${name}`, PythonLevel.INFO]]);
  });

  it.each(ARTIFACTS)("setLogs enables artifact %s", (name) => {
    const settings = buildSetLogsSettings(own({ [name]: true }), { registry: registry() });
    expect([...settings.enabledArtifacts]).toEqual([name]);
  });

  it("TORCH_LOGS names them like any other", () => {
    const settings = parseTorchLogs(`+${COMPONENTS.join(",-")},${ARTIFACTS.join(",")}`, {
      registry: registry(),
    });
    expect(settings.explicit.get("app.constructor")).toBe(PythonLevel.DEBUG);
    expect(settings.explicit.get("app.__proto__")).toBe(PythonLevel.ERROR);
    expect([...settings.enabledArtifacts]).toEqual(ARTIFACTS);
  });
});

// Issue 21, item 11: `explain --json` built its objects by assignment, which sets the prototype for `__proto__`.
describe("the JSON of settings (explain --json)", () => {
  it.each(["__proto__", "constructor", "toString"])("keeps a module or component named %s", (name) => {
    // A module of that name, as `explain` takes any name a module could have.
    const asModule = parseTorchLogs(`+${name}`, { resolveModule: (module) => [module] });
    const torch = JSON.parse(JSON.stringify(asModule)) as { qnameLevels: Record<string, string> };
    expect(Object.hasOwn(torch.qnameLevels, name) && torch.qnameLevels[name]).toBe("DEBUG");
    const custom = JSON.parse(JSON.stringify(parseTorchLogs(`+${name}`, { registry: registry() }))) as {
      levels: Record<string, string>;
      qnameLevels: Record<string, string>;
    };
    expect(Object.hasOwn(custom.levels, name) && custom.levels[name]).toBe("DEBUG");
    expect(Object.hasOwn(custom.qnameLevels, `app.${name}`) && custom.qnameLevels[`app.${name}`]).toBe(
      "DEBUG",
    );
  });
});
