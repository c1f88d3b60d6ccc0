// Where `torch-logs-otel trace` sends what it reads: log records through the ingest pipeline (TORCH_LOGS
// filter, batch processor), spans and metric points to OTLP or as JSON lines on stdout.
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { IngestPipeline } from "../delivery/ingest-pipeline.ts";
import { JsonLinesLogRecordExporter } from "../delivery/json-lines-log-record-exporter.ts";
import type { OutageRetryPolicy } from "../delivery/outage-retry-policy.ts";
import type { Registry } from "../language/registry.ts";
import { readServiceName } from "../otel/env.ts";
import { batchOptionsFromEnv, otlpLogExporterFromEnv } from "../otel/otlp-config-from-env.ts";
import {
  otlpMetricExporterFromEnv,
  otlpSpanExporterFromEnv,
} from "../trace/otlp-trace-exporters-from-env.ts";
import { TORCH_VERSION_ATTRIBUTE } from "../trace/trace-attributes.ts";
import type { TraceOutput } from "../trace/trace-file-mapper.ts";
import { formatLogJsonLine, formatMetricJsonLine, formatSpanJsonLine } from "../trace/trace-json-lines.ts";
import { CompileMetricsRecorder, SpanBatchExporter } from "../trace/trace-otlp-export.ts";
import { batchOptionsForRetries } from "./batch-options-for-retries.ts";
import { type CliIo, recordWriter, type StdoutState } from "./cli-io.ts";
import { countNoun } from "./count-noun.ts";
import type { TraceOptions } from "./parse-trace-args.ts";
import { torchLogsForInput } from "./torch-logs-for-input.ts";

const PREFIX = "torch-logs-otel trace";

export /** Where the three signals go. */
interface Sinks {
  readonly logs: IngestPipeline;
  spans(output: TraceOutput): Promise<void>;
  metrics(output: TraceOutput): void;
  /**
   * A file went quiet: send what waits in batches now (live view). Metrics keep their own period (60 s) and
   * are sent at the end.
   */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
  summary(): string;
  /** What waits and what was lost so far, for the lines printed while the backend fails. */
  pendingCounts(): string;
  /** Whether something read could not be delivered: log records, spans, or the metrics' last export. */
  undelivered(): boolean;
  /**
   * The PyTorch release the files name (`torch_version`), or undefined when they name none: the resource's
   * `torch.version`, which exports wait for. Only the first call counts.
   */
  torchVersion(version: string | undefined): void;
}

/**
 * Spans per OTLP request (one request at a time, reading paused meanwhile): 512 of them, with their args, in
 * flight and queued made the heap grow with the input as the log queue below did (OTLP peak RSS 184 → 268 MB
 * for 25 → 200 MB of trace; about 158 → 170-187 MB with 128).
 */
const TRACE_SPAN_BATCH = 128;

/**
 * The log records' queue, unless OTEL_BLRP_MAX_QUEUE_SIZE / OTEL_BLRP_MAX_EXPORT_BATCH_SIZE set it: smaller than
 * ingest's (the SDK's 2048 and 512), because a trace record carries its payload (a graph, generated code:
 * kilobytes each), and 2048 of them kept V8's heap growing with the input (peak RSS 158 → 232 MB for 25 → 200 MB
 * of trace; 137 → 136 MB with these).
 */
function traceBatchOptions(env: CliIo["env"]): ReturnType<typeof batchOptionsFromEnv> {
  const fromEnv = batchOptionsFromEnv(env);
  const maxQueueSize = fromEnv.maxQueueSize ?? 512;
  return {
    ...fromEnv,
    maxQueueSize,
    maxExportBatchSize: fromEnv.maxExportBatchSize ?? Math.min(128, maxQueueSize),
  };
}

/**
 * The sinks `options` ask for; throws TorchLogsError / OtlpConfigError for bad settings. Over OTLP, `retry`
 * decides how the three exporters ride out a failing backend.
 */
export function createSinks(
  options: TraceOptions,
  io: CliIo,
  stdout: StdoutState,
  retry: OutageRetryPolicy,
  registry?: Registry,
): Sinks {
  const write = recordWriter(io, stdout);
  const torchLogs = torchLogsForInput(
    options.torchLogs,
    options.lossy,
    (message) => io.stderr(`${PREFIX}: ${message}\n`),
    registry,
  );
  const serviceName = options.serviceName ?? readServiceName(io.env) ?? "pytorch";
  const onFirstLoss = (message: string) => io.stderr(`${PREFIX}: ${message}\n`);
  const jsonl = options.format === "jsonl";
  let settleVersion: (version: string | undefined) => void = () => {};
  const version = new Promise<string | undefined>((resolve) => {
    settleVersion = resolve;
  });
  let settled = false;
  const torchVersion = (value: string | undefined, print?: (value: string) => void) => {
    if (settled) return;
    settled = true;
    settleVersion(value);
    if (value !== undefined) print?.(value);
  };
  const resource = defaultResource().merge(
    resourceFromAttributes({ "service.name": serviceName, [TORCH_VERSION_ATTRIBUTE]: version }),
  );
  const logs = new IngestPipeline({
    exporter: jsonl
      ? new JsonLinesLogRecordExporter(write, formatLogJsonLine)
      : otlpLogExporterFromEnv(io.env, undefined, retry),
    ...(torchLogs !== undefined && { torchLogs }),
    serviceName,
    resource,
    batch: jsonl
      ? traceBatchOptions(io.env)
      : {
          ...traceBatchOptions(io.env),
          exportTimeoutMillis: batchOptionsForRetries(io.env, retry).exportTimeoutMillis,
        },
    onFirstLoss,
  });
  if (jsonl) {
    let spans = 0;
    let points = 0;
    return {
      logs,
      spans: async (output) => {
        if (output.spans.length === 0) return;
        let text = "";
        for (const span of output.spans) text += formatSpanJsonLine(span);
        if (stdout.broken) return;
        write(text);
        spans += output.spans.length;
      },
      metrics: (output) => {
        if (output.metrics.length === 0) return;
        let text = "";
        for (const point of output.metrics) text += formatMetricJsonLine(point);
        if (stdout.broken) return;
        write(text);
        points += output.metrics.length;
      },
      flush: () => logs.forceFlush(),
      shutdown: () => logs.shutdown(),
      summary: () => `${countNoun(spans, "span")}, ${countNoun(points, "metric point")} printed`,
      pendingCounts: () => "",
      // Lines stdout's reader did not take (`| head`) are its choice, not a delivery failure.
      undelivered: () => false,
      // JSON lines carry no resource: one line says it, once the release is known.
      torchVersion: (value) =>
        torchVersion(value, (v) => {
          if (!stdout.broken)
            write(
              `${JSON.stringify({ signal: "resource", attributes: { "service.name": serviceName, [TORCH_VERSION_ATTRIBUTE]: v } })}\n`,
            );
        }),
    };
  }
  const spanExporter = new SpanBatchExporter(
    otlpSpanExporterFromEnv(io.env, { retry }),
    resource,
    onFirstLoss,
    TRACE_SPAN_BATCH,
  );
  const metrics = new CompileMetricsRecorder(otlpMetricExporterFromEnv(io.env, { retry }), resource);
  return {
    logs,
    spans: (output) => spanExporter.add(output.spans),
    metrics: (output) => {
      for (const point of output.metrics) metrics.record(point);
    },
    flush: async () => {
      await Promise.all([logs.forceFlush(), spanExporter.flush()]);
    },
    shutdown: async () => {
      await Promise.all([logs.shutdown(), spanExporter.shutdown(), metrics.shutdown()]);
    },
    summary: () =>
      `spans ${spanExporter.stats.exported} exported, ${spanExporter.stats.failed} failed; ` +
      `${countNoun(metrics.recorded, "metric point")} recorded, ${countNoun(metrics.exports.succeeded, "metric export")} succeeded, ` +
      `${metrics.exports.failed} failed`,
    pendingCounts: () => {
      const s = logs.stats;
      return (
        `${countNoun(s.pending, "log record")} and ${countNoun(spanExporter.pending, "span")} waiting, ` +
        `${s.dropped - s.pending} log records and ${spanExporter.stats.failed} spans lost`
      );
    },
    torchVersion: (value) => torchVersion(value),
    undelivered: () =>
      logs.stats.dropped > 0 ||
      spanExporter.stats.failed > 0 ||
      spanExporter.pending > 0 ||
      !metrics.delivered,
  };
}
