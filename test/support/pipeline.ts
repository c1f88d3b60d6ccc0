// A real LoggerProvider with the TORCH_LOGS processor in front of an in-memory exporter: tests assert on what
// the exporter received.
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type LoggerProviderOptions,
  SimpleLogRecordProcessor,
} from "@opentelemetry/sdk-logs";
import { TorchLogsLogRecordProcessor, type TorchLogsLogRecordProcessorOptions } from "../../src/index.ts";

export function setup(
  options: TorchLogsLogRecordProcessorOptions = {},
  providerOptions: Omit<LoggerProviderOptions, "processors"> = {},
) {
  const exporter = new InMemoryLogRecordExporter();
  const processor = new TorchLogsLogRecordProcessor(new SimpleLogRecordProcessor({ exporter }), {
    env: {},
    ...options,
  });
  const provider = new LoggerProvider({ ...providerOptions, processors: [processor] });
  const received = () =>
    exporter.getFinishedLogRecords().map((r) => ({
      scope: r.instrumentationScope.name,
      severityNumber: r.severityNumber,
      body: r.body,
      artifact: r.attributes["torch.artifact"],
    }));
  return { exporter, processor, provider, received };
}
