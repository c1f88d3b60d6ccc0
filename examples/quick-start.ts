// examples/quick-start.ts
import { logs, SeverityNumber } from "@opentelemetry/api";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { registerLoggerProviderGlobally, TorchLogsLogRecordProcessor } from "torch-logs-otel";

// The filter wraps the exporting processor: what TORCH_LOGS rejects never reaches the exporter.
const provider = new LoggerProvider({
  processors: [
    new TorchLogsLogRecordProcessor(new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })),
  ],
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
