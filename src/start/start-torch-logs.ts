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
import {
  type Environment,
  hasOtlpLogsEndpoint,
  processEnvironment,
  readProcessRank,
  readServiceName,
} from "../otel/env.ts";
import { getDefaultTorchLogs, setDefaultTorchLogs } from "../otel/get-logger.ts";
import { batchOptionsFromEnv, otlpLogExporterFromEnv } from "../otel/otlp-config-from-env.ts";
import { registerLoggerProviderGlobally } from "../otel/register-logger-provider.ts";
import { SerialFlushLogRecordProcessor } from "../otel/serial-flush-log-record-processor.ts";
import { TorchLogs } from "../otel/torch-logs.ts";
import {
  TorchLogsLogRecordProcessor,
  type TorchLogsLogRecordProcessorOptions,
} from "../otel/torch-logs-log-record-processor.ts";
import { createTorchLogsLoggerConfigurator } from "../otel/torch-logs-logger-configurator.ts";
import { warnOnce } from "../otel/warn-once.ts";
import { addExitParticipant } from "./process-hooks.ts";

export type OtlpLogsProtocol = "http/json" | "http/protobuf";

export interface StartTorchLogsOptions extends TorchLogsLogRecordProcessorOptions {
  /**
   * The environment every setting is read from: TORCH_LOGS; TORCH_LOGS_FORMAT, TORCH_LOGS_OUT and
   * TORCH_LOGS_TRACE_ID_FILTER (console); OTEL_SERVICE_NAME; OTEL_EXPORTER_OTLP_(LOGS_)ENDPOINT, _PROTOCOL and
   * _TIMEOUT (OTLP); OTEL_BLRP_* (batch). The OTLP exporter itself still reads its headers, compression and
   * certificate files (OTEL_EXPORTER_OTLP_(LOGS_)HEADERS, _COMPRESSION, _CERTIFICATE, _CLIENT_KEY,
   * _CLIENT_CERTIFICATE) from `process.env`; pass your own `exporter` to set those otherwise. Default: the
   * second argument of `startTorchLogs`, else `process.env`.
   */
  readonly env?: Environment;
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
  /**
   * Options of the BatchLogRecordProcessor behind the filter (queue size, delay, …). Default: the standard
   * `OTEL_BLRP_*` variables, else the SDK's defaults.
   */
  readonly batch?: Omit<BatchLogRecordProcessorOptions, "exporter">;
  /**
   * Register the provider on both global logs APIs (`@opentelemetry/api` and `@opentelemetry/api-logs`) and make
   * `getLogger()` use these settings. When another provider already holds either global, neither is taken and
   * one warning says so (`diag.warn`, else a process warning; not `onWarning`); the pipeline then serves only
   * `pipeline.provider`. Default `true`.
   */
  readonly register?: boolean;
  /**
   * Deliver what was accepted when the process ends: flush on `beforeExit` (each time new records were
   * accepted); on SIGTERM/SIGINT, an uncaught exception or an unhandled rejection, shut down (within
   * `shutdownTimeoutMillis`), then end as Node would have (the signal's default action; the same error text
   * on stderr and exit code 1) — unless the application listens to that event itself, in which case it is
   * left to call `shutdown()`. Every pipeline of the process is shut down. `process.exit()` cannot wait:
   * `await pipeline.shutdown()` before it. Default `true`.
   */
  readonly flushOnExit?: boolean;
  /**
   * Also give the SDK a LoggerConfigurator with each scope's TORCH_LOGS threshold: rejected records are then
   * dropped at the cheapest point, before the processor is asked. The SDK computes it once per Logger, so a
   * later `setLogs`/`update` can still tighten filtering for existing Loggers but not loosen it. Worth it when
   * the settings come from TORCH_LOGS (which makes `setLogs` a no-op anyway). Default `false`.
   */
  readonly loggerConfigurator?: boolean;
  /** How long a shutdown on a signal or crash may take before the process ends anyway. Default 5000 ms. */
  readonly shutdownTimeoutMillis?: number;
}

/** Counters of a pipeline: TORCH_LOGS' filter, then delivery. */
export interface TorchLogsPipelineStats extends DeliveryStats {
  /** Records TORCH_LOGS let through to the batch processor. */
  readonly passed: number;
  /** Records TORCH_LOGS rejected in `onEmit` (records rejected by `enabled()` are never built or counted). */
  readonly filtered: number;
  /**
   * Records passed but not yet settled: queued, or in an export that has not answered. Always
   * `passed = exported + failed + droppedQueueFull + pending`; 0 once `shutdown()` has resolved.
   */
  readonly pending: number;
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
  /**
   * What was filtered, exported, failed (`rejected` among them) and dropped so far, and what is pending. Losses
   * are also reported as warnings (`onWarning`): undelivered exports once, records the backend refused once.
   */
  stats(): TorchLogsPipelineStats;
}

/**
 * One call that wires a LoggerProvider, the TORCH_LOGS processor, a BatchLogRecordProcessor and the OTLP/HTTP
 * exporter, and registers them globally:
 * `const logs = startTorchLogs({ serviceName: "trainer" })`.
 */
export function startTorchLogs(options: StartTorchLogsOptions = {}, env?: Environment): TorchLogsPipeline {
  // One environment for every setting (see `StartTorchLogsOptions.env`).
  const environment = options.env ?? env ?? processEnvironment();
  // Lost records are a warning like the others: to `onWarning` when given.
  const onWarning = options.onWarning ?? ((message: string) => warnOnce(`startTorchLogs: ${message}`));
  // Settings first: a bad TORCH_LOGS throws before any file, stream listener or socket is opened.
  const torchLogs = options.torchLogs ?? new TorchLogs({ ...options, env: environment, onWarning });
  const counter = new DeliveryCounter(onWarning);
  const choice = options.exporter ?? "auto";
  const kind = choice === "auto" ? (hasOtlpLogsEndpoint(environment) ? "otlp" : "console") : choice;
  const exporter: LogRecordExporter =
    kind === "otlp"
      ? otlpLogExporterFromEnv(environment, options.protocol)
      : kind === "console"
        ? new TorchConsoleLogRecordExporter({
            ...torchConsoleOptionsFromEnv(environment),
            ...options.console,
          })
        : kind;
  // OTEL_BLRP_* configure a batch processor: the console has none.
  const batchOptions =
    kind === "console" ? options.batch : { ...batchOptionsFromEnv(environment), ...options.batch };
  const counted = counter.wrap(exporter, { timeoutMillis: batchOptions?.exportTimeoutMillis ?? 30_000 });
  // The console prints each record as it is emitted, in order with the program's other output.
  const delegate =
    kind === "console"
      ? new SimpleLogRecordProcessor({ exporter: counted })
      : new SerialFlushLogRecordProcessor(
          new BatchLogRecordProcessor({
            ...batchOptions,
            exporter: counted,
            selfObsMeterProvider: counter.meterProvider,
          }),
        );
  const processor = new TorchLogsLogRecordProcessor(delegate, {
    ...options,
    torchLogs,
    ...(options.ranks !== undefined && { rank: processRank(options, environment, onWarning) }),
  });
  const serviceName = options.serviceName ?? readServiceName(environment);
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
  // Both globals or neither; when another provider holds one, registerLoggerProviderGlobally warns once.
  const registration = (options.register ?? true) ? registerLoggerProviderGlobally(provider) : undefined;
  // The facade follows this pipeline only when its records reach it, i.e. when the global provider is ours.
  const ownsDefault = registration?.registered === true;
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
  let flushedUpTo = 0;
  const removeExitHooks =
    (options.flushOnExit ?? true)
      ? addExitParticipant({
          flushAtExit: () => {
            const accepted = processor.stats.passed;
            if (accepted === flushedUpTo) return; // nothing new: let the process end
            flushedUpTo = accepted;
            provider
              .forceFlush()
              .catch((error: unknown) =>
                diag.error(`startTorchLogs: flush at exit failed: ${String(error)}`),
              );
          },
          shutdown,
          shutdownTimeoutMillis: options.shutdownTimeoutMillis ?? 5000,
        })
      : () => {};
  return {
    provider,
    processor,
    exporter,
    torchLogs,
    setLogs: (setLogsOptions) => processor.setLogs(setLogsOptions),
    forceFlush: () => provider.forceFlush(),
    shutdown,
    stats: () => {
      const { passed, filtered } = processor.stats;
      const delivery = counter.stats;
      const settled = delivery.exported + delivery.failed + delivery.droppedQueueFull;
      return { passed, filtered, ...delivery, pending: passed - settled };
    },
  };
}

/** The rank `ranks` gives records that carry none: the option, else `RANK`, else 0 (a job of one process). */
function processRank(
  options: StartTorchLogsOptions,
  env: Environment,
  onWarning: (message: string) => void,
): number | undefined {
  if (options.rank !== undefined) return options.rank;
  const rank = readProcessRank(env) ?? 0;
  if (!Number.isNaN(rank)) return rank;
  onWarning(
    `RANK=${JSON.stringify(env.RANK)} is no rank (a whole number from 0): records without a rank are dropped`,
  );
  return undefined;
}
