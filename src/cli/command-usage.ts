// What the CLI prints for --help: the command list, and each command's own page (ingest and trace keep theirs
// beside their option parsers).
import { PYTORCH_VERSIONS } from "../language/torch-registry.ts";

const PYTORCH_VERSIONS_TEXT = PYTORCH_VERSIONS.join(", ");

export const USAGE = `Usage: torch-logs-otel <command> [options]

Commands:
  demo [--frames N]          run a simulated torch.compile pipeline logging under $TORCH_LOGS: PyTorch's
                             console format on stderr, or OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set
  explain [VALUE] [--json] [--pytorch VERSION | --python PATH]
                             show what a TORCH_LOGS value does (VALUE defaults to $TORCH_LOGS); module
                             names are taken as importable (and named so) unless --python names an
                             interpreter to ask
  collector-filter [VALUE] [--ungoverned pass|drop] [--legacy] [--name ID]
                             print an OpenTelemetry Collector filter processor enforcing VALUE
  ingest [FILE...] [options] send PyTorch's console output (stdin or FILEs) as OTel logs; ingest --help
  trace [PATH...] [options]  send TORCH_TRACE files (default $TORCH_TRACE) as OTel logs, spans, metrics; trace --help
  help                       PyTorch's TORCH_LOGS help (visible artifacts)
  +help                      PyTorch's TORCH_LOGS help (all artifacts)

Options:
  --pytorch VERSION          the PyTorch release whose registry to use: ${PYTORCH_VERSIONS_TEXT}
                             (default: the newest); explain, help, collector-filter, ingest and trace
  --python PATH              read the registry from that interpreter's torch instead (any version, with
                             the names its device backends register; --python-import MODULE imports your
                             code that registers more)
  -h, --help                 show this text
  -v, --version              print the version
`;

const REGISTRY_OPTIONS = `  --pytorch VERSION      the PyTorch release whose registry to use: ${PYTORCH_VERSIONS_TEXT} (default: the newest)
  --python PATH          read the registry from that interpreter's torch instead
  --python-import MODULE with --python: import MODULE first (code that registers more names)
  -h, --help             show this text
`;

const HELP_USAGE = `Usage: torch-logs-otel help | +help [--pytorch VERSION | --python PATH]

Prints PyTorch's TORCH_LOGS help: the components and the visible artifacts; \`+help\` lists every artifact.

Options:
${REGISTRY_OPTIONS}`;

/** The pages of the commands that have no option parser of their own. */
export const COMMAND_USAGE: Readonly<Record<string, string>> = {
  demo: `Usage: torch-logs-otel demo [--frames N]

Runs a simulated torch.compile pipeline (dynamo, aot and inductor components; guards, graph_breaks, recompiles,
aot_graphs and output_code artifacts; records inside spans) that logs under $TORCH_LOGS. Without an OTLP
endpoint the records go to stderr in PyTorch's console format; with OTEL_EXPORTER_OTLP_ENDPOINT set, logs and
spans go over OTLP/HTTP. A summary on stderr says how many records passed and where they went.

Options:
  --frames N             frames to compile, 1 to 1000 (default 3; from the 8th, dynamo gives up)
  -h, --help             show this text

Exit code 0; 1 when TORCH_LOGS or an OTEL_* variable is invalid; 2 for a usage error.
`,
  explain: `Usage: torch-logs-otel explain [VALUE] [--json] [--pytorch VERSION | --python PATH]

Shows what a TORCH_LOGS value does (VALUE defaults to $TORCH_LOGS): the level of every component, the
artifacts on, the ones off by default. A module name the registry does not hold is taken as importable, as
PyTorch takes it when \`import NAME\` succeeds, and named in a note; --python asks that interpreter instead.

Options:
  --json                 print the settings as one JSON object (with "unresolvedModules")
${REGISTRY_OPTIONS}
Exit code 0; 1 when the value is invalid (the message names the item); 2 for a usage error.
`,
  "collector-filter": `Usage: torch-logs-otel collector-filter [VALUE] [options]

Prints an OpenTelemetry Collector \`filter\` processor whose conditions drop exactly what TORCH_LOGS VALUE (default
$TORCH_LOGS) drops, for sources that cannot run the processor. Paste it into your collector config, between
memory_limiter and batch in the logs pipeline.

Options:
  --ungoverned pass|drop also drop the scopes no component governs (default: pass)
  --legacy               the syntax of collectors before v0.146 (logs.log_record)
  --name ID              the processor's id, filter or filter/NAME (default filter/torch_logs)
${REGISTRY_OPTIONS}
Exit code 0; 1 when the value is invalid; 2 for a usage error.
`,
  help: HELP_USAGE,
  "+help": HELP_USAGE,
};
