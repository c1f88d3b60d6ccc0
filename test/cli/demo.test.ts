// The main job, `npm start` (`torch-logs-otel demo`): console mode checked by reading its output back with
// our own PyTorch log parser; OTLP mode checked at a real receiver.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run-cli.ts";
import { type DemoResult, formatDemoSummary } from "../../src/cli/run-demo.ts";
import { parsePytorchLog } from "../../src/ingest/pytorch-log-parser.ts";
import { startOtlpReceiver } from "../support/otlp-receiver.ts";
import { runCliCaptured } from "../support/run-cli.ts";

async function demo(env: Record<string, string>, args: string[] = []) {
  const stream = new PassThrough();
  let console = "";
  stream.on("data", (chunk: Buffer) => {
    console += chunk.toString("utf8");
  });
  let stderr = "";
  const code = await runCli({
    argv: ["demo", ...args],
    env,
    stream,
    stdout: () => {},
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, console, stderr };
}

/** `torch-logs-otel ingest --format jsonl` of `input`, in process. */
async function ingest(env: Record<string, string>, input: string) {
  const { code, stdout, stderr } = await runCliCaptured(["ingest", "--format", "jsonl"], env, input);
  return {
    code,
    records: stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line)),
    stderr,
  };
}

/** A stand-in trace backend: keeps each OTLP/JSON trace request body. */
async function startTraceReceiver() {
  const bodies: {
    resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[];
  }[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    request.on("end", () => {
      bodies.push(JSON.parse(body));
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    serviceNames: () =>
      bodies.flatMap((b) =>
        b.resourceSpans.map(
          (r) => r.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue,
        ),
      ),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe("torch-logs-otel demo (npm start)", () => {
  it("prints only warnings in PyTorch's console format when TORCH_LOGS is unset", async () => {
    const { code, console, stderr } = await demo({});
    expect(code).toBe(0);
    const records = parsePytorchLog(console);
    expect(
      records.map((r) => (r.kind === "torch" ? [r.levelName, r.path, r.compileId?.raw] : r.kind)),
    ).toEqual([["WARNING", "torch/_inductor/utils.py", "0/2"]]);
    expect(stderr).toContain("demo: 1 record passed TORCH_LOGS");
  });

  it("follows TORCH_LOGS: components, artifacts (off by default ones only when named), compile ids", async () => {
    const { console } = await demo({ TORCH_LOGS: "+dynamo,guards,output_code" }, ["--frames", "2"]);
    const records = parsePytorchLog(console).filter((r) => r.kind === "torch");
    const artifacts = records.map((r) => r.artifact).filter(Boolean);
    // guards and output_code are named; recompiles and graph_breaks are not off by default, so +dynamo's DEBUG
    // shows them; aot_graphs follows aot, which stays at WARNING.
    expect(new Set(artifacts)).toEqual(new Set(["guards", "output_code", "recompiles", "graph_breaks"]));
    // One frame, compiled again for each new input size: 0/0, then the recompile 0/1.
    expect(records.filter((r) => r.artifact === "output_code").map((r) => r.compileId?.raw)).toEqual([
      "0/0",
      "0/1",
    ]);
    // Inductor is at WARNING: its INFO and DEBUG records are not shown; dynamo's DEBUG ones are.
    expect(records.some((r) => r.levelName === "INFO" && String(r.message).includes("torchinductor"))).toBe(
      false,
    );
    expect(records.some((r) => r.levelName === "DEBUG" && String(r.message).includes("skipping"))).toBe(true);
  });

  it("exports logs with trace context and spans over OTLP when an endpoint is set", async () => {
    const receiver = await startOtlpReceiver();
    try {
      const { code, console, stderr } = await demo({
        TORCH_LOGS: "+dynamo",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      });
      expect(code).toBe(0);
      // The test receiver takes logs only: spans were sent, refused, and reported without failing the run.
      expect(stderr).toContain("spans could not be exported (Not Found); the logs were.");
      expect(console).toBe("");
      const records = receiver.records;
      expect(records.length).toBeGreaterThan(5);
      expect(new Set(records.map((r) => r.resource["service.name"]))).toEqual(
        new Set(["torch-logs-otel-demo"]),
      );
      // Everything but dynamo's "skipping" lines, logged before each compile starts, is inside a compile span.
      const outside = records.filter((r) => r.traceId === undefined).map((r) => String(r.body));
      expect(outside).toEqual(Array(3).fill("skipping: __init__ (reason: in skipfiles)"));
      expect(receiver.requests.some((r) => r.path === "/v1/traces")).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it.each([
    [{}, "torch-logs-otel-demo"],
    [{ OTEL_SERVICE_NAME: "my-trainer" }, "my-trainer"],
  ])("gives its logs and spans one service.name (%j)", async (env, serviceName) => {
    const receiver = await startOtlpReceiver();
    const traces = await startTraceReceiver();
    try {
      const { code } = await demo({
        ...env,
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces.url,
      });
      expect(code).toBe(0);
      expect(new Set(receiver.records.map((r) => r.resource["service.name"]))).toEqual(
        new Set([serviceName]),
      );
      expect(new Set(traces.serviceNames())).toEqual(new Set([serviceName]));
    } finally {
      await Promise.all([receiver.close(), traces.close()]);
    }
  });

  it("says why records were lost when no collector listens, without the SDK's long wait", async () => {
    const closed = await startTraceReceiver();
    await closed.close(); // a port nothing listens on
    const port = new URL(closed.url).port;
    const { code, stderr } = await demo({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
    expect(code).toBe(0);
    expect(stderr).toContain(`demo: 1 log record failed to export: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(stderr).toContain("0 exported over OTLP, 1 lost (see above).");
    expect(stderr).toContain(`demo: spans could not be exported (connect ECONNREFUSED 127.0.0.1:${port}).\n`);
  });

  it("recompiles one frame as 0/1, 0/2 …, each naming every failed cache entry, and stops at recompile_limit (8)", async () => {
    const { console } = await demo({ TORCH_LOGS: "recompiles" }, ["--frames", "12"]);
    const records = parsePytorchLog(console).filter((r) => r.kind === "torch");
    const recompiles = records.filter((r) => r.artifact === "recompiles");
    expect(recompiles.map((r) => r.compileId?.raw)).toEqual([
      "0/1",
      "0/2",
      "0/3",
      "0/4",
      "0/5",
      "0/6",
      "0/7",
    ]);
    expect(recompiles[1]?.message.split("\n")).toEqual([
      "Recompiling function forward in demo.py:10",
      "    triggered by the following guard failure(s):",
      "    - 0/1: tensor 'x' size mismatch at index 0. expected 16, actual 24",
      "    - 0/0: tensor 'x' size mismatch at index 0. expected 8, actual 24",
    ]);
    const limit = records.filter(
      (r) => r.levelName === "WARNING" && r.path === "torch/_dynamo/convert_frame.py",
    );
    expect(limit.map((r) => [r.compileId?.raw, r.message.split("\n").slice(0, 3)])).toEqual([
      [
        "0/8",
        [
          "torch._dynamo hit config.recompile_limit (8)",
          "   function: 'forward' (demo.py:10)",
          "   last reason: 0/7: tensor 'x' size mismatch at index 0. expected 64, actual 72",
        ],
      ],
    ]);
  });

  it.each([
    "",
    "+dynamo,guards,recompiles,output_code",
    "+all",
    "aot_graphs,graph_breaks,-inductor",
    "+inductor",
  ])(
    "prints what `ingest` reads back under the same TORCH_LOGS=%j with nothing filtered",
    async (torchLogs) => {
      const { console } = await demo({ TORCH_LOGS: torchLogs }, ["--frames", "9"]);
      const printed = parsePytorchLog(console);
      expect(printed.length).toBeGreaterThan(0);
      // Every record names a PyTorch source file and line, as PyTorch's own lines do.
      for (const record of printed) {
        expect(
          record.kind === "torch" && [
            record.path?.replace(/^torch\/.*\.py$/, "ok"),
            (record.lineno ?? 0) > 0,
          ],
        ).toEqual(["ok", true]);
      }
      const { code, records, stderr } = await ingest({ TORCH_LOGS: torchLogs }, console);
      expect(code).toBe(0);
      expect(records).toHaveLength(printed.length);
      expect(stderr).toContain(", 0 filtered,");
    },
  );

  it.each<[Record<string, string>, "npm start" | "npm run cli" | "installed", string]>([
    [{}, "installed", 'Try TORCH_LOGS="+dynamo,guards,recompiles,output_code" npx torch-logs-otel demo\n'],
    [{}, "npm start", 'Try TORCH_LOGS="+dynamo,guards,recompiles,output_code" npm start\n'],
    [
      { TORCH_LOGS: "+dynamo,guards,recompiles,output_code" },
      "npm start",
      'Try TORCH_LOGS="recompiles" npm start -- --frames 9\n',
    ],
    [
      { TORCH_LOGS: "+dynamo,guards,recompiles,output_code" },
      "installed",
      'Try TORCH_LOGS="recompiles" npx torch-logs-otel demo --frames 9\n',
    ],
    [
      { TORCH_LOGS: "recompiles" },
      "npm run cli",
      'Try TORCH_LOGS="+dynamo,guards,recompiles,output_code" npm run cli -- demo\n',
    ],
  ])("closes with a hint that fits where it runs: %j %s", (env, launcher, hint) => {
    const result: DemoResult = {
      stats: { passed: 1, filtered: 0, exported: 0, failed: 0, rejected: 0, droppedQueueFull: 0, pending: 0 },
      exporter: "console",
      serviceName: "x",
    };
    const summary = formatDemoSummary(result, env, launcher);
    expect(summary).toMatch(/^demo: 1 record passed TORCH_LOGS, 0 filtered in onEmit; printed above\. /);
    expect(summary.endsWith(hint)).toBe(true);
  });

  it.each([
    [{ TORCH_LOGS_FORMAT: "%(levlname)s" }, "did you mean %(levelname)s?"],
    [{ TORCH_LOGS_OUT: "/nonexistent-dir/x.log" }, "TORCH_LOGS_OUT: cannot open"],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
      'OTLP protocol "grpc"',
    ],
  ])("reports a bad setting %j without a stack trace (exit 1)", async (env, text) => {
    const { code, stderr } = await demo(env);
    expect(code).toBe(1);
    expect(stderr).toContain(text);
    expect(stderr).not.toContain("    at ");
  });

  it("reads TORCH_LOGS as every command does: a module name is noted, a bad value is an error", async () => {
    const accepted = await demo({ TORCH_LOGS: "+dynamo,bogus" }, ["--frames", "1"]);
    expect(accepted.code).toBe(0);
    expect(accepted.stderr).toContain("demo: PyTorch accepts `bogus` only if `import bogus` succeeds");
    const refused = await demo({ TORCH_LOGS: "+dynamo,Dynamo" }, ["--frames", "1"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('unknown name "Dynamo" at item 2 (did you mean "dynamo"');
    expect(refused.console).toBe("");
  });

  it("rejects bad options", async () => {
    expect((await demo({}, ["--frames", "0"])).code).toBe(2);
    expect((await demo({}, ["x"])).code).toBe(2);
  });

  it("exits 1 on an OTLP endpoint without a scheme, showing the expected form", async () => {
    const { code, console, stderr } = await demo({ OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" });
    expect(code).toBe(1);
    expect(console).toBe("");
    expect(stderr).toBe(
      "torch-logs-otel demo: OTEL_EXPORTER_OTLP_ENDPOINT: expected an http:// or https:// URL such as " +
        'http://localhost:4318, got "localhost:4318" (did you mean "http://localhost:4318"?)\n',
    );
  });
});
