// The shapes of a registry's declarative data: components, artifacts, and a PyTorch release's whole registry
// as tools/pytorch/generate_registry.py writes it (torch-registry-<major>-<minor>.ts).

/** A component: the alias used in TORCH_LOGS and the qualified logger names (OTel scopes) it sets. */
export interface ComponentDefinition {
  readonly alias: string;
  readonly qualifiedNames: readonly string[];
}

/** An artifact: a named on/off debug channel. */
export interface ArtifactDefinition {
  readonly name: string;
  /** The registry description, shown by `help`. Default `""`. */
  readonly description?: string;
  /** Listed by plain `help` (all artifacts are listed by `+help`). Default `false`. */
  readonly visible?: boolean;
  /** Emitted only when named explicitly; a component level never shows it. Default `false`. */
  readonly offByDefault?: boolean;
  /** A Python %-style format used instead of the torch line format for this artifact. Default: none. */
  readonly logFormat?: string;
}

/** One PyTorch registry, read from an installed torch: a release's wheel, or the user's own interpreter. */
export interface TorchRegistryData {
  /** The version it stands for (`2.15.0`); for a user's torch, `torch.__version__`. */
  readonly version: string;
  /** `torch.__version__` of the torch it was read from (`2.15.0+cu132`). */
  readonly torchVersion: string;
  /** `torch.version.git_version`, when the build has one. */
  readonly gitVersion: string | null;
  /** The aliases in registration order (`torch` is the root that `all` names). */
  readonly components: readonly ComponentDefinition[];
  /** The artifacts in registration order. */
  readonly artifacts: readonly ArtifactDefinition[];
  /** `set_logs`' keywords in the order it applies them (`all` stands for `torch`). */
  readonly setLogsKeywords: readonly string[];
  /** The examples block of the `help` text, between its title and the list of names. */
  readonly helpExamples: string;
}
