// A real LoggerProvider → SimpleLogRecordProcessor → TorchConsoleLogRecordExporter writing into a
// captured stream: tests assert on the exact text a terminal would get.
import { Writable } from "node:stream";
import type { HrTime } from "@opentelemetry/api";
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import {
  TorchConsoleLogRecordExporter,
  type TorchConsoleLogRecordExporterOptions,
} from "../../src/console/torch-console-log-record-exporter.ts";

/** 2024-03-18 11:31:05.468129 UTC, a time with real microseconds (as in dropbox_gemlite22_…). */
export const TIME: HrTime = [Date.UTC(2024, 2, 18, 11, 31, 5) / 1000, 468_129_000];
export const PID = 4242;

/** A Writable that keeps everything written to it as text. */
export class CapturingStream extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString("utf8");
    callback();
  }
}

export function setup(options: TorchConsoleLogRecordExporterOptions = {}) {
  const stream = new CapturingStream();
  const exporter = new TorchConsoleLogRecordExporter({ stream, pid: PID, utc: true, ...options });
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  /** Flushes and shuts the pipeline down, then returns the captured lines (without the final newline). */
  const lines = async (): Promise<string[]> => {
    await provider.shutdown();
    return stream.text === "" ? [] : stream.text.replace(/\n$/, "").split("\n");
  };
  return { stream, exporter, provider, lines };
}
