// The four programs the end-to-end suite runs, each pinned to one approved release and built from source with
// Go: where they come from, where the binary goes, and the key that says whether it is already built.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export type BackendName = "otelcol" | "jaeger" | "prometheus" | "victoria-logs";

export interface BackendBuild {
  readonly name: BackendName;
  /** The release, as its module tags it. */
  readonly version: string;
  /** How it is built: `ocb` runs the OpenTelemetry Collector Builder on a manifest; `module` runs `go build`
   * of `pkg` inside a committed Go module that pins it (go.mod and go.sum under e2e/backends/go/). */
  readonly recipe:
    | { readonly kind: "ocb"; readonly builder: string; readonly manifest: string }
    | { readonly kind: "module"; readonly moduleDir: string; readonly pkg: string };
}

const REPO = new URL("../../", import.meta.url).pathname;

/**
 * Where built binaries are kept: ignored by git, one folder per backend and key. TORCH_LOGS_OTEL_BACKENDS_DIR moves
 * it (e.g. to a cache shared by several clones of the repository).
 */
export const BACKENDS_BIN_DIR = process.env.TORCH_LOGS_OTEL_BACKENDS_DIR ?? join(REPO, "e2e/backends/.bin");

export const BACKEND_BUILDS: readonly BackendBuild[] = [
  {
    name: "otelcol",
    version: "0.161.0",
    recipe: {
      kind: "ocb",
      builder: "go.opentelemetry.io/collector/cmd/builder@v0.161.0",
      manifest: join(REPO, "collector/builder-config.yaml"),
    },
  },
  {
    name: "jaeger",
    version: "1.75.0",
    recipe: {
      kind: "module",
      moduleDir: join(REPO, "e2e/backends/go/jaeger"),
      pkg: "github.com/jaegertracing/jaeger/cmd/jaeger",
    },
  },
  {
    name: "prometheus",
    version: "0.316.0",
    recipe: {
      kind: "module",
      moduleDir: join(REPO, "e2e/backends/go/prometheus"),
      pkg: "github.com/prometheus/prometheus/cmd/prometheus",
    },
  },
  {
    name: "victoria-logs",
    version: "1.52.2",
    recipe: {
      kind: "module",
      moduleDir: join(REPO, "e2e/backends/go/victoria-logs"),
      pkg: "github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs",
    },
  },
];

/**
 * What decides the binary: a changed manifest (its content, not its comments) or go.mod/go.sum is a new key, so
 * a new build.
 */
function keyInputs(build: BackendBuild): string[] {
  const { recipe } = build;
  if (recipe.kind === "ocb") {
    return [recipe.builder, JSON.stringify(parse(readFileSync(recipe.manifest, "utf8")))];
  }
  return [
    recipe.pkg,
    readFileSync(join(recipe.moduleDir, "go.mod"), "utf8"),
    readFileSync(join(recipe.moduleDir, "go.sum"), "utf8"),
  ];
}

/** `<name>-<version>-<hash of what decides the build>`: the folder a build lives in. */
export function buildKey(build: BackendBuild): string {
  const hash = createHash("sha256");
  for (const input of keyInputs(build)) hash.update(input).update("\0");
  return `${build.name}-${build.version}-${hash.digest("hex").slice(0, 12)}`;
}

/** Absolute path of the backend's binary, whether or not it is built yet. */
export function backendBinaryPath(build: BackendBuild): string {
  return join(BACKENDS_BIN_DIR, buildKey(build), build.name);
}

export function findBackendBuild(name: BackendName): BackendBuild {
  const build = BACKEND_BUILDS.find((b) => b.name === name);
  if (build === undefined) throw new Error(`no backend named ${name}`);
  return build;
}
