// examples/start-torch-logs.ts
import { getArtifactLogger, getLogger, startTorchLogs } from "torch-logs-otel";

// Provider + TORCH_LOGS processor + batch + exporter, registered globally. The exporter: OTLP/HTTP when
// OTEL_EXPORTER_OTLP_(LOGS_)ENDPOINT is set, else stderr in PyTorch's console format.
const pipeline = startTorchLogs({ serviceName: "trainer" });

const log = getLogger("torch._dynamo.convert_frame");
const graphBreaks = getArtifactLogger("torch._dynamo.symbolic_convert", "graph_breaks");

log.debug("compiling %s", "forward"); // needs +dynamo; nothing is formatted when it is off
log.warning("recompiling: cache limit hit"); // WARNING is shown by default
graphBreaks.debug(() => "Graph break: print()"); // needs graph_breaks; the function runs only if it is on

await pipeline.shutdown(); // flushes
