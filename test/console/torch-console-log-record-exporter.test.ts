import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type DiagLogger, DiagLogLevel, diag, SeverityNumber } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseTraceIdFilter } from "../../src/console/parse-trace-id-filter.ts";
import { TorchConsoleLogRecordExporter } from "../../src/console/torch-console-log-record-exporter.ts";
import { torchConsoleOptionsFromEnv } from "../../src/console/torch-console-options-from-env.ts";
import { captureDiag } from "../support/capture-diag.ts";
import { takeTorchLogsWarnings } from "../support/torch-logs-warnings.ts";
import { CapturingStream, PID, setup, TIME } from "./console-pipeline.ts";

const T = `0318 11:31:05.468129 ${PID}`;

/** A record as the SDK hands it to exporters, for calling export() directly. */
function record(body: string): ReadableLogRecord {
  return {
    hrTime: TIME,
    hrTimeObserved: TIME,
    severityNumber: SeverityNumber.WARN,
    body,
    attributes: {},
    droppedAttributesCount: 0,
    instrumentationScope: { name: "torch._dynamo" },
    resource: {} as ReadableLogRecord["resource"],
  };
}

function exportOnce(
  exporter: TorchConsoleLogRecordExporter,
  records: ReadableLogRecord[],
): Promise<ExportResult[]> {
  const results: ExportResult[] = [];
  return new Promise((resolve) => {
    exporter.export(records, (result) => {
      results.push(result);
      // Give a second (wrong) callback the chance to show up before resolving.
      setTimeout(() => resolve(results), 10);
    });
  });
}

describe("TORCH_LOGS_OUT", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "torch-logs-out-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("appends the same lines as the stream to a new 0o600 file", async () => {
    const outFile = join(dir, "torch logs; $(touch pwned).txt");
    const { provider, stream, lines } = setup({ outFile });
    const logger = provider.getLogger("torch._dynamo");
    logger.emit({ timestamp: TIME, severityNumber: SeverityNumber.INFO, body: "one" });
    logger.emit({ timestamp: TIME, severityNumber: SeverityNumber.ERROR, body: "two\nthree" });
    expect(await lines()).toEqual([
      `I${T} torch._dynamo:0] one`,
      `E${T} torch._dynamo:0] two`,
      `E${T} torch._dynamo:0] three`,
    ]);
    expect(readFileSync(outFile, "utf8")).toBe(stream.text);
    expect(statSync(outFile).mode & 0o777).toBe(0o600);
    // The path went to open(2) as given: nothing ran it through a shell.
    expect(() => statSync(join(dir, "pwned"))).toThrow();
  });

  it("appends to an existing file, as PyTorch's FileHandler", async () => {
    const outFile = join(dir, "out.log");
    writeFileSync(outFile, "earlier\n");
    const { provider, lines } = setup({ outFile, format: "short" });
    provider
      .getLogger("torch._inductor")
      .emit({ timestamp: TIME, severityNumber: SeverityNumber.WARN, body: "x" });
    await lines();
    expect(readFileSync(outFile, "utf8")).toBe("earlier\nWARNING:torch._inductor:x\n");
  });

  it("a file that cannot be written (/dev/full) does not blank the console; reported once", async () => {
    const messages = captureDiag(DiagLogLevel.WARN);
    try {
      const { provider, lines } = setup({ outFile: "/dev/full", format: "short" });
      const logger = provider.getLogger("torch._inductor");
      for (const body of ["one", "two \u2028 three"]) {
        logger.emit({ timestamp: TIME, severityNumber: SeverityNumber.WARN, body });
      }
      // The line separator is escaped: to many viewers (and Python's splitlines) it starts a new line.
      expect(await lines()).toEqual([
        "WARNING:torch._inductor:one",
        "WARNING:torch._inductor:two \\u2028 three",
      ]);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/appending to the TORCH_LOGS_OUT file failed: ENOSPC/);
    } finally {
      diag.disable();
    }
  });

  it("with no diag logger, a file that cannot be written is a process warning", async () => {
    diag.disable();
    const exporter = new TorchConsoleLogRecordExporter({
      stream: new CapturingStream(),
      outFile: "/dev/full",
    });
    expect(await exportOnce(exporter, [record("x")])).toMatchObject([{ code: ExportResultCode.SUCCESS }]);
    await exporter.shutdown();
    // A process warning of type TorchLogsWarning (test/support/guard-torch-logs-warnings.ts collects those).
    expect(await takeTorchLogsWarnings()).toEqual([
      expect.stringMatching(
        /^TorchConsoleLogRecordExporter: appending to the TORCH_LOGS_OUT file failed: ENOSPC/,
      ),
    ]);
  }, 5000);

  it("names the variable and the path when the file cannot be opened", () => {
    const outFile = join(dir, "missing", "out.log");
    expect(() => new TorchConsoleLogRecordExporter({ stream: new CapturingStream(), outFile })).toThrow(
      `TORCH_LOGS_OUT: cannot open ${JSON.stringify(outFile)} for appending`,
    );
  });
});

describe("TORCH_LOGS_TRACE_ID_FILTER", () => {
  const emitAll = (options: { traceIdFilter: string | readonly string[]; format?: string }) => {
    const { provider, lines } = setup(options);
    const logger = provider.getLogger("torch._dynamo");
    for (const id of ["0/0", "1/0", undefined, "0/0_1"]) {
      logger.emit({
        timestamp: TIME,
        severityNumber: SeverityNumber.INFO,
        body: `id ${id}`,
        ...(id !== undefined && { attributes: { "torch.compile_id": id } }),
      });
    }
    return lines();
  };

  it.each([
    { filter: "[0/0], [0/0_1]", expected: ["0/0", "0/0_1"] },
    { filter: ["1/0"], expected: ["1/0"] },
    { filter: " , ", expected: ["0/0", "1/0", "undefined", "0/0_1"] },
  ])("keeps only listed trace ids: $filter", async ({ filter, expected }) => {
    const lines = await emitAll({ traceIdFilter: filter });
    expect(lines.map((line) => line.split(" id ")[1])).toEqual(expected);
  });

  it("does not apply to TORCH_LOGS_FORMAT output, as in PyTorch", async () => {
    expect(await emitAll({ traceIdFilter: "[0/0]", format: "%(message)s" })).toEqual([
      "id 0/0",
      "id 1/0",
      "id undefined",
      "id 0/0_1",
    ]);
  });

  it("parses the variable like PyTorch, bracketing bare ids", () => {
    expect([...parseTraceIdFilter(" [0/0],,!0/5/0 , ")]).toEqual(["[0/0]", "[!0/5/0]"]);
  });
});

describe("export, forceFlush and shutdown", () => {
  it("reports FAILED, once, when the stream throws", async () => {
    const stream = new CapturingStream();
    stream.write = () => {
      throw new Error("EBADF");
    };
    const results = await exportOnce(new TorchConsoleLogRecordExporter({ stream, pid: PID }), [record("x")]);
    expect(results).toEqual([{ code: ExportResultCode.FAILED, error: new Error("EBADF") }]);
  });

  describe("when the stream fails asynchronously", () => {
    const messages: string[] = [];
    beforeEach(() => {
      const logger = { error: (m: string) => messages.push(m) } as unknown as DiagLogger;
      diag.setLogger(logger, DiagLogLevel.ERROR);
    });
    afterEach(() => {
      diag.disable();
      messages.length = 0;
    });

    it("reports FAILED and keeps the process alive, with one diag error", async () => {
      const stream = new Writable({ write: (_chunk, _encoding, callback) => callback(new Error("EPIPE")) });
      const exporter = new TorchConsoleLogRecordExporter({ stream, pid: PID });
      const first = await exportOnce(exporter, [record("x")]);
      expect(first).toMatchObject([{ code: ExportResultCode.FAILED, error: { message: "EPIPE" } }]);
      await exporter.shutdown();
      expect(messages).toEqual(["TorchConsoleLogRecordExporter: writing to the stream failed: EPIPE"]);
    });
  });

  it("forceFlush waits for a slow stream", async () => {
    let text = "";
    const stream = new Writable({
      write: (chunk: Buffer, _encoding, callback) =>
        setTimeout(() => {
          text += chunk.toString();
          callback();
        }, 20),
    });
    const exporter = new TorchConsoleLogRecordExporter({ stream, pid: PID, utc: true });
    exporter.export([record("a")], () => {});
    exporter.export([record("b")], () => {});
    expect(text).toBe("");
    await exporter.forceFlush();
    expect(text).toBe(`W${T} torch._dynamo:0] a\nW${T} torch._dynamo:0] b\n`);
  });

  it("writes one chunk per export and fails after shutdown", async () => {
    const stream = new CapturingStream();
    const chunks: string[] = [];
    stream.on("data", () => {});
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string, callback: () => void) => {
      chunks.push(chunk);
      return write(chunk, callback);
    }) as typeof stream.write;
    const exporter = new TorchConsoleLogRecordExporter({ stream, pid: PID, utc: true });
    expect(await exportOnce(exporter, [record("a"), record("b")])).toEqual([
      { code: ExportResultCode.SUCCESS },
    ]);
    expect(chunks).toEqual([`W${T} torch._dynamo:0] a\nW${T} torch._dynamo:0] b\n`]);
    await exporter.shutdown();
    await exporter.shutdown();
    const [after] = await exportOnce(exporter, [record("c")]);
    expect(after?.code).toBe(ExportResultCode.FAILED);
    expect(stream.listenerCount("error")).toBe(0);
  });

  it("rejects a bad TORCH_LOGS_FORMAT at construction", () => {
    expect(() => new TorchConsoleLogRecordExporter({ format: "%(levlname)s" })).toThrow(
      "did you mean %(levelname)s?",
    );
  });
});

describe("torchConsoleOptionsFromEnv", () => {
  it.each([
    { env: {}, expected: {} },
    {
      env: { TORCH_LOGS_FORMAT: "short", TORCH_LOGS_OUT: "/tmp/x.log", TORCH_LOGS_TRACE_ID_FILTER: "[0/0]" },
      expected: { format: "short", outFile: "/tmp/x.log", traceIdFilter: "[0/0]" },
    },
    { env: { TORCH_LOGS_FORMAT: "", TORCH_LOGS_OUT: "" }, expected: { format: "" } },
  ])("$env", ({ env, expected }) => {
    expect(torchConsoleOptionsFromEnv(env)).toEqual(expected);
  });
});
