// An application as users write one: startTorchLogs, then logging through the raw OpenTelemetry API, the logger
// facade, winston (@opentelemetry/winston-transport) and pino (@opentelemetry/instrumentation-pino), all inside
// a span, to the collector named by OTEL_EXPORTER_OTLP_ENDPOINT. TORCH_LOGS comes from the environment.
// stdout: one JSON object, { stats, emitted }, every emitted record with the trace and span it was logged in.
// Run by e2e/processor-path.e2e.test.ts.
import { register } from "node:module";

register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);
const { PinoInstrumentation } = await import("@opentelemetry/instrumentation-pino");
new PinoInstrumentation(); // before pino is loaded, as instrumentations must be
const api = await import("@opentelemetry/api");
const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
const { TracerProvider } = await import("@opentelemetry/sdk-trace");
const torch = await import("../../src/index.ts");
const pino = (await import("pino")).default;
const winston = (await import("winston")).default;
const { OpenTelemetryTransportV3 } = await import("@opentelemetry/winston-transport");

api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const registry = torch
  .torchRegistry()
  .registerComponent("pino", "@opentelemetry/instrumentation-pino")
  .registerComponent("winston", "@opentelemetry/winston-transport");
const pipeline = torch.startTorchLogs({
  registry,
  serviceName: process.env.OTEL_SERVICE_NAME ?? "e2e-app",
  resourceAttributes: { "e2e.run": process.env.E2E_RUN ?? "" },
  batch: { scheduledDelayMillis: 50 },
});

const pinoLogger = pino({ level: "trace" }, pino.destination("/dev/null"));
const winstonLogger = winston.createLogger({ level: "silly", transports: [new OpenTelemetryTransportV3()] });
const tracer = new TracerProvider().getTracer("e2e");
const emitted: { body: string; traceId: string; spanId: string }[] = [];

function inSpan(body: string, log: () => void): void {
  const span = tracer.startSpan(`span ${body}`);
  api.context.with(api.trace.setSpan(api.context.active(), span), () => {
    log();
    const { traceId, spanId } = span.spanContext();
    emitted.push({ body, traceId, spanId });
  });
  span.end();
}

const raw = (scope: string, severityNumber: number, body: string, extra: Record<string, unknown> = {}) =>
  inSpan(body, () => api.logs.getLogger(scope).emit({ severityNumber, body, ...extra }));
const S = api.SeverityNumber;

raw("torch._dynamo", S.DEBUG, "api torch._dynamo debug");
raw("torch._dynamo", S.INFO, "api torch._dynamo info");
raw("torch._dynamo", S.WARN, "api torch._dynamo warn");
raw("torch._inductor.codegen", S.INFO, "api torch._inductor.codegen info");
raw("torch._inductor.codegen", S.ERROR, "api torch._inductor.codegen error");
raw("torch._dynamo.symbolic_convert", S.DEBUG, "api graph_breaks debug", {
  attributes: { "torch.artifact": "graph_breaks" },
});
raw("torch._inductor.graph", S.DEBUG, "api output_code debug", {
  attributes: { "torch.artifact": "output_code" },
});
raw("torch._dynamo.guards", S.DEBUG, "api recompiles event debug", { eventName: "recompiles" });
raw("my-service", S.INFO, "api my-service info");
inSpan("facade torch._inductor.scheduler debug", () =>
  torch.getLogger("torch._inductor.scheduler").debug("facade torch._inductor.scheduler %s", "debug"),
);
inSpan("facade torch._inductor.scheduler warning", () =>
  torch.getLogger("torch._inductor.scheduler").warning("facade torch._inductor.scheduler warning"),
);
inSpan("facade torch._inductor.scheduler error", () =>
  torch.getLogger("torch._inductor.scheduler").error("facade torch._inductor.scheduler error"),
);
inSpan("facade guards debug", () =>
  torch.getArtifactLogger("torch._dynamo.guards", "guards").debug("facade guards debug"),
);
for (const level of ["debug", "info", "warn", "error"] as const) {
  inSpan(`winston ${level}`, () => winstonLogger.log(level, `winston ${level}`));
  inSpan(`pino ${level}`, () => pinoLogger[level](`pino ${level}`));
}

await pipeline.shutdown();
process.stdout.write(`${JSON.stringify({ stats: pipeline.stats(), emitted })}\n`);
