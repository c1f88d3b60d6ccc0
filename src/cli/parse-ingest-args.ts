// `torch-logs-otel ingest` arguments: the usage text and the parsed options, validated before anything runs.
import { parseArgs } from "node:util";
import { OTHER_LINES_SCOPE } from "../ingest/to-log-record.ts";
import { UsageError } from "./parse-command-args.ts";
import { parseLogTimeOptions } from "./parse-log-time-options.ts";
import { parseRankSelection, type RankSelection } from "./parse-rank-selection.ts";
import { parseRetryFor } from "./parse-retry-for.ts";
import { REGISTRY_ARGS, type RegistryArgs } from "./torch-registry-from-args.ts";

export const INGEST_USAGE = `Usage: torch-logs-otel ingest [FILE...] [options]

Reads PyTorch's console output (stdin when no FILE is given, or for "-") and sends every log record as an
OpenTelemetry log record over OTLP/HTTP (OTEL_EXPORTER_OTLP_* variables). Lines that are not PyTorch
records are sent too, on scope ${OTHER_LINES_SCOPE}.

Options:
  --format otlp|jsonl    otlp: export (default); jsonl: print the records as JSON lines instead
  --tee                  copy the input to stdout unchanged (not with --format jsonl)
  -f, --follow           keep reading FILE as it grows, across truncation and rotation, until SIGINT/SIGTERM
  --skip-other           drop lines that are not PyTorch records (they are counted)
  --ranks LIST           keep only the records of these ranks, e.g. 0 or 0,2-3: the rank of torch's
                         [rankN]: prefix, torchrun's [rankN]: or vLLM's rank=N; records without one are left out
  --torch-logs VALUE     filter with this TORCH_LOGS value (default: $TORCH_LOGS if set, else no filter);
                         write --torch-logs=-dynamo for values starting with "-"
  --lossy                keep the valid items of a bad TORCH_LOGS value instead of failing
  --pytorch VERSION      the PyTorch release whose TORCH_LOGS registry the filter uses (default: the newest)
  --python PATH          read that registry from this interpreter's torch instead
  --service-name NAME    resource service.name (default: $OTEL_SERVICE_NAME, else "pytorch")
  --year YYYY            year of glog-style lines, which print none (default: the latest not ahead of now)
  --utc-offset ±HH:MM    time zone PyTorch printed in, e.g. +02:00 or Z (default: this machine's)
  --other-scope NAME     scope of the lines that are not PyTorch records (default: ${OTHER_LINES_SCOPE})
  --log-format FMT       the TORCH_LOGS_FORMAT PyTorch printed with: short, basic or a %-format
                         (default: $TORCH_LOGS_FORMAT if set, else PyTorch's own formats)
  --level NAME=NUM       number of a custom level name PyTorch printed in full, e.g. NOTICE=25 (the
                         default for NOTICE); repeatable. Other names get the level of their band, else INFO
  --retry-for DURATION   how long a failing backend is retried before giving up, e.g. 20s, 500ms, 2m
                         (default 20s); with --follow, retries go on until stopped, then for this long
  -h, --help             show this text

A summary goes to stderr at the end, and a line every few seconds while the backend fails. Exit code 0 when
every record was delivered (or printed); 1 when an input cannot be read or TORCH_LOGS / an OTEL_* variable is
invalid; 2 for a usage error; 3 when records could not be delivered to the backend.
`;

export interface IngestOptions {
  readonly files: readonly string[];
  readonly format: "otlp" | "jsonl";
  readonly tee: boolean;
  readonly follow: boolean;
  readonly skipOther: boolean;
  readonly torchLogs: string | undefined;
  readonly lossy: boolean;
  readonly serviceName: string | undefined;
  readonly year: number | undefined;
  readonly utcOffsetMinutes: number | undefined;
  readonly otherScope: string;
  readonly logFormat: string | undefined;
  /** From `--level NAME=NUM`, in order given. */
  readonly levels: ReadonlyMap<string, number>;
  /** `--retry-for`, in ms. */
  readonly retryForMillis: number;
  /** `--ranks`: the ranks whose records are kept; undefined: every record. */
  readonly ranks: RankSelection | undefined;
  /** `--pytorch`, `--python`, `--python-import`: the registry of the TORCH_LOGS filter. */
  readonly registryArgs: RegistryArgs;
}

export function parseIngestArgs(args: readonly string[]): IngestOptions | "help" {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const format = values.format ?? "otlp";
  if (format !== "otlp" && format !== "jsonl") {
    throw new UsageError(`--format must be "otlp" or "jsonl", got "${format}"`);
  }
  const tee = values.tee ?? false;
  if (tee && format === "jsonl") throw new UsageError("--tee and --format jsonl both write to stdout");
  const follow = values.follow ?? false;
  if (follow && (positionals.length !== 1 || positionals[0] === "-")) {
    throw new UsageError("--follow needs exactly one FILE (not stdin)");
  }
  const { year, utcOffsetMinutes } = parseLogTimeOptions(values);
  const levels = new Map<string, number>();
  for (const item of values.level ?? []) {
    const m = /^([A-Za-z_][\w ]*)=(\d{1,3})$/.exec(item);
    if (m === null) throw new UsageError(`--level must look like NOTICE=25, got "${item}"`);
    levels.set(m[1] ?? "", Number(m[2]));
  }
  for (const name of ["service-name", "other-scope"] as const) {
    if (values[name]?.trim() === "") throw new UsageError(`--${name} must not be empty`);
  }
  return {
    files: positionals.length === 0 ? ["-"] : positionals,
    format,
    tee,
    follow,
    skipOther: values["skip-other"] ?? false,
    torchLogs: values["torch-logs"],
    lossy: values.lossy ?? false,
    serviceName: values["service-name"],
    year,
    utcOffsetMinutes,
    otherScope: values["other-scope"] ?? OTHER_LINES_SCOPE,
    logFormat: values["log-format"],
    levels,
    retryForMillis: parseRetryFor(values["retry-for"]),
    ranks: values.ranks === undefined ? undefined : parseRankSelection(values.ranks),
    registryArgs: values,
  };
}

function parseOptions(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: "string" },
      tee: { type: "boolean" },
      follow: { type: "boolean", short: "f" },
      "skip-other": { type: "boolean" },
      "torch-logs": { type: "string" },
      lossy: { type: "boolean" },
      "service-name": { type: "string" },
      year: { type: "string" },
      "utc-offset": { type: "string" },
      "other-scope": { type: "string" },
      "log-format": { type: "string" },
      level: { type: "string", multiple: true },
      "retry-for": { type: "string" },
      ranks: { type: "string" },
      help: { type: "boolean", short: "h" },
      ...REGISTRY_ARGS,
    },
  });
}
