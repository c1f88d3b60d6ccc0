// The version of the installed package (`torch-logs-otel --version`, the OTLP exporters' User-Agent). src/otel/
// and dist/otel/ sit at the same depth below the package root, so one relative path finds package.json from
// source and from the build.
import { createRequire } from "node:module";

/** The `version` of this package's package.json. */
export function packageVersion(): string {
  const manifest = createRequire(import.meta.url)("../../package.json") as { version: string };
  return manifest.version;
}
