// examples/your-own-torch.ts
import { SeverityNumber } from "@opentelemetry/api";
import { readTorchRegistry, startTorchLogs } from "torch-logs-otel";

// The registry of the torch your Python runs: any version, with the names its device backends register.
const pytorch = await readTorchRegistry({ python: process.env.PYTHON ?? "python3" });
console.log(`TORCH_LOGS as torch ${pytorch.version} parses it`);

const pipeline = startTorchLogs({ pytorch }); // TORCH_LOGS, OTEL_* from the environment
const logger = pipeline.provider.getLogger("torch._dynamo");
logger.emit({ severityNumber: SeverityNumber.DEBUG, body: "needs +dynamo" });
await pipeline.shutdown();
