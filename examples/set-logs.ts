// examples/set-logs.ts
import { getLogger, PythonLevel, startTorchLogs } from "torch-logs-otel";

const pipeline = startTorchLogs({ serviceName: "trainer" });
const log = getLogger("torch._inductor.scheduler");

log.info("hidden: inductor is at WARNING by default");
// PyTorch's torch._logging.set_logs: applies to every existing logger at once. Ignored (with one warning)
// while TORCH_LOGS is set, as in PyTorch: the environment always wins.
pipeline.setLogs({ inductor: PythonLevel.INFO, schedule: true });
log.info("shown after setLogs");

await pipeline.shutdown();
