// Picks where `ingest` delivers its records: OTLP through the SDK, or JSON lines (directly, or through the SDK).

import type { TorchLogs } from "../otel/torch-logs.ts";
import { IngestPipeline, type IngestSink } from "./ingest-pipeline.ts";
import { JsonLinesIngestSink } from "./json-lines-ingest-sink.ts";
import { JsonLinesLogRecordExporter } from "./json-lines-log-record-exporter.ts";

export interface CreateIngestSinkOptions {
  /**
   * `otlp`: the exporter `otlp()` makes, through the SDK pipeline. `jsonl`: JSON lines to `write`, formatted as
   * each record is mapped. `jsonl-sdk`: the same lines through the SDK pipeline and the JSON-lines exporter.
   */
  readonly via: "otlp" | "jsonl" | "jsonl-sdk";
  readonly otlp: () => ConstructorParameters<typeof IngestPipeline>[0]["exporter"];
  /** Writes JSON lines (`jsonl-sdk`); throws once they can no longer be written (they count as dropped). */
  readonly write: (text: string) => void;
  /** Writes JSON lines as UTF-8 (`jsonl`); throws likewise. */
  readonly writeBytes: (bytes: Uint8Array) => void;
  readonly torchLogs: TorchLogs | undefined;
  readonly serviceName: string;
  readonly batch: ConstructorParameters<typeof IngestPipeline>[0]["batch"];
  readonly onFirstLoss: (message: string) => void;
}

/** The sink for `via`; the TORCH_LOGS filter, when given, applies on every path. */
export function createIngestSink(options: CreateIngestSinkOptions): IngestSink {
  const { torchLogs, onFirstLoss } = options;
  if (options.via === "jsonl") {
    return new JsonLinesIngestSink({
      write: options.writeBytes,
      ...(torchLogs !== undefined && { torchLogs }),
      onFirstLoss,
    });
  }
  return new IngestPipeline({
    exporter: options.via === "otlp" ? options.otlp() : new JsonLinesLogRecordExporter(options.write),
    ...(torchLogs !== undefined && { torchLogs }),
    serviceName: options.serviceName,
    ...(options.batch !== undefined && { batch: options.batch }),
    onFirstLoss,
  });
}
