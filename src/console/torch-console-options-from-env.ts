// The console exporter's settings from PyTorch's environment variables (torch-logs-semantics.md §7).

import { type Environment, processEnvironment } from "../otel/env.ts";
import type { TorchConsoleLogRecordExporterOptions } from "./torch-console-log-record-exporter.ts";

/**
 * `format` from TORCH_LOGS_FORMAT, `outFile` from TORCH_LOGS_OUT and `traceIdFilter` from
 * TORCH_LOGS_TRACE_ID_FILTER; unset variables give no option. A present but empty TORCH_LOGS_FORMAT is
 * kept (Python's `logging.Formatter("")` prints the bare message); an empty TORCH_LOGS_OUT counts as unset
 * (PyTorch would fail to open `""`). Values are not checked here: the exporter's constructor does that.
 */
export function torchConsoleOptionsFromEnv(
  env: Environment = processEnvironment(),
): Pick<TorchConsoleLogRecordExporterOptions, "format" | "outFile" | "traceIdFilter"> {
  const format = env.TORCH_LOGS_FORMAT;
  const outFile = env.TORCH_LOGS_OUT;
  const traceIdFilter = env.TORCH_LOGS_TRACE_ID_FILTER;
  return {
    ...(format !== undefined && { format }),
    ...(outFile !== undefined && outFile !== "" && { outFile }),
    ...(traceIdFilter !== undefined && { traceIdFilter }),
  };
}
