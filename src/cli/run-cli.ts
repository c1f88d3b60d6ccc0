// The commands and their dispatch. Returns exit codes; never touches process.* (src/cli.ts does).
import { filterProcessorIdError, formatCollectorFilterConfig } from "../collector/collector-filter.ts";
import { explainSettings, unresolvedModuleNote } from "../language/explain-settings.ts";
import { formatHelp } from "../language/format-help.ts";
import { createModuleSpecResolver, type ModuleResolver } from "../language/module-resolver.ts";
import { parseTorchLogs } from "../language/parse-torch-logs.ts";
import { TorchLogsError } from "../language/torch-logs-error.ts";
import { readEnvVar } from "../otel/env.ts";
import { OtlpConfigError } from "../otel/otlp-config-error.ts";
import { packageVersion } from "../otel/package-version.ts";
import { PythonProbeError } from "../python/python-probe-error.ts";
import type { CliIo } from "./cli-io.ts";
import { COMMAND_USAGE, USAGE } from "./command-usage.ts";
import { noticingOpenResolver } from "./open-module-resolver.ts";
import { parseCommandArgs as parse, UsageError } from "./parse-command-args.ts";
import { REGISTRY_ARGS, torchRegistryFromArgs } from "./torch-registry-from-args.ts";

export type { CliIo } from "./cli-io.ts";

/** Runs the CLI; returns the exit code (0 ok, 1 a bad TORCH_LOGS value or an unreadable input, 2 usage). */
export async function runCli(io: CliIo): Promise<number> {
  const [command, ...rest] = io.argv;
  if (command === undefined || command === "-h" || command === "--help") {
    (command === undefined ? io.stderr : io.stdout)(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === "-v" || command === "--version") {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  // Every command answers --help (ingest and trace parse their own, with their options).
  const own = COMMAND_USAGE[command];
  if (own !== undefined && rest.some((arg) => arg === "--help" || arg === "-h")) {
    io.stdout(own);
    return 0;
  }
  try {
    switch (command) {
      case "help":
      case "+help": {
        const { values, positionals } = parse(rest, REGISTRY_ARGS);
        if (positionals.length > 0) return usage(io, `"${command}" takes no arguments`);
        const { registry } = await torchRegistryFromArgs(values, io.env);
        io.stdout(formatHelp(registry, { verbose: command === "+help" }));
        return 0;
      }
      case "demo":
        return await demo(io, rest);
      case "explain":
        return await explain(io, rest);
      case "collector-filter":
        return await collectorFilter(io, rest);
      case "ingest":
        // Commands that export load the OTel SDK and exporters when run, so `explain`/`help` start fast.
        return await (await import("./ingest-command.ts")).runIngest(io, rest);
      case "trace":
        return await (await import("./trace-command.ts")).runTrace(io, rest);
      default:
        return usage(io, `unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) return usage(io, error.message);
    if (error instanceof PythonProbeError) {
      io.stderr(`torch-logs-otel ${command}: ${error.message}\n`);
      return 1;
    }
    // A bad setting (TORCH_LOGS, TORCH_LOGS_FORMAT, TORCH_LOGS_OUT, an OTEL_* variable) is the user's to fix:
    // say what is wrong, without a stack trace.
    if (error instanceof TorchLogsError || error instanceof OtlpConfigError) {
      io.stderr(`torch-logs-otel ${command}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function usage(io: CliIo, message: string): number {
  io.stderr(`torch-logs-otel: ${message}\n\n${USAGE}`);
  return 2;
}

async function explain(io: CliIo, args: readonly string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: "boolean" }, ...REGISTRY_ARGS });
  if (positionals.length > 1) throw new UsageError("explain takes at most one VALUE");
  const value = positionals[0] ?? readEnvVar("TORCH_LOGS", io.env).value;
  const choice = await torchRegistryFromArgs(
    values,
    io.env,
    values.python === undefined ? [] : itemNames(value),
  );
  const { registry } = choice;
  // PyTorch accepts any importable module; without an interpreter to ask, say which names that leaves open.
  const { resolveModule, unresolved }: { resolveModule: ModuleResolver; unresolved: ReadonlySet<string> } =
    choice.modules !== undefined
      ? { resolveModule: createModuleSpecResolver(choice.modules), unresolved: new Set() }
      : noticingOpenResolver(registry);
  try {
    const settings = parseTorchLogs(value, { registry, resolveModule });
    const unresolvedModules = [...unresolved];
    if (values.json) {
      const json = { ...settings.toJSON(), pytorch: registry.pytorchVersion, unresolvedModules };
      io.stdout(`${JSON.stringify(json)}\n`);
    } else {
      io.stdout(explainSettings(settings, value, { unresolvedModules, notes: choice.notes }));
    }
    return 0;
  } catch (error) {
    if (!(error instanceof TorchLogsError)) throw error;
    if (error.kind === "help") {
      if (values.json) io.stdout(`${JSON.stringify({ help: error.message })}\n`);
      else io.stdout(error.message);
      return 0;
    }
    if (values.json) {
      io.stdout(
        `${JSON.stringify({ error: { kind: error.kind, message: error.message, item: error.item } })}\n`,
      );
    } else {
      io.stderr(`${error.message}\n`);
    }
    return 1;
  }
}

/** The names of a value's items (prefix removed), for the interpreter to resolve: all of them, it is cheap. */
function itemNames(value: string | undefined): string[] {
  const items = (value ?? "").split(",").map((item) => item.trim().replace(/^[+-]/, ""));
  return [...new Set(items.filter((item) => item !== "" && item !== "help" && item !== "all"))];
}

async function demo(io: CliIo, args: readonly string[]): Promise<number> {
  const { values, positionals } = parse(args, { frames: { type: "string" } });
  if (positionals.length > 0) throw new UsageError("demo takes no VALUE: set TORCH_LOGS");
  const frames = values.frames === undefined ? 3 : Number(values.frames);
  if (!Number.isInteger(frames) || frames < 1 || frames > 1000) {
    throw new UsageError(`--frames must be an integer from 1 to 1000, got "${values.frames}"`);
  }
  // TORCH_LOGS as every command reads it: strict (a bad value is an error, exit 1), module names accepted and
  // noted. The demo then logs under exactly these settings, the facade included.
  const { torchLogsForInput } = await import("./torch-logs-for-input.ts");
  const value = readEnvVar("TORCH_LOGS", io.env).value;
  const torchLogs = torchLogsForInput(value?.trim() ? value : undefined, false, (message) =>
    io.stderr(`demo: ${message}\n`),
  );
  const { formatDemoSummary, runDemo } = await import("./run-demo.ts");
  const result = await runDemo({
    env: io.env,
    frames,
    ...(torchLogs ? { torchLogs } : {}),
    onWarning: (message) => io.stderr(`demo: ${message}\n`),
    ...(io.stream ? { stream: io.stream } : {}),
  });
  // From a clone this module is TypeScript; installed, it is the build.
  const fromSource = import.meta.url.endsWith(".ts");
  const launcher = !fromSource
    ? "installed"
    : io.env.npm_lifecycle_event === "start"
      ? "npm start"
      : "npm run cli";
  io.stderr(formatDemoSummary(result, io.env, launcher));
  return 0;
}

async function collectorFilter(io: CliIo, args: readonly string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    ungoverned: { type: "string" },
    legacy: { type: "boolean" },
    name: { type: "string" },
    ...REGISTRY_ARGS,
  });
  if (positionals.length > 1) throw new UsageError("collector-filter takes at most one VALUE");
  const ungoverned = values.ungoverned ?? "pass";
  if (ungoverned !== "pass" && ungoverned !== "drop") {
    throw new UsageError(`--ungoverned must be "pass" or "drop", got "${ungoverned}"`);
  }
  const idError = values.name === undefined ? undefined : filterProcessorIdError(values.name);
  if (idError !== undefined) throw new UsageError(`--name: ${idError}`);
  const { registry } = await torchRegistryFromArgs(values, io.env);
  const value = positionals[0] ?? readEnvVar(registry.envVar, io.env).value;
  try {
    const { resolveModule, unresolved } = noticingOpenResolver(registry);
    const settings = parseTorchLogs(value, { registry, resolveModule });
    for (const name of unresolved)
      io.stderr(`torch-logs-otel collector-filter: ${unresolvedModuleNote(name)}\n`);
    io.stdout(
      formatCollectorFilterConfig(settings, value, {
        ungovernedScopes: ungoverned,
        syntax: values.legacy ? "legacy" : "log_conditions",
        ...(values.name === undefined ? {} : { processorName: values.name }),
      }),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof TorchLogsError)) throw error;
    io.stderr(`${error.message}\n`);
    return 1;
  }
}
