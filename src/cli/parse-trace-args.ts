// `torch-logs-otel trace` arguments: the usage text and the parsed options, validated before anything runs.

import { parseCommandArgs, UsageError } from "./parse-command-args.ts";
import { parseLogTimeOptions } from "./parse-log-time-options.ts";
import { parseRankSelection, type RankSelection } from "./parse-rank-selection.ts";
import { parseRetryFor } from "./parse-retry-for.ts";
import { REGISTRY_ARGS, type RegistryArgs } from "./torch-registry-from-args.ts";

export const TRACE_USAGE = `Usage: torch-logs-otel trace [PATH...] [options]

Reads PyTorch's structured compile trace (TORCH_TRACE=/dir): every dedicated_log_torch_trace_*.log file of
a directory PATH, or the files given (default: the directory in $TORCH_TRACE), and sends each envelope as a
log record, each compile's chromium events as a trace, and compile times and counts as metrics over
OTLP/HTTP (OTEL_EXPORTER_OTLP_* variables, http/json or http/protobuf).

Options:
  --format otlp|jsonl    otlp: export (default); jsonl: print one JSON object per line instead, with
                         "signal": "log" | "span" | "metric"
  -f, --follow           keep reading: new rank files in the directories, growing files, until SIGINT/SIGTERM
  --ranks LIST           read only the files of these ranks, e.g. 0 or 0,2-3 (the rank in the file name,
                         dedicated_log_torch_trace_rank_N_*.log); files without one are left out
  --torch-logs VALUE     filter the log records with this TORCH_LOGS value (default: no filter);
                         write --torch-logs=-dynamo for values starting with "-"
  --lossy                keep the valid items of a bad TORCH_LOGS value instead of failing
  --pytorch VERSION      the PyTorch release whose TORCH_LOGS registry the filter uses (default: the newest)
  --python PATH          read that registry from this interpreter's torch instead
  --service-name NAME    resource service.name (default: $OTEL_SERVICE_NAME, else "pytorch")
  --year YYYY            year of files without chromium events (default: the latest not ahead of now)
  --utc-offset ±HH:MM    zone of files without chromium events (default: this machine's)
  --retry-for DURATION   how long a failing backend is retried before giving up, e.g. 20s, 500ms, 2m
                         (default 20s); with --follow, retries go on until stopped, then for this long
  -h, --help             show this text

Files with chromium events tell their own year and UTC offset. A summary goes to stderr at the end, and a
line every few seconds while the backend fails. Exit code 0 when everything was delivered (or printed); 1
when an input cannot be read or is not a trace file, or TORCH_LOGS / an OTEL_* variable is invalid; 2 for a
usage error; 3 when log records, spans or metrics could not be delivered to the backend.
`;

export interface TraceOptions {
  readonly paths: readonly string[];
  readonly format: "otlp" | "jsonl";
  readonly follow: boolean;
  readonly torchLogs: string | undefined;
  readonly lossy: boolean;
  readonly serviceName: string | undefined;
  readonly year: number | undefined;
  readonly utcOffsetMinutes: number | undefined;
  /** `--retry-for`, in ms. */
  readonly retryForMillis: number;
  /** `--pytorch`, `--python`, `--python-import`: the registry of the TORCH_LOGS filter. */
  readonly registryArgs: RegistryArgs;
  /** `--ranks`: the ranks whose files are read; undefined: every file. */
  readonly ranks: RankSelection | undefined;
}

/** Parses the arguments; `$TORCH_TRACE` (from `torchTraceDir`) when no PATH is given. */
export function parseTraceArgs(
  args: readonly string[],
  torchTraceDir: string | undefined,
): TraceOptions | "help" {
  const { values, positionals } = parseCommandArgs(args, {
    format: { type: "string" },
    follow: { type: "boolean", short: "f" },
    "torch-logs": { type: "string" },
    lossy: { type: "boolean" },
    "service-name": { type: "string" },
    year: { type: "string" },
    "utc-offset": { type: "string" },
    "retry-for": { type: "string" },
    ranks: { type: "string" },
    help: { type: "boolean", short: "h" },
    ...REGISTRY_ARGS,
  });
  if (values.help) return "help";
  const format = values.format ?? "otlp";
  if (format !== "otlp" && format !== "jsonl") {
    throw new UsageError(`--format must be "otlp" or "jsonl", got "${format}"`);
  }
  let paths = positionals;
  if (paths.length === 0) {
    const dir = torchTraceDir?.trim();
    if (!dir) throw new UsageError("give a TORCH_TRACE directory or trace files (or set TORCH_TRACE)");
    paths = [dir];
  }
  const { year, utcOffsetMinutes } = parseLogTimeOptions(values);
  if (values["service-name"]?.trim() === "") throw new UsageError("--service-name must not be empty");
  return {
    paths,
    format,
    follow: values.follow ?? false,
    torchLogs: values["torch-logs"],
    lossy: values.lossy ?? false,
    serviceName: values["service-name"],
    year,
    utcOffsetMinutes,
    retryForMillis: parseRetryFor(values["retry-for"]),
    registryArgs: values,
    ranks: values.ranks === undefined ? undefined : parseRankSelection(values.ranks),
  };
}
