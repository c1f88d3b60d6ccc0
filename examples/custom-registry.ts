// examples/custom-registry.ts
import { SeverityNumber } from "@opentelemetry/api";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { TorchLogsLogRecordProcessor, torchRegistry } from "torch-logs-otel";

// The torch preset plus your own components, read from MYAPP_LOGS instead of TORCH_LOGS.
const registry = torchRegistry({ envVar: "MYAPP_LOGS" })
  .registerComponent("api", "myapp.api")
  // An npm-style scope the TORCH_LOGS grammar cannot spell gets an alias.
  .registerComponent("http", "@opentelemetry/instrumentation-http")
  .registerArtifact({ name: "sql", description: "Every SQL statement", offByDefault: true, visible: true });

const exporter = new InMemoryLogRecordExporter();
const provider = new LoggerProvider({
  processors: [
    new TorchLogsLogRecordProcessor(new SimpleLogRecordProcessor({ exporter }), {
      registry,
      env: { MYAPP_LOGS: "+api,-http,sql" }, // default: process.env
    }),
  ],
});

provider.getLogger("myapp.api.users").emit({ severityNumber: SeverityNumber.DEBUG, body: "api debug" });
provider
  .getLogger("@opentelemetry/instrumentation-http")
  .emit({ severityNumber: SeverityNumber.WARN, body: "hidden" });
provider
  .getLogger("myapp.db")
  .emit({ severityNumber: SeverityNumber.DEBUG, body: "SELECT 1", attributes: { "torch.artifact": "sql" } });

console.log(exporter.getFinishedLogRecords().map((r) => r.body)); // [ 'api debug', 'SELECT 1' ]
await provider.shutdown();
