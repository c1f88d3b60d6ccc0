// The main job, `npm start` (`torch-logs-otel demo`): console mode checked by reading its output back with
// our own PyTorch log parser; OTLP mode checked at a real receiver.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run-cli.ts";
import { parsePytorchLog } from "../../src/ingest/pytorch-log-parser.ts";
import { startOtlpReceiver } from "../support/otlp-receiver.ts";

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

describe("torch-logs-otel demo (npm start)", () => {
  it("prints only warnings in PyTorch's console format when TORCH_LOGS is unset", async () => {
    const { code, console, stderr } = await demo({});
    expect(code).toBe(0);
    const records = parsePytorchLog(console);
    expect(records.map((r) => (r.kind === "torch" ? [r.levelName, r.scope ?? r.path] : r.kind))).toEqual([
      ["WARNING", "torch._inductor.utils"],
      ["WARNING", "torch._dynamo.convert_frame"],
    ]);
    expect(stderr).toContain("demo: 2 records passed TORCH_LOGS");
  });

  it("follows TORCH_LOGS: components, artifacts (off by default ones only when named), compile ids", async () => {
    const { console } = await demo({ TORCH_LOGS: "+dynamo,guards,output_code" }, ["--frames", "2"]);
    const records = parsePytorchLog(console).filter((r) => r.kind === "torch");
    const artifacts = records.map((r) => r.artifact).filter(Boolean);
    // guards and output_code are named; recompiles and graph_breaks are not off by default, so +dynamo's DEBUG
    // shows them; aot_graphs follows aot, which stays at WARNING.
    expect(new Set(artifacts)).toEqual(new Set(["guards", "output_code", "recompiles", "graph_breaks"]));
    expect(records.filter((r) => r.artifact === "output_code").map((r) => r.compileId?.raw)).toEqual([
      "0/0",
      "1/0",
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
      const inSpans = records.filter((r) => r.traceId !== undefined);
      expect(inSpans.length).toBe(records.length - 1); // all but the final warning, logged outside a span
      expect(receiver.requests.some((r) => r.path === "/v1/traces")).toBe(true);
    } finally {
      await receiver.close();
    }
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

  it("says which TORCH_LOGS items it skipped", async () => {
    const { code, stderr } = await demo({ TORCH_LOGS: "+dynamo,bogus" }, ["--frames", "1"]);
    expect(code).toBe(0);
    expect(stderr).toContain('demo: TORCH_LOGS: unknown name "bogus" at item 2');
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
