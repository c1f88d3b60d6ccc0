// The main job (`npm start`, `torch-logs-otel demo`): a simulated torch.compile pipeline that logs the way
// PyTorch does — dynamo, aot and inductor components, artifacts, records inside spans — through the facade and
// the raw OTel API, filtered by TORCH_LOGS. Without an OTLP endpoint it prints PyTorch's console format to
// stderr; with OTEL_EXPORTER_OTLP_ENDPOINT set, the same run exports logs and traces over OTLP/HTTP.
import { context, type Logger, logs, SeverityNumber, type Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { TextWritableStream } from "../console/torch-console-log-record-exporter.ts";
import { ARTIFACT_ATTRIBUTE, COMPILE_ID_ATTRIBUTE } from "../otel/attributes.ts";
import { type Environment, hasOtlpLogsEndpoint, hasOtlpTracesEndpoint } from "../otel/env.ts";
import { getArtifactLogger, getLogger } from "../otel/get-logger.ts";
import { otlpUrlFromEnv } from "../otel/otlp-config-from-env.ts";
import { startTorchLogs, type TorchLogsPipelineStats } from "../start/start-torch-logs.ts";

export interface RunDemoOptions {
  readonly env: Environment;
  /** Where console-format records go. Default: process.stderr. */
  readonly stream?: TextWritableStream;
  /** How many frames to "compile". Default 3. */
  readonly frames?: number;
  /** Where lossy TORCH_LOGS diagnostics go. Default: OpenTelemetry's `diag`. */
  readonly onWarning?: (message: string) => void;
}

export interface DemoResult {
  readonly stats: TorchLogsPipelineStats;
  readonly exporter: "otlp" | "console";
  /** Why spans could not be exported, if they could not (the logs are unaffected). */
  readonly tracesError?: string;
}

/** Runs the simulated compile pipeline once and shuts everything down. */
export async function runDemo(options: RunDemoOptions): Promise<DemoResult> {
  const { env } = options;
  const otlp = hasOtlpLogsEndpoint(env);
  // The pipeline first: a bad TORCH_LOGS_FORMAT, TORCH_LOGS_OUT or OTEL_* value throws before anything global
  // (context manager, tracer) is set up.
  const tracesUrl = hasOtlpTracesEndpoint(env) ? otlpUrlFromEnv("traces", env) : undefined;
  const pipeline = startTorchLogs(
    {
      serviceName: "torch-logs-otel-demo",
      env,
      mode: "lossy",
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      exporter: otlp ? "otlp" : "console",
      console: options.stream ? { stream: options.stream } : {},
    },
    env,
  );
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const tracerProvider = new TracerProvider({
    spanProcessors: hasOtlpTracesEndpoint(env)
      ? [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: tracesUrl }) })]
      : [],
  });
  try {
    const tracer = tracerProvider.getTracer("torch-logs-otel-demo");
    const frames = options.frames ?? 3;
    for (let frame = 0; frame < frames; frame++) await compileFrame(tracer, frame);
    getLogger("torch._dynamo.convert_frame").warning(
      "torch._dynamo hit config.recompile_limit (8)\n   function: 'forward' (demo.py:12)\n   last reason: 0/0: L['x'].size()[0] == 8",
    );
  } finally {
    await pipeline.shutdown();
    context.disable();
  }
  // A missing trace backend must not fail the demo: the logs were delivered on their own.
  const tracesError = await tracerProvider.shutdown().then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  return {
    stats: pipeline.stats(),
    exporter: otlp ? "otlp" : "console",
    ...(tracesError ? { tracesError } : {}),
  };
}

async function compileFrame(tracer: Tracer, frame: number): Promise<void> {
  const compileId = `${frame}/0`;
  await tracer.startActiveSpan(`torch.compile ${compileId}`, async (span) => {
    const dynamo = getLogger("torch._dynamo.convert_frame");
    dynamo.info("torchdynamo start compiling forward demo.py:%d, stack (elided 4 frames)", 10 + frame);
    dynamo.debug("skipping: __init__ (reason: in skipfiles)");
    raw("torch._dynamo.symbolic_convert").emit({
      severityNumber: SeverityNumber.DEBUG,
      severityText: "DEBUG",
      body: `TRACE starts_line demo.py:${11 + frame} in forward\n    return torch.relu(x) + 1`,
      attributes: {
        [COMPILE_ID_ATTRIBUTE]: compileId,
        "code.file.path": "torch/_dynamo/symbolic_convert.py",
        "code.line.number": 1018,
      },
    });
    if (frame === 1) {
      getArtifactLogger("torch._dynamo.symbolic_convert", "graph_breaks").debug(
        () => "Graph break in user code at demo.py:14\nReason: Unsupported: builtin: print",
      );
    }
    getArtifactLogger("torch._dynamo.guards", "guards").debug(
      () =>
        `GUARDS:\n| +- TENSOR_MATCH: check_tensor(L['x'], Tensor, torch.float32, size=[${8 * (frame + 1)}])`,
    );
    if (frame > 0) {
      getArtifactLogger("torch._dynamo.guards", "recompiles").debug(
        "Recompiling function forward in demo.py:10\n    triggered by the following guard failure(s):\n    - %s: tensor 'x' size mismatch at index 0. expected %d, actual %d",
        compileId,
        8 * frame,
        8 * (frame + 1),
      );
    }
    await tracer.startActiveSpan("aot_autograd", async (aot) => {
      getLogger("torch._functorch._aot_autograd.jit_compile_runtime_wrappers").info(
        "aot_config id: %d",
        frame,
      );
      getArtifactLogger("torch._functorch._aot_autograd.graph_compile", "aot_graphs").debug(
        () =>
          "TRACED GRAPH\n ===== Forward graph 0 =====\n def forward(self, arg0_1): relu = torch.ops.aten.relu.default(arg0_1)",
      );
      aot.end();
    });
    await tracer.startActiveSpan("inductor", async (inductor) => {
      getLogger("torch._inductor.compile_fx").info(
        "Step 3: torchinductor compiling FORWARDS graph %d",
        frame,
      );
      getLogger("torch._inductor.scheduler").debug("scheduling 2 nodes: buf0, buf1");
      // The raw OTel API, as another instrumentation would emit: the artifact is just the attribute.
      raw("torch._inductor.graph").emit({
        severityNumber: SeverityNumber.DEBUG,
        severityText: "DEBUG",
        body: "Output code: \n# kernel path: /tmp/torchinductor/demo.py\ndef call(args):\n    return (buf1, )",
        attributes: { [ARTIFACT_ATTRIBUTE]: "output_code", [COMPILE_ID_ATTRIBUTE]: compileId },
      });
      if (frame === 2)
        getLogger("torch._inductor.utils").warning("not enough SMs to use max_autotune_gemm mode");
      inductor.end();
    });
    span.end();
  });
}

function raw(scope: string): Logger {
  return logs.getLogger(scope);
}
