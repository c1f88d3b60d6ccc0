// examples/node-sdk.ts
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { BatchLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { getLogger, TorchLogsLogRecordProcessor } from "torch-logs-otel";

const sdk = new NodeSDK({
  serviceName: "trainer",
  logRecordProcessors: [
    new TorchLogsLogRecordProcessor(new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })),
  ],
});
sdk.start();

getLogger("torch._dynamo").info("needs dynamo (INFO) or +dynamo");
getLogger("torch._dynamo").error("shown by default");

await sdk.shutdown();
