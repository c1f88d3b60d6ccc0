// What the readers hand to delivery: an OpenTelemetry log record and the instrumentation scope to emit it on.
import type { Attributes, HrTime, SeverityNumber } from "@opentelemetry/api";

/**
 * An OpenTelemetry log record and the scope to emit it on. `timestamp` is absent when the line printed no
 * time (the 2022 torchdynamo format, non-PyTorch lines) or a date no year makes valid.
 */
export interface MappedLogRecord {
  readonly scope: string;
  readonly timestamp?: HrTime;
  readonly severityNumber: SeverityNumber;
  /** The Python level name, WARNING written `WARN`; absent on non-PyTorch lines. */
  readonly severityText?: string;
  readonly body: string;
  readonly attributes: Attributes;
}
