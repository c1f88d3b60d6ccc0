import { DEFAULT_LEVEL, formatPythonLevel, PythonLevel } from "./levels.ts";
import { isSpellableName, selfAndAncestors } from "./names.ts";
import type { Artifact, Registry } from "./registry.ts";
import { pythonLevelToSeverityNumber } from "./severity.ts";

/** What TORCH_LOGS decides for one logger name (OTel: one instrumentation scope). Computed once per scope. */
export interface ScopeDecision {
  readonly scope: string;
  /** Some ancestor-or-self is a registered qualified name: TORCH_LOGS governs this scope. */
  readonly governed: boolean;
  /** The nearest registered qualified name at or above the scope (the handler PyTorch would print with). */
  readonly qualifiedName: string | undefined;
  /** The aliases that include `qualifiedName`, in registration order. */
  readonly aliases: readonly string[];
  /** The effective Python level: nearest explicitly set ancestor-or-self, else WARNING. */
  readonly level: number;
  /** `level` as an OTel severity: records at or above it pass. */
  readonly minimumSeverity: number;
}

/** What TORCH_LOGS decides for one artifact name. */
export interface ArtifactDecision {
  readonly name: string;
  /** Registered in the registry. */
  readonly known: boolean;
  /** Named explicitly (TORCH_LOGS item or `setLogs` `true`): emitted at DEBUG and above, whatever the level. */
  readonly enabled: boolean;
  /** Not enabled and off by default: never emitted. */
  readonly offByDefault: boolean;
}

export interface TorchLogsSettingsInit {
  readonly registry: Registry;
  /** qualified name → Python level, for the names set explicitly, in the order they were last written. */
  readonly explicit?: ReadonlyMap<string, number>;
  readonly enabledArtifacts?: Iterable<string>;
  /** Aliases created by open registration of module names (`os`, `myapp.db`): alias → its one name. */
  readonly addedAliases?: ReadonlyMap<string, readonly string[]>;
  /** Module names set below an already registered name (`torch._dynamo.guards`). */
  readonly childLogs?: Iterable<string>;
  /** Notes about the value that are not errors (a prefix on an artifact, an overwritten level, …). */
  readonly warnings?: readonly string[];
}

const MAX_CACHED_SCOPES = 4096;

/**
 * The result of TORCH_LOGS or `setLogs`: explicit levels per qualified name and the enabled artifacts, over a
 * registry. Immutable; decisions per scope are computed once and cached.
 */
export class TorchLogsSettings {
  readonly registry: Registry;
  readonly explicit: ReadonlyMap<string, number>;
  readonly enabledArtifacts: ReadonlySet<string>;
  readonly addedAliases: ReadonlyMap<string, readonly string[]>;
  readonly childLogs: ReadonlySet<string>;
  readonly warnings: readonly string[];
  readonly #addedQualifiedNames: ReadonlyMap<string, readonly string[]>;
  readonly #scopes = new Map<string, ScopeDecision>();
  readonly #artifacts = new Map<string, ArtifactDecision>();

  constructor(init: TorchLogsSettingsInit) {
    this.registry = init.registry;
    this.explicit = new Map(init.explicit ?? []);
    this.enabledArtifacts = new Set(init.enabledArtifacts ?? []);
    this.addedAliases = new Map(init.addedAliases ?? []);
    this.childLogs = new Set(init.childLogs ?? []);
    this.warnings = Object.freeze([...(init.warnings ?? [])]);
    const added = new Map<string, string[]>();
    for (const [alias, names] of this.addedAliases) {
      for (const name of names) {
        const owners = added.get(name);
        if (owners) owners.push(alias);
        else added.set(name, [alias]);
      }
    }
    this.#addedQualifiedNames = added;
  }

  /** The defaults: nothing explicit, no artifact enabled, so every logger is effectively WARNING. */
  static defaults(registry: Registry): TorchLogsSettings {
    return new TorchLogsSettings({ registry });
  }

  /** Every alias (registry's and open-registered), alias → qualified names. */
  get aliases(): ReadonlyMap<string, readonly string[]> {
    if (this.addedAliases.size === 0) return this.registry.aliases;
    return new Map([...this.registry.aliases, ...this.addedAliases]);
  }

  /** Python's effective level of logger `name`: the nearest explicitly set (non-NOTSET) ancestor-or-self. */
  effectiveLevel(name: string): number {
    for (const candidate of selfAndAncestors(name)) {
      const level = this.explicit.get(candidate);
      if (level !== undefined && level > 0) return level;
    }
    return DEFAULT_LEVEL;
  }

  /** True when the artifact was named explicitly. */
  isArtifactEnabled(name: string): boolean {
    return this.enabledArtifacts.has(name);
  }

  /** True when `name` is a registered qualified name (in the registry or opened by a module item). */
  isRegisteredQualifiedName(name: string): boolean {
    return this.registry.qualifiedNames.has(name) || this.#addedQualifiedNames.has(name);
  }

  /** The decision for a scope, cached. */
  scope(scope: string): ScopeDecision {
    const cached = this.#scopes.get(scope);
    if (cached) return cached;
    let qualifiedName: string | undefined;
    for (const candidate of selfAndAncestors(scope)) {
      if (this.isRegisteredQualifiedName(candidate)) {
        qualifiedName = candidate;
        break;
      }
    }
    const level = this.effectiveLevel(scope);
    const decision: ScopeDecision = Object.freeze({
      scope,
      governed: qualifiedName !== undefined,
      qualifiedName,
      aliases:
        qualifiedName === undefined
          ? []
          : (this.registry.qualifiedNames.get(qualifiedName) ??
            this.#addedQualifiedNames.get(qualifiedName) ??
            []),
      level,
      minimumSeverity: pythonLevelToSeverityNumber(level),
    });
    // Scope names come from callers (and from ingested text): keep the cache bounded.
    if (this.#scopes.size >= MAX_CACHED_SCOPES) this.#scopes.clear();
    this.#scopes.set(scope, decision);
    return decision;
  }

  /** The decision for an artifact name, cached. */
  artifact(name: string): ArtifactDecision {
    const cached = this.#artifacts.get(name);
    if (cached) return cached;
    const artifact: Artifact | undefined = this.registry.artifacts.get(name);
    const enabled = this.enabledArtifacts.has(name);
    const decision: ArtifactDecision = Object.freeze({
      name,
      known: artifact !== undefined,
      enabled,
      offByDefault: !enabled && (artifact?.offByDefault ?? false),
    });
    if (this.#artifacts.size >= MAX_CACHED_SCOPES) this.#artifacts.clear();
    this.#artifacts.set(name, decision);
    return decision;
  }

  /**
   * PyTorch's emission rule: would a record at Python `level` from logger `scope` (with `artifact`, the name of
   * an artifact logger under that module, or none) reach a handler torch installed? Scopes outside the registry
   * never do (a processor decides separately what to do with them).
   */
  emits(scope: string, level: number, artifact?: string): boolean {
    return decideEmission(
      this.scope(scope),
      level,
      artifact === undefined ? undefined : this.artifact(artifact),
    );
  }

  /** alias → its level when all its qualified names share one effective level. */
  aliasLevels(): Map<string, number> {
    const levels = new Map<string, number>();
    for (const [alias, names] of this.aliases) {
      const first = this.effectiveLevel(names[0] ?? alias);
      if (names.every((n) => this.effectiveLevel(n) === first)) levels.set(alias, first);
    }
    return levels;
  }

  /** alias → (qualified name → level) for the aliases whose names do not share one level. */
  mixedAliasLevels(): Map<string, Map<string, number>> {
    const mixed = new Map<string, Map<string, number>>();
    const uniform = this.aliasLevels();
    for (const [alias, names] of this.aliases) {
      if (uniform.has(alias)) continue;
      mixed.set(alias, new Map(names.map((n) => [n, this.effectiveLevel(n)])));
    }
    return mixed;
  }

  /**
   * A TORCH_LOGS value that parses back to equivalent settings (same effective levels and artifacts).
   * Aliases whose names share one explicit level are written as aliases; other names as module items, parents
   * first so that a package expanded by a resolver cannot overwrite a child. NOTSET entries are dropped (they
   * mean "inherit"). WARNING and CRITICAL, which `setLogs` accepts but TORCH_LOGS cannot spell, are written as
   * the nearest spelling that hides nothing more (INFO and ERROR); a scope whose name the grammar cannot
   * spell is left out — `isRepresentable` says whether the result is exact.
   */
  toString(): string {
    return this.#canonical().text;
  }

  /**
   * False when `toString()` cannot reproduce these settings exactly: an explicit level TORCH_LOGS cannot
   * spell (WARNING, CRITICAL from `setLogs`), or a scope set on its own whose name the grammar cannot spell
   * (`@opentelemetry/…` under a mixed alias).
   */
  get isRepresentable(): boolean {
    return this.#canonical().representable;
  }

  #canonical(): { text: string; representable: boolean } {
    const explicit = new Map([...this.explicit].filter(([, level]) => level > 0));
    let representable = [...explicit.values()].every(
      (level) => level === PythonLevel.DEBUG || level === PythonLevel.INFO || level === PythonLevel.ERROR,
    );
    const covered = new Set<string>();
    const aliasItems: string[] = [];
    for (const [alias, names] of this.aliases) {
      const level = explicit.get(names[0] ?? "");
      if (level === undefined || !names.every((n) => explicit.get(n) === level)) continue;
      if (names.every((n) => covered.has(n))) continue;
      for (const n of names) covered.add(n);
      aliasItems.push(prefixFor(level) + (alias === this.registry.rootAlias ? "all" : alias));
    }
    const moduleItems: string[] = [];
    const leftovers = [...explicit]
      .filter(([name]) => !covered.has(name))
      .sort(([a], [b]) => a.split(".").length - b.split(".").length);
    for (const [name, level] of leftovers) {
      if (isSpellableName(name)) moduleItems.push(prefixFor(level) + name);
      else representable = false; // left out rather than written as an item that does not parse
    }
    const artifacts = [...this.registry.artifacts.keys()].filter((a) => this.enabledArtifacts.has(a));
    return { text: [...moduleItems, ...aliasItems, ...artifacts].join(","), representable };
  }

  /** A plain description: uniform alias levels, per-name levels and enabled artifacts (the CLI's `--json`). */
  toJSON(): {
    levels: Record<string, string>;
    qnameLevels: Record<string, string>;
    artifactsEnabled: string[];
  } {
    // Built with Object.fromEntries, which makes every name an own property: an assignment to a plain object
    // would set the prototype for a name such as `__proto__` instead, and the name would be lost.
    const levels: Record<string, string> = Object.fromEntries(
      [...this.aliasLevels()].map(([alias, level]) => [alias, formatPythonLevel(level)]),
    );
    const names = new Set([...this.registry.qualifiedNames.keys(), ...this.#addedQualifiedNames.keys()]);
    const qnameLevels: Record<string, string> = Object.fromEntries(
      [...names, ...this.explicit.keys()].map((name) => [name, formatPythonLevel(this.effectiveLevel(name))]),
    );
    return {
      levels,
      qnameLevels,
      artifactsEnabled: [...this.registry.artifacts.keys()].filter((a) => this.enabledArtifacts.has(a)),
    };
  }
}

/**
 * The one emission rule everything downstream uses (PyTorch §3, §5):
 * - a scope outside the registry never reaches a torch handler;
 * - an explicitly enabled artifact is emitted at DEBUG and above, whatever its component's level;
 * - an off-by-default artifact that is not enabled is never emitted;
 * - anything else (plain records, other artifacts) is emitted at or above the scope's effective level.
 */
export function decideEmission(
  scope: ScopeDecision,
  level: number,
  artifact: ArtifactDecision | undefined,
): boolean {
  if (!scope.governed) return false;
  if (artifact !== undefined) {
    if (artifact.enabled) return level >= PythonLevel.DEBUG;
    if (artifact.offByDefault) return false;
  }
  return level >= scope.level;
}

function prefixFor(level: number): string {
  if (level <= PythonLevel.DEBUG) return "+";
  // WARNING has no spelling: INFO is the nearest that loses nothing.
  if (level <= PythonLevel.WARNING) return "";
  return "-";
}
