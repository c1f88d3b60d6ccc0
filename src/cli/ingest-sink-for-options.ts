// Where `ingest` delivers (OTLP, or JSON lines on stdout), with the TORCH_LOGS filter it was asked for, and
// what the mapping of records needs to know about that filter.

import { createIngestSink } from "../delivery/create-ingest-sink.ts";
import type { IngestSink } from "../delivery/ingest-pipeline.ts";
import type { OutageRetryPolicy } from "../delivery/outage-retry-policy.ts";
import type { ToLogRecordOptions } from "../ingest/to-log-record.ts";
import type { Registry } from "../language/registry.ts";
import { readEnvVar, readServiceName } from "../otel/env.ts";
import { otlpLogExporterFromEnv } from "../otel/otlp-config-from-env.ts";
import { batchOptionsForRetries } from "./batch-options-for-retries.ts";
import { type CliIo, recordWriter, type StdoutState } from "./cli-io.ts";
import type { IngestOptions } from "./parse-ingest-args.ts";
import { torchLogsForInput } from "./torch-logs-for-input.ts";

const PREFIX = "torch-logs-otel ingest";
const DEFAULT_SERVICE_NAME = "pytorch";
const utf8 = new TextDecoder();

/** The sink, and the options of `toLogRecord` that follow from its filter. */
export interface IngestSinkForOptions {
  readonly sink: IngestSink;
  readonly mapping: Pick<ToLogRecordOptions, "userModule" | "emits">;
}

/**
 * The TORCH_LOGS filter applies only when asked for (`--torch-logs`, or a non-empty TORCH_LOGS for this
 * command): the input already passed the producer's TORCH_LOGS, and in
 * `TORCH_LOGS=+dynamo python train.py | ingest` the variable reaches only Python, so PyTorch's defaults
 * here would drop every DEBUG and INFO record the user asked PyTorch to print. An empty TORCH_LOGS means
 * unset, as everywhere in this library. Throws TorchLogsError for a bad value (strict mode), OtlpConfigError
 * for a bad OTEL_* variable.
 */
export function ingestSinkForOptions(
  options: IngestOptions,
  io: CliIo,
  stdout: StdoutState,
  jsonlVia: "direct" | "sdk",
  { registry, retry }: { registry: Registry; retry: OutageRetryPolicy },
): IngestSinkForOptions {
  const fromEnv = readEnvVar(registry.envVar, io.env).value;
  const value = options.torchLogs ?? (fromEnv?.trim() ? fromEnv : undefined);
  const torchLogs = torchLogsForInput(
    value,
    options.lossy,
    (message) => io.stderr(`${PREFIX}: ${message}\n`),
    registry,
  );
  const sink = createIngestSink({
    via: options.format === "jsonl" ? (jsonlVia === "sdk" ? "jsonl-sdk" : "jsonl") : "otlp",
    otlp: () => otlpLogExporterFromEnv(io.env, undefined, retry),
    write: recordWriter(io, stdout),
    writeBytes: (bytes) => {
      if (stdout.broken) throw new Error("stdout is closed");
      // Blocks of whole lines, and JSON escapes lone surrogates: decoding each block alone is lossless.
      if (io.stdoutUtf8 === undefined) io.stdout(utf8.decode(bytes));
      else io.stdoutUtf8(bytes);
    },
    torchLogs,
    serviceName: options.serviceName ?? readServiceName(io.env) ?? DEFAULT_SERVICE_NAME,
    batch: batchOptionsForRetries(io.env, retry),
    onFirstLoss: (message) => io.stderr(`${PREFIX}: ${message}\n`),
  });
  if (torchLogs === undefined) return { sink, mapping: {} };
  // The modules outside torch that TORCH_LOGS names (PyTorch registers each as an alias of its own).
  const userModules = [...torchLogs.settings.addedAliases.keys()];
  const settings = torchLogs.settings;
  return {
    sink,
    mapping: {
      ...(userModules.length === 1 && { userModule: userModules[0] }),
      // A record of a module that logs through several loggers goes on one the filter lets it through.
      emits: (scope, level, artifact) => settings.emits(scope, level, artifact),
    },
  };
}
