// examples/quick-start.ts
import { DiagConsoleLogger, DiagLogLevel, diag, logs, SeverityNumber } from "@opentelemetry/api";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import {
  otlpUrlFromEnv,
  registerLoggerProviderGlobally,
  TorchConsoleLogRecordExporter,
  TorchLogsLogRecordProcessor,
} from "torch-logs-otel";

// OTLP/HTTP when an endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT), else stderr in PyTorch's console format.
const otlp = otlpUrlFromEnv("logs", process.env) !== undefined;
const exporter = otlp ? new OTLPLogExporter() : new TorchConsoleLogRecordExporter();
// The SDK reports exports that fail (nothing listening there, say) to OpenTelemetry's diag logger: show them.
diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);

// The filter wraps the exporting processor: what TORCH_LOGS rejects never reaches the exporter.
const provider = new LoggerProvider({
  processors: [new TorchLogsLogRecordProcessor(new BatchLogRecordProcessor({ exporter }))],
});
// The global of @opentelemetry/api and that of @opentelemetry/api-logs (winston-transport's), in one call.
registerLoggerProviderGlobally(provider);

// Components are instrumentation scopes; child scopes belong to them.
logs.getLogger("torch._dynamo.guards").emit({ severityNumber: SeverityNumber.DEBUG, body: "needs +dynamo" });
logs.getLogger("torch._inductor").emit({ severityNumber: SeverityNumber.WARN, body: "shown by default" });
// Artifacts are the torch.artifact attribute.
logs.getLogger("torch._dynamo.symbolic_convert").emit({
  severityNumber: SeverityNumber.DEBUG,
  body: "Graph break: print()",
  attributes: { "torch.artifact": "graph_breaks" },
});
// Scopes no component governs pass untouched.
logs
  .getLogger("my-service")
  .emit({ severityNumber: SeverityNumber.INFO, body: "not governed by TORCH_LOGS" });

await provider.shutdown();
