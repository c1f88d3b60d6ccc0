import { type DiagLogger, DiagLogLevel, diag } from "@opentelemetry/api";

/**
 * Installs a diag logger that collects every message at `logLevel` or above (arguments joined with spaces)
 * into the returned array. Undo with `diag.disable()`.
 */
export function captureDiag(logLevel: DiagLogLevel = DiagLogLevel.DEBUG): string[] {
  const messages: string[] = [];
  const push = (m: string, ...args: unknown[]) => messages.push([m, ...args.map(String)].join(" "));
  const logger: DiagLogger = { error: push, warn: push, info: push, debug: push, verbose: push };
  diag.setLogger(logger, { logLevel, suppressOverrideMessage: true });
  return messages;
}
