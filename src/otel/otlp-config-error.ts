/**
 * A variable holds a value the command cannot use (exit code 1, as for a bad TORCH_LOGS). Apart from the
 * exporters it configures (`otlp-config-from-env.ts`), so the CLI can recognise it without loading them.
 */
export class OtlpConfigError extends Error {
  override name = "OtlpConfigError";
}
