// Crashes with real parts: child processes with the real OTLP exporter, a receiver on 127.0.0.1, and the same
// application run without torch-logs-otel as the reference for what Node prints.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type OtlpReceiver, startOtlpReceiver } from "../support/otlp-receiver.ts";

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await receiver.close();
});

const ESM_APP = new URL("../fixtures/apps/crash-app.ts", import.meta.url).pathname;
const COMMONJS_APP = new URL("../fixtures/apps/crash-app-commonjs.cts", import.meta.url).pathname;

interface Run {
  readonly code: number | null;
  readonly stderr: string;
}

async function run(app: string, env: Record<string, string>, execArgv: string[] = []): Promise<Run> {
  const child = spawn(process.execPath, ["--no-warnings", ...execArgv, app], {
    env: { PATH: process.env.PATH ?? "", RECEIVER_URL: receiver.url, RECORDS: "300", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stderr };
}

/** The app with the pipeline, then the same app without it: what Node prints on its own. */
async function runBoth(app: string, mode: string, execArgv: string[] = []): Promise<[Run, Run]> {
  const withPipeline = await run(app, { MODE: mode }, execArgv);
  const withoutPipeline = await run(app, { MODE: mode, PIPELINE: "0" }, execArgv);
  return [withPipeline, withoutPipeline];
}

describe("an uncaught exception or unhandled rejection nobody listens to", () => {
  it.each([
    ["a top-level throw in an ES module", "throw"],
    ["an unhandled rejection of an Error", "reject"],
    ["an unhandled rejection of a number", "reject-number"],
  ])("%s: delivers every record, then prints exactly what Node prints and exits 1", async (_, mode) => {
    const [ours, node] = await runBoth(ESM_APP, mode);
    expect(receiver.records).toHaveLength(300);
    expect(ours.code).toBe(1);
    expect(node.code).toBe(1);
    expect(node.stderr).toMatch(/boom|42/);
    expect(ours.stderr).toBe(node.stderr);
  });

  it("a backend that never answers costs at most shutdownTimeoutMillis, then the same end", async () => {
    receiver.setBehaviour({ hang: true });
    const ours = await run(ESM_APP, { MODE: "reject", SHUTDOWN_TIMEOUT_MILLIS: "300" });
    const node = await run(ESM_APP, { MODE: "reject", PIPELINE: "0" });
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.records).toHaveLength(0);
    expect([ours.code, node.code]).toEqual([1, 1]);
    expect(ours.stderr).toBe(node.stderr);
  });

  it("a throw in a CommonJS callback: the same text, the caret under where the error was created", async () => {
    const [ours, node] = await runBoth(COMMONJS_APP, "throw");
    expect(receiver.records).toHaveLength(100);
    expect([ours.code, node.code]).toEqual([1, 1]);
    const lines = (text: string) => text.split("\n");
    const [oursLines, nodeLines] = [lines(ours.stderr), lines(node.stderr)];
    // Line 3 is the caret: Node puts it under `throw` (a V8 message JavaScript never sees), we under `new`.
    expect(nodeLines[1]).toBe('  throw new Error("boom: thrown in a callback");');
    expect(nodeLines[2]).toBe("  ^");
    expect(oursLines[2]).toBe("        ^");
    expect(oursLines.toSpliced(2, 1)).toEqual(nodeLines.toSpliced(2, 1));
  });

  it("a thrown string: the same text, without the source excerpt Node quotes above it", async () => {
    const [ours, node] = await runBoth(ESM_APP, "throw-string");
    expect(receiver.records).toHaveLength(300);
    expect([ours.code, node.code]).toEqual([1, 1]);
    expect(ours.stderr).toMatch(/^boom: a string\n/);
    expect(node.stderr.endsWith(ours.stderr)).toBe(true);
  });

  it("under --unhandled-rejections=warn, a thrown Error still ends the process with Node's text", async () => {
    const [ours, node] = await runBoth(ESM_APP, "throw", ["--unhandled-rejections=warn"]);
    expect(receiver.records).toHaveLength(300);
    expect([ours.code, node.code]).toEqual([1, 1]);
    expect(ours.stderr).toContain("Error: boom: the app crashed\n    at file://");
    expect(node.stderr.endsWith(ours.stderr)).toBe(true);
  });
});

describe("a lenient --unhandled-rejections mode given as two arguments", () => {
  it.each([
    ["on the command line", ["--unhandled-rejections", "warn"], {}],
    ["in NODE_OPTIONS", [], { NODE_OPTIONS: "--unhandled-rejections warn" }],
  ])("%s: a thrown Error still ends the process", async (_, execArgv, env) => {
    const ours = await run(ESM_APP, { MODE: "throw", ...env }, execArgv);
    expect(receiver.records).toHaveLength(300);
    expect(ours.code).toBe(1);
    expect(ours.stderr).toContain("Error: boom: the app crashed\n    at file://");
  });
});

describe("an application that listens itself", () => {
  it.each([
    ["uncaughtException", "app-uncaught"],
    ["unhandledRejection", "app-rejection"],
  ])(
    "to %s decides: its handler runs, logs and shuts down; nothing is printed for it",
    async (event, mode) => {
      const { code, stderr } = await run(ESM_APP, { MODE: mode });
      expect(code).toBe(3);
      expect(stderr).toBe("");
      expect(receiver.records).toHaveLength(301);
      expect(receiver.records.at(-1)?.body).toBe(`app: handled ${event}`);
    },
  );
});
