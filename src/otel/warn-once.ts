// Warnings the user must see without configuring anything (a skipped TORCH_LOGS item, an ignored setLogs, a
// global already taken): through OpenTelemetry's `diag` when the application installed a diag logger, else
// Node's own convention for library warnings, `process.emitWarning`.
import { diag } from "@opentelemetry/api";

/** The `type` of the process warnings (`process.on("warning", (w) => w.name)`). */
export const WARNING_TYPE = "TorchLogsWarning";

// Where @opentelemetry/api 1.x keeps its globals, shared by every copy (ESM and CJS) of the 1.x API;
// `diag.setLogger` stores the logger there as `diag`. The API has no public "is a logger installed?".
const OTEL_API_GLOBAL = Symbol.for("opentelemetry.js.api.1");

const emitted = new Set<string>();

/** Whether a diag logger is installed (`diag.setLogger(...)`, as `@opentelemetry/sdk-node` does for `OTEL_LOG_LEVEL`). */
function hasDiagLogger(): boolean {
  const api = (globalThis as { [OTEL_API_GLOBAL]?: { diag?: unknown } })[OTEL_API_GLOBAL];
  return api?.diag !== undefined;
}

/**
 * Reports `message` to the user: `diag.warn` when a diag logger is installed; otherwise a process warning of
 * type {@link WARNING_TYPE}, once per distinct message and process — Node prints it on stderr
 * (`(node:PID) TorchLogsWarning: …`), `--no-warnings` silences it, `process.on("warning")` sees it.
 */
export function warnOnce(message: string): void {
  if (hasDiagLogger()) {
    diag.warn(message);
    return;
  }
  if (emitted.has(message)) return;
  emitted.add(message);
  process.emitWarning(message, { type: WARNING_TYPE });
}
