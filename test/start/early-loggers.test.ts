// Real applications whose loggers exist before the pipeline (issue: "Nothing lost in real deployments"): a
// CommonJS and an ES module app, run as child processes against a receiver on 127.0.0.1, loading torch-logs-otel
// from src/ (development condition) or as built and installed (require/import of dist/). Each logs through the
// API (CJS or ESM copy), pino + @opentelemetry/instrumentation-pino, winston + @opentelemetry/winston-transport
// (@opentelemetry/api-logs), the facade, and an ungoverned scope; see test/fixtures/apps/early-loggers-scenario.cjs.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type InstalledPackage, installPackage } from "../support/installed-package.ts";
import { type OtlpReceiver, startOtlpReceiver } from "../support/otlp-receiver.ts";

const resolveSelf = new URL("../support/resolve-self.ts", import.meta.url).pathname;

const run = promisify(execFile);
const apps = new URL("../fixtures/apps/", import.meta.url).pathname;

/** What TORCH_LOGS' defaults let through (pino and winston are registered as components, at WARNING). */
const FILTERED = ["api warn", "facade warning", "my-service info", "pino warn", "winston warn"];
/** What the apps emit past their own levels, unfiltered; the facade's INFO is a no-op by itself. */
const UNFILTERED = [...FILTERED, "api debug", "pino info", "winston info"].sort();
const WARNING = "torch-logs-otel: another LoggerProvider already holds the global of @opentelemetry/api";

interface Case {
  readonly app: "early-loggers.cjs" | "early-loggers.mjs";
  readonly from: "src" | "installed";
  readonly mode: "start" | "node-sdk" | "node-sdk-alone" | "node-sdk-first" | "restart";
  /** service.name of every record received */
  readonly service: string;
  readonly bodies: readonly string[];
  readonly warned: boolean;
}

const CASES: readonly Case[] = [
  // 1. Loggers made before startTorchLogs deliver, from the CJS copy of the API as from the ESM one.
  ...(["src", "installed"] as const).flatMap((from) =>
    (["early-loggers.cjs", "early-loggers.mjs"] as const).map(
      (app): Case => ({ app, from, mode: "start", service: "torch-app", bodies: FILTERED, warned: false }),
    ),
  ),
  // startTorchLogs → shutdown → startTorchLogs: the early loggers deliver to the second pipeline.
  ...(["early-loggers.cjs", "early-loggers.mjs"] as const).map(
    (app): Case => ({
      app,
      from: "src",
      mode: "restart",
      service: "torch-app",
      bodies: [
        ...FILTERED,
        "api warn before restart",
        "pino warn before restart",
        "winston warn before restart",
        "my-service info before restart",
      ],
      warned: false,
    }),
  ),
  // 3. NodeSDK plus registerLoggerProviderGlobally(logs.getLoggerProvider()): winston-transport's records too.
  ...(["early-loggers.cjs", "early-loggers.mjs"] as const).map(
    (app): Case => ({
      app,
      from: "src",
      mode: "node-sdk",
      service: "torch-app",
      bodies: FILTERED,
      warned: false,
    }),
  ),
  // Without that call, NodeSDK serves only @opentelemetry/api: winston-transport's records are lost.
  {
    app: "early-loggers.cjs",
    from: "src",
    mode: "node-sdk-alone",
    service: "torch-app",
    bodies: FILTERED.filter((body) => !body.startsWith("winston")),
    warned: false,
  },
  // 2. NodeSDK first: startTorchLogs takes neither global and says so once; nothing is split between the two.
  ...(["early-loggers.cjs", "early-loggers.mjs"] as const).map(
    (app): Case => ({
      app,
      from: "src",
      mode: "node-sdk-first",
      service: "other-sdk",
      bodies: UNFILTERED.filter((body) => !body.startsWith("winston")),
      warned: true,
    }),
  ),
];

let receiver: OtlpReceiver;
let installed: InstalledPackage;

beforeAll(async () => {
  installed = await installPackage();
}, 60_000);
afterAll(() => installed.remove());
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(() => receiver.close());

describe("an application whose loggers exist before the pipeline", () => {
  it.each(CASES)("$app from $from, $mode", async ({ app, from, mode, service, bodies, warned }) => {
    const file = from === "src" ? apps + app : installed.add(apps + app);
    if (from === "installed") installed.add(`${apps}early-loggers-scenario.cjs`);
    const { stderr } = await run(
      process.execPath,
      [...(from === "src" ? ["--import", resolveSelf] : []), "--no-warnings", file],
      {
        env: {
          PATH: process.env.PATH ?? "",
          MODE: mode,
          RECEIVER_URL: receiver.url,
          OTEL_TRACES_EXPORTER: "none",
          OTEL_METRICS_EXPORTER: "none",
        },
        timeout: 20_000,
      },
    );
    if (bodies.length > 0) await receiver.waitForRecords(bodies.length);
    expect(receiver.records.map((r) => String(r.body)).sort()).toEqual([...bodies].sort());
    expect(new Set(receiver.records.map((r) => r.resource["service.name"]))).toEqual(new Set([service]));
    expect(stderr).not.toContain("duplicate registration");
    expect(stderr.split(WARNING).length - 1).toBe(warned ? 1 : 0);
  });
});
