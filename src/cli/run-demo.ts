// The main job (`npm start`, `torch-logs-otel demo`): a simulated torch.compile pipeline that logs the way
// PyTorch does — dynamo, aot and inductor components, artifacts, compile ids, source locations, records inside
// spans — through the facade and the raw OTel API, filtered by TORCH_LOGS. Without an OTLP endpoint it prints
// PyTorch's console format to stderr (which `ingest` reads back unchanged); with OTEL_EXPORTER_OTLP_ENDPOINT
// set, the same run exports logs and traces over OTLP/HTTP, both under one `service.name`.
import {
  context,
  createContextKey,
  type Logger,
  type LoggerProvider,
  logs,
  SeverityNumber,
  type Tracer,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { TextWritableStream } from "../console/torch-console-log-record-exporter.ts";
import { ARTIFACT_ATTRIBUTE, COMPILE_ID_ATTRIBUTE } from "../otel/attributes.ts";
import {
  type Environment,
  hasOtlpLogsEndpoint,
  hasOtlpTracesEndpoint,
  readServiceName,
} from "../otel/env.ts";
import { getArtifactLogger, getLogger } from "../otel/get-logger.ts";
import { otlpUrlFromEnv } from "../otel/otlp-config-from-env.ts";
import type { TorchLogs } from "../otel/torch-logs.ts";
import { startTorchLogs, type TorchLogsPipelineStats } from "../start/start-torch-logs.ts";

/** `service.name` of the demo's logs and spans, unless OTEL_SERVICE_NAME is set. */
export const DEMO_SERVICE_NAME = "torch-logs-otel-demo";
/** PyTorch's default `torch._dynamo.config.recompile_limit`: compiles of one frame before dynamo gives up. */
export const RECOMPILE_LIMIT = 8;
/**
 * How long one OTLP export may take, retries included, unless OTEL_EXPORTER_OTLP_(LOGS_|TRACES_)TIMEOUT says
 * otherwise: a demo pointed at no collector says so within seconds instead of the SDK's 10 s plus retries.
 */
export const DEMO_OTLP_TIMEOUT_MS = 2000;

export interface RunDemoOptions {
  readonly env: Environment;
  /** Where console-format records go. Default: process.stderr. */
  readonly stream?: TextWritableStream;
  /** How many frames to "compile". Default 3; from the {@link RECOMPILE_LIMIT}th on, dynamo gives up. */
  readonly frames?: number;
  /** Where export failures go. Default: a process warning or `diag`. */
  readonly onWarning?: (message: string) => void;
  /** The settings to log under. Default: TORCH_LOGS of `env`, strict. */
  readonly torchLogs?: TorchLogs;
}

export interface DemoResult {
  readonly stats: TorchLogsPipelineStats;
  readonly exporter: "otlp" | "console";
  /** `service.name` of both logs and spans. */
  readonly serviceName: string;
  /** Why spans could not be exported, if they could not (the logs are unaffected). */
  readonly tracesError?: string;
}

/** Runs the simulated compile pipeline once and shuts everything down. */
export async function runDemo(options: RunDemoOptions): Promise<DemoResult> {
  const env: Environment = { OTEL_EXPORTER_OTLP_TIMEOUT: String(DEMO_OTLP_TIMEOUT_MS), ...options.env };
  const otlp = hasOtlpLogsEndpoint(env);
  const serviceName = readServiceName(env) ?? DEMO_SERVICE_NAME;
  // The pipeline first: a bad TORCH_LOGS_FORMAT, TORCH_LOGS_OUT or OTEL_* value throws before anything global
  // (context manager, tracer) is set up.
  const tracesUrl = hasOtlpTracesEndpoint(env) ? otlpUrlFromEnv("traces", env) : undefined;
  const pipeline = startTorchLogs(
    {
      serviceName,
      env,
      ...(options.torchLogs ? { torchLogs: options.torchLogs } : {}),
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      exporter: otlp ? "otlp" : "console",
      console: options.stream ? { stream: options.stream } : {},
    },
    env,
  );
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const tracerProvider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ "service.name": serviceName })),
    spanProcessors: hasOtlpTracesEndpoint(env)
      ? [
          new BatchSpanProcessor({
            exporter: new OTLPTraceExporter({ url: tracesUrl, timeoutMillis: tracesTimeout(env) }),
          }),
        ]
      : [],
  });
  try {
    const tracer = tracerProvider.getTracer(DEMO_SERVICE_NAME);
    const frames = options.frames ?? 3;
    for (let frame = 0; frame < frames; frame++) {
      if (frame === RECOMPILE_LIMIT) {
        await hitRecompileLimit(tracer);
        break; // dynamo runs the frame eagerly from now on: nothing more to log
      }
      await compileFrame(tracer, frame);
    }
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
    serviceName,
    ...(tracesError ? { tracesError } : {}),
  };
}

function tracesTimeout(env: Environment): number {
  const value = Number(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT);
  return Number.isInteger(value) && value > 0 ? value : DEMO_OTLP_TIMEOUT_MS;
}

/** The one function compiled again and again: `forward` at demo.py:10, called with x of a growing size. */
function sizeOf(frame: number): number {
  return 8 * (frame + 1);
}

function guardFailure(entry: number, frame: number): string {
  return `0/${entry}: tensor 'x' size mismatch at index 0. expected ${sizeOf(entry)}, actual ${sizeOf(frame)}`;
}

async function compileFrame(tracer: Tracer, frame: number): Promise<void> {
  // Before the compile starts: no compile id, as in PyTorch.
  log("torch._dynamo.convert_frame", 2513).debug("skipping: __init__ (reason: in skipfiles)");
  await compiling(tracer, frame, async () => {
    log("torch._dynamo.convert_frame", 2041).info(
      "torchdynamo start compiling forward demo.py:10, stack (elided 4 frames)",
    );
    // The raw OTel API, as another instrumentation would emit: location and compile id are plain attributes.
    logs.getLogger("torch._dynamo.symbolic_convert").emit({
      severityNumber: SeverityNumber.DEBUG,
      severityText: "DEBUG",
      body: "TRACE starts_line demo.py:11 in forward\n    return torch.relu(x) + 1",
      attributes: {
        [COMPILE_ID_ATTRIBUTE]: compileIdOf(frame),
        "code.file.path": "torch/_dynamo/symbolic_convert.py",
        "code.line.number": 1554,
      },
    });
    if (frame === 1) {
      artifactLog("torch._dynamo.symbolic_convert", "graph_breaks", 5124).debug(
        () => "Graph break in user code at demo.py:14\nReason: Unsupported: builtin: print",
      );
    }
    artifactLog("torch._dynamo.guards", "guards", 4786).debug(
      () =>
        `GUARDS:\n| +- TENSOR_MATCH: check_tensor(L['x'], Tensor, torch.float32, size=[${sizeOf(frame)}])`,
    );
    if (frame > 0) {
      // PyTorch lists every cache entry's failed guard, newest first.
      artifactLog("torch._dynamo.guards", "recompiles", 5396).debug(() =>
        [
          "Recompiling function forward in demo.py:10",
          "    triggered by the following guard failure(s):",
          ...Array.from({ length: frame }, (_, i) => `    - ${guardFailure(frame - 1 - i, frame)}`),
        ].join("\n"),
      );
    }
    await tracer.startActiveSpan("aot_autograd", async (aot) => {
      artifactLog("torch._functorch._aot_autograd.graph_compile", "aot_graphs", 1826).info(
        "aot_config id: %d",
        frame,
      );
      artifactLog("torch._functorch._aot_autograd.graph_compile", "aot_graphs", 1833).info(
        () =>
          "TRACED GRAPH\n ===== Forward graph 0 =====\n def forward(self, arg0_1): relu = torch.ops.aten.relu.default(arg0_1)",
      );
      aot.end();
    });
    await tracer.startActiveSpan("inductor", async (inductor) => {
      log("torch._inductor.compile_fx", 1302).info(
        "Step 3: torchinductor compiling FORWARDS graph %d",
        frame,
      );
      log("torch._inductor.scheduler", 4995).debug("scheduling 2 nodes: buf0, buf1");
      logs.getLogger("torch._inductor.codecache").emit({
        severityNumber: SeverityNumber.DEBUG,
        severityText: "DEBUG",
        body: "Output code: \n# kernel path: /tmp/torchinductor/demo.py\ndef call(args):\n    return (buf1, )",
        attributes: {
          [ARTIFACT_ATTRIBUTE]: "output_code",
          [COMPILE_ID_ATTRIBUTE]: compileIdOf(frame),
          "code.file.path": "torch/_inductor/codecache.py",
          "code.line.number": 1993,
        },
      });
      if (frame === 2)
        log("torch._inductor.utils", 2028).warning("not enough SMs to use max_autotune_gemm mode");
      inductor.end();
    });
  });
}

async function hitRecompileLimit(tracer: Tracer): Promise<void> {
  await compiling(tracer, RECOMPILE_LIMIT, async () => {
    log("torch._dynamo.convert_frame", 1994).warning(
      [
        `torch._dynamo hit config.recompile_limit (${RECOMPILE_LIMIT})`,
        "   function: 'forward' (demo.py:10)",
        `   last reason: ${guardFailure(RECOMPILE_LIMIT - 1, RECOMPILE_LIMIT)}`,
        'To log all recompilation reasons, use TORCH_LOGS="recompiles".',
        "To diagnose recompilation issues, see https://docs.pytorch.org/docs/main/user_guide/torch_compiler/compile/programming_model.recompilation.html",
      ].join("\n"),
    );
  });
}

// Compile ids are `frame/recompile`: the demo compiles one frame (0), recompiled once per new input size.
function compileIdOf(frame: number): string {
  return `0/${frame}`;
}

const COMPILE_ID = createContextKey("torch-logs-otel demo: compile id");

/** Runs `body` inside a `torch.compile <id>` span, with the compile id in context for the facade's records. */
function compiling(tracer: Tracer, frame: number, body: () => Promise<void>): Promise<void> {
  const compileId = compileIdOf(frame);
  return context.with(context.active().setValue(COMPILE_ID, compileId), () =>
    tracer.startActiveSpan(`torch.compile ${compileId}`, async (span) => {
      await body();
      span.end();
    }),
  );
}

function log(qualifiedName: string, line: number) {
  return getLogger(qualifiedName, { loggerProvider: pythonSource(line) });
}

function artifactLog(qualifiedName: string, artifact: string, line: number) {
  return getArtifactLogger(qualifiedName, artifact, { loggerProvider: pythonSource(line) });
}

const SOURCES = new Map<number, LoggerProvider>();

/**
 * A LoggerProvider over the global one that adds what Python's logging records carry: the source location
 * (the module's file, `line`) and, inside a compile, its id. Records print as `torch/_dynamo/guards.py:4786]`.
 */
function pythonSource(line: number): LoggerProvider {
  let provider = SOURCES.get(line);
  if (provider === undefined) {
    provider = { getLogger: (scope) => sourceLogger(scope, line) };
    SOURCES.set(line, provider);
  }
  return provider;
}

function sourceLogger(scope: string, line: number): Logger {
  // The global provider is looked up per call: each run of the demo (and each test) registers its own.
  const target = (): Logger => logs.getLoggerProvider().getLogger(scope);
  const location = { "code.file.path": `${scope.replaceAll(".", "/")}.py`, "code.line.number": line };
  return {
    emit: (record) => {
      const compileId = context.active().getValue(COMPILE_ID);
      target().emit({
        ...record,
        attributes: {
          ...location,
          ...(typeof compileId === "string" ? { [COMPILE_ID_ATTRIBUTE]: compileId } : {}),
          ...record.attributes,
        },
      });
    },
    enabled: (options) => target().enabled(options),
  };
}

/** Where the demo runs, for the closing hint: from a clone (`npm start`, `npm run cli`) or installed. */
export type DemoLauncher = "npm start" | "npm run cli" | "installed";

const NEXT_STEPS: readonly { readonly torchLogs: string; readonly args: string }[] = [
  { torchLogs: "+dynamo,guards,recompiles,output_code", args: "" },
  { torchLogs: "recompiles", args: ` --frames ${RECOMPILE_LIMIT + 1}` },
];

/**
 * The demo's last lines: what passed, where it went, what was lost, something else to try; then whether the
 * spans could not be exported.
 */
export function formatDemoSummary(result: DemoResult, env: Environment, launcher: DemoLauncher): string {
  const { stats, exporter } = result;
  const lost = stats.failed + stats.droppedQueueFull;
  const next = NEXT_STEPS.find((step) => step.torchLogs !== env.TORCH_LOGS?.trim()) ?? NEXT_STEPS[0];
  const command =
    launcher === "npm start"
      ? `npm start${next?.args ? ` --${next.args}` : ""}`
      : `${launcher === "npm run cli" ? "npm run cli -- demo" : "npx torch-logs-otel demo"}${next?.args ?? ""}`;
  return (
    `demo: ${count(stats.passed, "record")} passed TORCH_LOGS, ${stats.filtered} filtered in onEmit; ` +
    `${exporter === "otlp" ? `${stats.exported} exported over OTLP` : "printed above"}` +
    `${lost > 0 ? `, ${lost} lost (see above)` : ""}.` +
    ` Try TORCH_LOGS="${next?.torchLogs}" ${command}\n` +
    (result.tracesError
      ? `demo: spans could not be exported (${result.tracesError})${lost > 0 ? "" : "; the logs were"}.\n`
      : "")
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
