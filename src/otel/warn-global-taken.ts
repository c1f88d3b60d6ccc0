import { diag } from "@opentelemetry/api";

/**
 * Where the warning "a logs global is taken by another provider" goes: OpenTelemetry's `diag`. One function,
 * so it can be routed elsewhere (e.g. `process.emitWarning`) in one place.
 */
export function warnGlobalTaken(message: string): void {
  diag.warn(message);
}
