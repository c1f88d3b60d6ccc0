// examples/node-sdk.ts
import { DiagConsoleLogger, DiagLogLevel, diag, logs } from "@opentelemetry/api";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { BatchLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { OpenTelemetryTransportV3 } from "@opentelemetry/winston-transport";
import {
  getLogger,
  otlpUrlFromEnv,
  registerLoggerProviderGlobally,
  TorchConsoleLogRecordExporter,
  TorchLogsLogRecordProcessor,
} from "torch-logs-otel";
import winston from "winston";

// OTLP/HTTP when an endpoint is set, else stderr in PyTorch's console format; failed exports shown by diag.
const otlp = otlpUrlFromEnv("logs", process.env) !== undefined;
const exporter = otlp ? new OTLPLogExporter() : new TorchConsoleLogRecordExporter();
diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);

const sdk = new NodeSDK({
  serviceName: "trainer",
  logRecordProcessors: [new TorchLogsLogRecordProcessor(new BatchLogRecordProcessor({ exporter }))],
});
sdk.start();
// NodeSDK registers its provider on @opentelemetry/api only: make it serve @opentelemetry/api-logs too.
registerLoggerProviderGlobally(logs.getLoggerProvider());

getLogger("torch._dynamo").info("needs dynamo (INFO) or +dynamo");
getLogger("torch._dynamo").error("shown by default");
// winston-transport logs through @opentelemetry/api-logs: without the call above, this record would be lost.
winston.createLogger({ transports: [new OpenTelemetryTransportV3()] }).warn("from winston");

await sdk.shutdown();
