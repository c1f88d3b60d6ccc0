// registerLoggerProviderGlobally against the real globals of @opentelemetry/api (both its ESM and its CJS copy)
// and @opentelemetry/api-logs: both or neither, one warning when another provider holds one, no "duplicate
// registration" error when the provider already holds one, and loggers handed out earlier deliver.
import { createRequire } from "node:module";
import {
  type DiagLogger,
  DiagLogLevel,
  diag,
  type LoggerProvider,
  logs,
  SeverityNumber,
} from "@opentelemetry/api";
import { logs as legacyLogs } from "@opentelemetry/api-logs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerLoggerProviderGlobally } from "../../src/index.ts";
import { setup } from "../support/pipeline.ts";

type LegacyProvider = Parameters<typeof legacyLogs.setGlobalLoggerProvider>[0];
/** The CommonJS copy of @opentelemetry/api: a module instance of its own, with its own proxy provider. */
const cjsApi = createRequire(import.meta.url)("@opentelemetry/api") as typeof import("@opentelemetry/api");

let diagMessages: string[];

beforeEach(() => {
  diagMessages = [];
  const push = (m: string, ...args: unknown[]) => diagMessages.push([m, ...args.map(String)].join(" "));
  const logger: DiagLogger = { error: push, warn: push, info: push, debug: () => {}, verbose: () => {} };
  diag.setLogger(logger, { logLevel: DiagLogLevel.DEBUG, suppressOverrideMessage: true });
});

afterEach(() => {
  logs.disable();
  cjsApi.logs.disable();
  legacyLogs.disable();
  diag.disable();
});

/** Who holds each global: "ours", "theirs" or "free". */
function holders(ours: LoggerProvider, theirs: LoggerProvider) {
  const name = (p: unknown, free: unknown) =>
    p === ours ? "ours" : p === theirs ? "theirs" : p === free ? "free" : p;
  return {
    api: name(
      logs.getLoggerProvider(),
      (logs as unknown as { _proxyLoggerProvider: unknown })._proxyLoggerProvider,
    ),
    legacy: name(
      legacyLogs.getLoggerProvider(),
      (legacyLogs as unknown as { _proxyLoggerProvider: unknown })._proxyLoggerProvider,
    ),
  };
}

const TAKE = {
  api: (p: LoggerProvider) => logs.setGlobalLoggerProvider(p),
  legacy: (p: LoggerProvider) => legacyLogs.setGlobalLoggerProvider(p as unknown as LegacyProvider),
};

describe("registerLoggerProviderGlobally", () => {
  it.each([
    // before: who holds [api, api-logs]; after: who holds them after the call; taken: what the result names
    { before: ["free", "free"], registered: true, after: ["ours", "ours"], taken: [], warning: undefined },
    { before: ["ours", "free"], registered: true, after: ["ours", "ours"], taken: [], warning: undefined },
    { before: ["free", "ours"], registered: true, after: ["ours", "ours"], taken: [], warning: undefined },
    { before: ["ours", "ours"], registered: true, after: ["ours", "ours"], taken: [], warning: undefined },
    {
      before: ["theirs", "free"],
      registered: false,
      after: ["theirs", "free"],
      taken: ["@opentelemetry/api"],
      warning: "instrumentation-pino",
    },
    {
      before: ["free", "theirs"],
      registered: false,
      after: ["free", "theirs"],
      taken: ["@opentelemetry/api-logs"],
      warning: "winston-transport",
    },
    {
      before: ["theirs", "theirs"],
      registered: false,
      after: ["theirs", "theirs"],
      taken: ["@opentelemetry/api", "@opentelemetry/api-logs"],
      warning: "@opentelemetry/api and @opentelemetry/api-logs",
    },
    {
      before: ["ours", "theirs"],
      registered: false,
      after: ["ours", "theirs"],
      taken: ["@opentelemetry/api-logs"],
      warning: "winston-transport",
    },
  ])("with [api, api-logs] held by $before: registered $registered, then $after", (row) => {
    const { provider: ours } = setup();
    const { provider: theirs } = setup();
    for (const [i, api] of (["api", "legacy"] as const).entries()) {
      if (row.before[i] !== "free") TAKE[api](row.before[i] === "ours" ? ours : theirs);
    }
    diagMessages.length = 0;
    const registration = registerLoggerProviderGlobally(ours);
    expect(registration.registered).toBe(row.registered);
    expect(registration.taken).toEqual(row.taken);
    expect(holders(ours, theirs)).toEqual({ api: row.after[0], legacy: row.after[1] });
    // Never the API's "duplicate registration" stack trace; one warning exactly when a global is taken.
    expect(diagMessages.filter((m) => /duplicate registration/.test(m))).toEqual([]);
    const warnings = diagMessages.filter((m) => m.startsWith("torch-logs-otel:"));
    expect(warnings).toHaveLength(row.warning === undefined ? 0 : 1);
    if (row.warning !== undefined) expect(warnings[0]).toContain(row.warning);
    // The same call again does not warn again.
    registerLoggerProviderGlobally(ours);
    expect(diagMessages.filter((m) => m.startsWith("torch-logs-otel:"))).toHaveLength(warnings.length);
    // unregister() gives back only what this call took.
    registration.unregister();
    const freed = row.before.map((holder, i) =>
      row.registered && holder === "free" ? "free" : row.after[i],
    );
    expect(holders(ours, theirs)).toEqual({ api: freed[0], legacy: freed[1] });
  });

  it("makes loggers handed out earlier, by the ESM and the CJS copy of the API and by api-logs, deliver", () => {
    const { provider, received } = setup({ settings: "" });
    const early = [
      logs.getLogger("torch._dynamo"),
      cjsApi.logs.getLogger("torch._inductor"),
      legacyLogs.getLogger("my-service"),
    ];
    expect(cjsApi.logs).not.toBe(logs);
    const registration = registerLoggerProviderGlobally(provider);
    for (const logger of early) logger.emit({ severityNumber: SeverityNumber.WARN, body: "early" });
    early[0]?.emit({ severityNumber: SeverityNumber.DEBUG, body: "filtered" });
    cjsApi.logs.getLogger("torch._dynamo").emit({ severityNumber: SeverityNumber.ERROR, body: "late" });
    expect(received().map((r) => [r.scope, r.body])).toEqual([
      ["torch._dynamo", "early"],
      ["torch._inductor", "early"],
      ["my-service", "early"],
      ["torch._dynamo", "late"],
    ]);
    // After unregister, loggers of every copy stop reaching the provider.
    registration.unregister();
    cjsApi.logs.getLogger("torch._dynamo").emit({ severityNumber: SeverityNumber.ERROR, body: "after" });
    legacyLogs.getLogger("torch._dynamo").emit({ severityNumber: SeverityNumber.ERROR, body: "after" });
    expect(received()).toHaveLength(4);
  });

  it("makes early loggers follow the next provider after the first is unregistered, warning once in between", () => {
    const early = [
      logs.getLogger("torch._dynamo"),
      cjsApi.logs.getLogger("torch._inductor"),
      legacyLogs.getLogger("my-service"),
    ];
    const first = setup();
    const registration = registerLoggerProviderGlobally(first.provider);
    for (const logger of early) logger.emit({ severityNumber: SeverityNumber.WARN, body: "first" });
    registration.unregister();
    // No provider: dropped, and said once (not once per record).
    for (const logger of early) logger.emit({ severityNumber: SeverityNumber.WARN, body: "between" });
    expect(diagMessages.filter((m) => m.includes("no LoggerProvider is registered"))).toHaveLength(1);
    const second = setup();
    registerLoggerProviderGlobally(second.provider);
    for (const logger of early) logger.emit({ severityNumber: SeverityNumber.WARN, body: "second" });
    expect(first.received().map((r) => [r.scope, r.body])).toEqual([
      ["torch._dynamo", "first"],
      ["torch._inductor", "first"],
      ["my-service", "first"],
    ]);
    expect(second.received().map((r) => [r.scope, r.body])).toEqual([
      ["torch._dynamo", "second"],
      ["torch._inductor", "second"],
      ["my-service", "second"],
    ]);
  });

  it("serves both globals with the provider NodeSDK registered on @opentelemetry/api only", () => {
    const { provider, received } = setup();
    cjsApi.logs.setGlobalLoggerProvider(provider); // as NodeSDK does, through whichever copy it loaded
    const registration = registerLoggerProviderGlobally(logs.getLoggerProvider());
    expect(registration.registered).toBe(true);
    legacyLogs.getLogger("@opentelemetry/winston-transport").emit({ severityNumber: 13, body: "winston" });
    expect(received().map((r) => r.body)).toEqual(["winston"]);
    expect(diagMessages.filter((m) => /duplicate|torch-logs-otel/.test(m))).toEqual([]);
  });

  it("refuses the API's placeholder (logs.getLoggerProvider() before any SDK registered) and says so", () => {
    const registration = registerLoggerProviderGlobally(logs.getLoggerProvider());
    expect([registration.registered, registration.taken]).toEqual([false, []]);
    expect(diagMessages.join("\n")).toContain("not a LoggerProvider");
    const { provider } = setup();
    expect(registerLoggerProviderGlobally(provider).registered).toBe(true);
  });
});
