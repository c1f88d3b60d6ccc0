// What the collector's `file` exporter wrote (one OTLP/JSON ExportLogsServiceRequest per line), read back as the
// records `ingest --format jsonl` prints: scope, severity, body and attributes with their JSON types (OTLP/JSON
// writes an int as a decimal string), so that the corpus harness of test/ingest/corpus scores both alike.
import type { IngestedRecord } from "../../test/ingest/corpus/score-ingest.ts";

/** A record the collector exported, with where its first line was in which file. */
export interface CollectorRecord extends IngestedRecord {
  /** `log.file.name`, `log.file.path`: the file it was read from. */
  readonly fileName: string;
  readonly filePath: string;
  /** `log.file.record_number`: the place of its first line among the lines read from the file (1-based). */
  readonly recordNumber: number;
}

interface AnyValue {
  readonly stringValue?: string;
  readonly intValue?: string;
  readonly boolValue?: boolean;
  readonly doubleValue?: number;
}

interface JsonLogRecord {
  readonly timeUnixNano?: string;
  readonly observedTimeUnixNano?: string;
  readonly severityNumber?: number;
  readonly severityText?: string;
  readonly body?: AnyValue;
  readonly attributes?: readonly { key: string; value: AnyValue }[];
}

interface ExportRequest {
  readonly resourceLogs?: readonly {
    readonly scopeLogs?: readonly { scope?: { name?: string }; logRecords?: readonly JsonLogRecord[] }[];
  }[];
}

function jsonValue(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.doubleValue !== undefined) return value.doubleValue;
  // OTLP/JSON leaves out a field at its default: an empty string body is `{}`.
  return "";
}

/** The attribute the receiver adds for ordering; `ingest` has no such attribute. */
export const RECORD_NUMBER_ATTRIBUTE = "log.file.record_number";

/**
 * Every record in the exporter's output, in file order: by file, then by the record number of its first line
 * (the receiver flushes multi-line records per prefix, so two records of one millisecond may leave in another
 * order). The record number is left out of the attributes: `ingest` does not set it.
 */
export function readCollectorRecords(text: string): CollectorRecord[] {
  const records: CollectorRecord[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const request = JSON.parse(line) as ExportRequest;
    for (const resource of request.resourceLogs ?? []) {
      for (const scopeLogs of resource.scopeLogs ?? []) {
        for (const log of scopeLogs.logRecords ?? []) {
          const attributes: Record<string, unknown> = {};
          for (const { key, value } of log.attributes ?? []) attributes[key] = jsonValue(value);
          const recordNumber = Number(attributes[RECORD_NUMBER_ATTRIBUTE] ?? 0);
          delete attributes[RECORD_NUMBER_ATTRIBUTE];
          records.push({
            timeUnixNano: log.timeUnixNano ?? log.observedTimeUnixNano ?? "0",
            severityNumber: log.severityNumber ?? 0,
            severityText: log.severityText ?? null,
            scope: scopeLogs.scope?.name ?? "",
            body: log.body === undefined ? "" : String(jsonValue(log.body)),
            attributes,
            fileName: String(attributes["log.file.name"] ?? ""),
            filePath: String(attributes["log.file.path"] ?? ""),
            recordNumber,
          });
        }
      }
    }
  }
  return records.sort((a, b) =>
    a.filePath === b.filePath ? a.recordNumber - b.recordNumber : a.filePath < b.filePath ? -1 : 1,
  );
}
