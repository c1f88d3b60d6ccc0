import { isPythonWordChar, isSpellableName, selfAndAncestors } from "./names.ts";
import type { ArtifactDefinition, ComponentDefinition } from "./registry-definitions.ts";
import { TorchLogsError } from "./torch-logs-error.ts";

export type {
  ArtifactDefinition,
  ComponentDefinition,
  TorchRegistryData,
} from "./registry-definitions.ts";

/** An artifact as the registry holds it: every field present. */
export interface Artifact {
  readonly name: string;
  readonly description: string;
  readonly visible: boolean;
  readonly offByDefault: boolean;
  readonly logFormat: string | undefined;
}

export interface RegistryOptions {
  /** The alias that `all` stands for (PyTorch: `torch`). Default: none, so `all` is an unknown name. */
  readonly rootAlias?: string;
  /** The environment variable the settings come from, used in messages and help. Default `TORCH_LOGS`. */
  readonly envVar?: string;
  /**
   * The `setLogs` keywords in the order they are applied. `all` stands for the root alias. Default: `all` (when
   * there is a root alias), then every alias, then every artifact, in registration order.
   */
  readonly setLogsKeywords?: readonly string[];
  /**
   * The examples block of the `help` text (between its title and the list of names). Default: the newest
   * built-in PyTorch release's.
   */
  readonly helpExamples?: string;
  /** The PyTorch version the registry stands for, when it is one (`2.15.0`). Default: none. */
  readonly pytorchVersion?: string;
}

/**
 * The TORCH_LOGS vocabulary: components (alias → qualified logger names, which are OTel instrumentation scope
 * names) and artifacts (named on/off debug channels). A declarative table: parsing never changes it.
 */
export class Registry {
  readonly rootAlias: string | undefined;
  readonly envVar: string;
  readonly #aliases = new Map<string, readonly string[]>();
  readonly #artifacts = new Map<string, Artifact>();
  readonly #qualifiedNames = new Map<string, string[]>();
  readonly helpExamples: string | undefined;
  readonly pytorchVersion: string | undefined;
  readonly #setLogsKeywords: readonly string[] | undefined;

  constructor(options: RegistryOptions = {}) {
    this.rootAlias = options.rootAlias;
    this.envVar = options.envVar ?? "TORCH_LOGS";
    this.helpExamples = options.helpExamples;
    this.pytorchVersion = options.pytorchVersion;
    this.#setLogsKeywords = options.setLogsKeywords;
  }

  /**
   * Registers a component. `qualifiedNames` may be any scope names, also ones TORCH_LOGS cannot spell
   * (`@opentelemetry/instrumentation-http`): the alias is how users name them. One qualified name may belong
   * to several aliases.
   */
  registerComponent(alias: string, qualifiedNames: string | readonly string[]): this {
    const names = typeof qualifiedNames === "string" ? [qualifiedNames] : [...qualifiedNames];
    checkSpellable("alias", alias);
    if (alias === "all") throw registrationError(`alias "all" is reserved: it stands for the root alias`);
    if (this.#aliases.has(alias)) throw registrationError(`alias "${alias}" is already registered`);
    if (this.#artifacts.has(alias)) {
      throw registrationError(`alias "${alias}" is already an artifact name; choose another alias`);
    }
    if (names.length === 0) throw registrationError(`alias "${alias}" needs at least one qualified name`);
    for (const name of names) {
      if (name.length === 0) throw registrationError(`alias "${alias}" has an empty qualified name`);
    }
    this.#aliases.set(alias, Object.freeze(names));
    for (const name of names) {
      const owners = this.#qualifiedNames.get(name);
      if (owners) owners.push(alias);
      else this.#qualifiedNames.set(name, [alias]);
    }
    return this;
  }

  /** Registers an artifact. Its name must be a word (`[A-Za-z0-9_]`, Unicode letters allowed). */
  registerArtifact(definition: ArtifactDefinition): this {
    const { name } = definition;
    if (name.length === 0 || ![...name].every(isPythonWordChar)) {
      throw registrationError(
        `artifact name "${name}" cannot be written in ${this.envVar}: use letters, digits and "_" only`,
      );
    }
    if (this.#artifacts.has(name)) throw registrationError(`artifact "${name}" is already registered`);
    if (this.#aliases.has(name) || name === "all") {
      throw registrationError(
        `artifact "${name}" would shadow the alias of the same name; choose another name`,
      );
    }
    this.#artifacts.set(
      name,
      Object.freeze({
        name,
        description: definition.description ?? "",
        visible: definition.visible ?? false,
        offByDefault: definition.offByDefault ?? false,
        logFormat: definition.logFormat,
      }),
    );
    return this;
  }

  /** Registers every component and artifact of the given tables, in order. */
  registerAll(components: readonly ComponentDefinition[], artifacts: readonly ArtifactDefinition[]): this {
    for (const c of components) this.registerComponent(c.alias, c.qualifiedNames);
    for (const a of artifacts) this.registerArtifact(a);
    return this;
  }

  /** A copy that can be extended without touching this registry. */
  clone(options: RegistryOptions = {}): Registry {
    const copy = new Registry({
      rootAlias: options.rootAlias ?? this.rootAlias,
      envVar: options.envVar ?? this.envVar,
      setLogsKeywords: options.setLogsKeywords ?? this.#setLogsKeywords,
      helpExamples: options.helpExamples ?? this.helpExamples,
      pytorchVersion: options.pytorchVersion ?? this.pytorchVersion,
    });
    for (const [alias, names] of this.#aliases) copy.registerComponent(alias, names);
    for (const artifact of this.#artifacts.values()) copy.registerArtifact(artifact);
    return copy;
  }

  /** alias → qualified names, in registration order. */
  get aliases(): ReadonlyMap<string, readonly string[]> {
    return this.#aliases;
  }

  /** artifact name → artifact, in registration order. */
  get artifacts(): ReadonlyMap<string, Artifact> {
    return this.#artifacts;
  }

  /** Every registered qualified name → the aliases that include it, in registration order. */
  get qualifiedNames(): ReadonlyMap<string, readonly string[]> {
    return this.#qualifiedNames;
  }

  /** The `setLogs` keywords, in application order. */
  get setLogsKeywords(): readonly string[] {
    if (this.#setLogsKeywords) return this.#setLogsKeywords;
    const keywords = this.rootAlias === undefined ? [] : ["all"];
    for (const alias of this.#aliases.keys()) if (alias !== this.rootAlias) keywords.push(alias);
    keywords.push(...this.#artifacts.keys());
    return keywords;
  }

  /** The nearest registered qualified name at or above `scope` in the dotted hierarchy, if any. */
  governingQualifiedName(scope: string): string | undefined {
    for (const name of selfAndAncestors(scope)) if (this.#qualifiedNames.has(name)) return name;
    return undefined;
  }
}

function checkSpellable(what: string, name: string): void {
  if (!isSpellableName(name) || name.startsWith("+") || name.startsWith("-")) {
    throw registrationError(
      `${what} "${name}" cannot be written in TORCH_LOGS: use letters, digits, "_" and "." only ` +
        `(register the scope under an alias instead)`,
    );
  }
}

function registrationError(message: string): TorchLogsError {
  return new TorchLogsError("registration", `Registry: ${message}`);
}
