// The only module that reads `process.env`. Everything else takes values as arguments.

export type Environment = Readonly<Record<string, string | undefined>>;

/** The process environment (read lazily, so tests can pass their own object everywhere instead). */
export function processEnvironment(): Environment {
  return process.env;
}

/** A variable's value, and whether the key is present at all (PyTorch: present-but-empty still counts). */
export function readEnvVar(
  name: string,
  env: Environment = process.env,
): { present: boolean; value: string | undefined } {
  const present = Object.hasOwn(env, name);
  return { present, value: present ? env[name] : undefined };
}

/** The OTLP logs protocol the standard variables ask for (`OTEL_EXPORTER_OTLP_LOGS_PROTOCOL`, then the generic one). */
export function readOtlpLogsProtocol(env: Environment = process.env): string | undefined {
  return nonEmpty(env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL) ?? nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL);
}

/** Whether an OTLP endpoint for logs is configured (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` or `…_ENDPOINT`). */
export function hasOtlpLogsEndpoint(env: Environment = process.env): boolean {
  return (
    nonEmpty(env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT) !== undefined ||
    nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) !== undefined
  );
}

/** `OTEL_SERVICE_NAME`, if set. */
export function readServiceName(env: Environment = process.env): string | undefined {
  return nonEmpty(env.OTEL_SERVICE_NAME);
}

/**
 * The process's distributed rank from `RANK` (set by torchrun and torch.distributed's launchers): `undefined` when
 * unset or empty, `NaN` when it is no whole number from 0.
 */
export function readProcessRank(env: Environment = process.env): number | undefined {
  const value = nonEmpty(env.RANK);
  if (value === undefined) return undefined;
  return /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Whether an OTLP endpoint for traces is configured (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `…_ENDPOINT`). */
export function hasOtlpTracesEndpoint(env: Environment = process.env): boolean {
  return (
    nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) !== undefined ||
    nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) !== undefined
  );
}

/**
 * The `--unhandled-rejections` mode Node runs with, from its command-line flags (`process.execArgv`) or,
 * where the flags do not set it, from `NODE_OPTIONS`; `undefined` when neither does (Node's default, `throw`).
 * Node takes the mode after `=` or as the next argument (`--unhandled-rejections warn`).
 */
export function readUnhandledRejectionsMode(
  execArgv: readonly string[],
  env: Environment = process.env,
): string | undefined {
  const flags = [...(env.NODE_OPTIONS?.split(/\s+/) ?? []), ...execArgv];
  let mode: string | undefined;
  for (const [i, flag] of flags.entries()) {
    if (flag === "--unhandled-rejections") mode = flags[i + 1];
    else if (flag.startsWith("--unhandled-rejections=")) mode = flag.slice("--unhandled-rejections=".length);
  }
  return mode;
}
