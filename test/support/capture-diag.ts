// OpenTelemetry's diag messages (WARN and above) collected in an array; tests call `diag.disable()` afterwards.
import { type DiagLogger, DiagLogLevel, diag } from "@opentelemetry/api";

export function captureDiag(): string[] {
  const messages: string[] = [];
  const push = (m: string) => messages.push(m);
  const logger: DiagLogger = { error: push, warn: push, info: push, debug: push, verbose: push };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return messages;
}
