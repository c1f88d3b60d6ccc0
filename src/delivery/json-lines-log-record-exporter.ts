// `--format jsonl` of `ingest` and `trace`: the records that would have been exported, one JSON object per
// line, written where the caller says (stdout).

import type { Attributes, HrTime } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";

/**
 * One line: `{"timeUnixNano","severityNumber","severityText","scope","body","attributes"}` with every key
 * always present. `timeUnixNano` is a decimal string, as in OTLP/JSON (nanoseconds overflow a double);
 * `severityText` is `null` when the record has none.
 */
export function formatJsonLine(record: ReadableLogRecord): string {
  return `${jsonRecord(
    hrTimeToNanos(record.hrTime),
    record.severityNumber ?? 0,
    record.severityText ?? null,
    record.instrumentationScope.name,
    record.body ?? null,
    record.attributes,
  )}\n`;
}

/**
 * The line of {@link formatJsonLine} from its parts, without the newline. One `JSON.stringify` of one
 * object: its text comes out flat, ready to encode, where a concatenation of the parts' JSON would have to be
 * flattened first.
 */
export function jsonRecord(
  timeUnixNano: string,
  severityNumber: number,
  severityText: string | null,
  scope: string,
  body: unknown,
  attributes: Attributes,
): string {
  return JSON.stringify({ timeUnixNano, severityNumber, severityText, scope, body, attributes });
}

/** Nanoseconds since the epoch as a decimal string (OTLP/JSON's form). */
export function hrTimeToNanos([seconds, nanos]: HrTime): string {
  // Whole seconds after the epoch and nanoseconds below one second, as every record has: the digits of
  // the seconds then the nanoseconds padded to nine, without a BigInt per record.
  if (Number.isSafeInteger(seconds) && seconds > 0 && Number.isInteger(nanos) && nanos >= 0 && nanos < 1e9) {
    return `${seconds}${String(nanos).padStart(9, "0")}`;
  }
  return (BigInt(seconds) * 1_000_000_000n + BigInt(nanos)).toString();
}

/**
 * Writes each batch with one call to `write`; reports FAILED with the error if formatting or writing throws.
 */
export class JsonLinesLogRecordExporter implements LogRecordExporter {
  readonly #write: (text: string) => void;
  readonly #format: (record: ReadableLogRecord) => string;

  /** `format` makes one line of a record. Default {@link formatJsonLine}. */
  constructor(write: (text: string) => void, format: (record: ReadableLogRecord) => string = formatJsonLine) {
    this.#write = write;
    this.#format = format;
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    let text = "";
    try {
      for (const record of records) text += this.#format(record);
      this.#write(text);
    } catch (error) {
      resultCallback({
        code: ExportResultCode.FAILED,
        error: error instanceof Error ? error : new Error(String(error)),
      });
      return;
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
