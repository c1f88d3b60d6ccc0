import { type Attributes, diag } from "@opentelemetry/api";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchLogRecordProcessor,
  type BatchLogRecordProcessorOptions,
  LoggerProvider,
  type LogRecordExporter,
  SimpleLogRecordProcessor,
} from "@opentelemetry/sdk-logs";
import {
  TorchConsoleLogRecordExporter,
  type TorchConsoleLogRecordExporterOptions,
} from "../console/torch-console-log-record-exporter.ts";
import { torchConsoleOptionsFromEnv } from "../console/torch-console-options-from-env.ts";
import type { SetLogsOptions } from "../language/set-logs.ts";
import type { TorchLogsSettings } from "../language/torch-logs-settings.ts";
import { DeliveryCounter, type DeliveryStats } from "../otel/delivery-counter.ts";
import { type Environment, hasOtlpLogsEndpoint, processEnvironment, readServiceName } from "../otel/env.ts";
import { getDefaultTorchLogs, setDefaultTorchLogs } from "../otel/get-logger.ts";
import { otlpLogExporterFromEnv } from "../otel/otlp-config-from-env.ts";
import { registerLoggerProviderGlobally } from "../otel/register-logger-provider.ts";
import { TorchLogs } from "../otel/torch-logs.ts";
import {
  TorchLogsLogRecordProcessor,
  type TorchLogsLogRecordProcessorOptions,
} from "../otel/torch-logs-log-record-processor.ts";
import { createTorchLogsLoggerConfigurator } from "../otel/torch-logs-logger-configurator.ts";
import { warnOnce } from "../otel/warn-once.ts";

export type OtlpLogsProtocol = "http/json" | "http/protobuf";

export interface StartTorchLogsOptions extends TorchLogsLogRecordProcessorOptions {
  /**
   * Where warnings go: skipped TORCH_LOGS items (lossy mode), ignored `setLogs` calls, and the first records
   * lost to a failed export. Default: `diag.warn` when a diag logger is installed, else a process warning.
   */
  readonly onWarning?: TorchLogsLogRecordProcessorOptions["onWarning"];
  /** `service.name` of the resource. Default: `OTEL_SERVICE_NAME`, else the SDK's `unknown_service:…`. */
  readonly serviceName?: string;
  /** More resource attributes (`deployment.environment.name`, …). Default: none. */
  readonly resourceAttributes?: Attributes;
  /**
   * Where records go: `"otlp"` (the OTLP/HTTP exporter, configured by the standard `OTEL_EXPORTER_OTLP_*`
   * variables), `"console"` (stderr in PyTorch's own line format, honouring TORCH_LOGS_FORMAT and
   * TORCH_LOGS_OUT), `"auto"` (OTLP when `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`
   * is set, else the console) or any LogRecordExporter. Default `"auto"`.
   */
  readonly exporter?: "auto" | "otlp" | "console" | LogRecordExporter;
  /** Options of the console exporter (stream, rank, …), over those from TORCH_LOGS_FORMAT/TORCH_LOGS_OUT. */
  readonly console?: TorchConsoleLogRecordExporterOptions;
  /**
   * OTLP encoding. Default: `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`, else
   * `"http/json"`. gRPC is not bundled: pass your own exporter.
   */
  readonly protocol?: OtlpLogsProtocol;
  /** Options of the BatchLogRecordProcessor behind the filter (queue size, delay, …). Default: the SDK's. */
  readonly batch?: Omit<BatchLogRecordProcessorOptions, "exporter">;
  /**
   * Register the provider on both global logs APIs and make `getLogger()` use these settings. Default `true`.
   */
  readonly register?: boolean;
  /**
   * Deliver what was accepted when the process ends: flush on `beforeExit` (each time new records were
   * accepted), and on SIGTERM/SIGINT shut down (within `shutdownTimeoutMillis`) before the signal's default
   * action — unless the application listens to the signal itself, in which case it is left to call
   * `shutdown()`. Default `true`.
   */
  readonly flushOnExit?: boolean;
  /**
   * Also give the SDK a LoggerConfigurator with each scope's TORCH_LOGS threshold: rejected records are then
   * dropped at the cheapest point, before the processor is asked. The SDK computes it once per Logger, so a
   * later `setLogs`/`update` can still tighten filtering for existing Loggers but not loosen it. Worth it when
   * the settings come from TORCH_LOGS (which makes `setLogs` a no-op anyway). Default `false`.
   */
  readonly loggerConfigurator?: boolean;
  /** How long a signal-triggered shutdown may take. Default 5000 ms. */
  readonly shutdownTimeoutMillis?: number;
}

/** Counters of a pipeline: TORCH_LOGS' filter, then delivery. */
export interface TorchLogsPipelineStats extends DeliveryStats {
  /** Records TORCH_LOGS let through to the batch processor. */
  readonly passed: number;
  /** Records TORCH_LOGS rejected in `onEmit` (records rejected by `enabled()` are never built or counted). */
  readonly filtered: number;
}

/** What `startTorchLogs` built, and how to stop it. */
export interface TorchLogsPipeline {
  readonly provider: LoggerProvider;
  readonly processor: TorchLogsLogRecordProcessor;
  readonly exporter: LogRecordExporter;
  readonly torchLogs: TorchLogs;
  /** PyTorch's `set_logs` for every logger of this pipeline. */
  setLogs(options?: SetLogsOptions): TorchLogsSettings;
  /** Exports everything accepted so far. */
  forceFlush(): Promise<void>;
  /** Flushes, shuts the provider down and unregisters the globals. Safe to call twice. */
  shutdown(): Promise<void>;
  /** What was filtered, exported, failed and dropped so far. Losses are also reported once through `diag`. */
  stats(): TorchLogsPipelineStats;
}

/**
 * One call that wires a LoggerProvider, the TORCH_LOGS processor, a BatchLogRecordProcessor and the OTLP/HTTP
 * exporter, and registers them globally:
 * `const logs = startTorchLogs({ serviceName: "trainer" })`.
 */
export function startTorchLogs(options: StartTorchLogsOptions = {}, env?: Environment): TorchLogsPipeline {
  // Settings first: a bad TORCH_LOGS throws before any file, stream listener or socket is opened.
  const torchLogs =
    options.torchLogs ??
    new TorchLogs({
      ...options,
      ...(env && !options.env ? { env } : {}),
      onWarning: options.onWarning ?? ((message) => warnOnce(`startTorchLogs: ${message}`)),
    });
  // Lost records are a warning like the others: to `onWarning` when given.
  const counter = new DeliveryCounter(
    options.onWarning ?? ((message) => warnOnce(`startTorchLogs: ${message}`)),
  );
  const choice = options.exporter ?? "auto";
  const kind = choice === "auto" ? (hasOtlpLogsEndpoint(env) ? "otlp" : "console") : choice;
  const exporter: LogRecordExporter =
    kind === "otlp"
      ? createOtlpExporter(options, env)
      : kind === "console"
        ? new TorchConsoleLogRecordExporter({ ...torchConsoleOptionsFromEnv(env), ...options.console })
        : kind;
  // The console prints each record as it is emitted, in order with the program's other output.
  const delegate =
    kind === "console"
      ? new SimpleLogRecordProcessor({ exporter: counter.wrap(exporter) })
      : new BatchLogRecordProcessor({
          ...options.batch,
          exporter: counter.wrap(exporter),
          selfObsMeterProvider: counter.meterProvider,
        });
  const processor = new TorchLogsLogRecordProcessor(delegate, { ...options, torchLogs });
  const serviceName = options.serviceName ?? readServiceName(env);
  const resource = defaultResource().merge(
    resourceFromAttributes({
      ...options.resourceAttributes,
      ...(serviceName === undefined ? {} : { "service.name": serviceName }),
    }),
  );
  const provider = new LoggerProvider({
    resource,
    processors: [processor],
    ...(options.loggerConfigurator
      ? {
          loggerConfigurator: createTorchLogsLoggerConfigurator(torchLogs, {
            ungovernedScopes: options.ungovernedScopes ?? "pass",
            attributeArtifacts: options.artifactAttribute !== false,
          }),
        }
      : {}),
  });
  const registration = (options.register ?? true) ? registerLoggerProviderGlobally(provider) : undefined;
  if (registration && !registration.api) {
    warnOnce(
      "startTorchLogs: another LoggerProvider is already the global one; records from the global logs API and " +
        "getLogger() will not reach this pipeline (shut the other down first, or pass register: false and " +
        "emit through pipeline.provider)",
    );
  }
  // The facade follows this pipeline only when its records reach it, i.e. when the global provider is ours.
  const ownsDefault = registration?.api === true;
  if (ownsDefault) setDefaultTorchLogs(torchLogs);
  let stopped: Promise<void> | undefined;
  const shutdown = () => {
    stopped ??= provider.shutdown().finally(() => {
      removeExitHooks();
      registration?.unregister();
      if (ownsDefault && getDefaultTorchLogs() === torchLogs) setDefaultTorchLogs(undefined);
    });
    return stopped;
  };
  const removeExitHooks =
    (options.flushOnExit ?? true)
      ? installExitHooks(
          provider,
          shutdown,
          () => processor.stats.passed,
          options.shutdownTimeoutMillis ?? 5000,
        )
      : () => {};
  return {
    provider,
    processor,
    exporter,
    torchLogs,
    setLogs: (setLogsOptions) => processor.setLogs(setLogsOptions),
    forceFlush: () => provider.forceFlush(),
    shutdown,
    stats: () => ({ ...processor.stats, ...counter.stats }),
  };
}

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * `beforeExit` (the event loop ran dry) flushes whatever was accepted since the last time; a signal shuts the
 * pipeline down, then re-raises the signal so the process still ends as the signal asks — unless the
 * application listens to that signal too, in which case its handler decides (and calls `shutdown()`).
 */
function installExitHooks(
  provider: LoggerProvider,
  shutdown: () => Promise<void>,
  accepted: () => number,
  timeoutMillis: number,
): () => void {
  let flushedUpTo = 0;
  const onBeforeExit = () => {
    const now = accepted();
    if (now === flushedUpTo) return; // nothing new: let the process end
    flushedUpTo = now;
    provider
      .forceFlush()
      .catch((error: unknown) => diag.error(`startTorchLogs: flush at exit failed: ${String(error)}`));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    if (process.listenerCount(signal) > 0) return; // the application handles it
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMillis).unref());
    Promise.race([shutdown(), timeout])
      .catch((error: unknown) => diag.error(`startTorchLogs: shutdown on ${signal} failed: ${String(error)}`))
      .finally(() => process.kill(process.pid, signal));
  };
  process.on("beforeExit", onBeforeExit);
  for (const signal of SIGNALS) process.once(signal, onSignal);
  const remove = () => {
    process.off("beforeExit", onBeforeExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  return remove;
}

function createOtlpExporter(options: StartTorchLogsOptions, env: Environment | undefined): LogRecordExporter {
  return otlpLogExporterFromEnv(env ?? processEnvironment(), options.protocol);
}
