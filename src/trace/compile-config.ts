// The configuration in effect for each compile (tlparse #73, #45: "report entire config at time of
// compilation"). PyTorch writes it into every `compilation_metrics`: `dynamo_config`, `inductor_config`,
// `functorch_config` and `compiler_config` as JSON text (older releases only a few `config_*` flags). Each
// compile's metrics give a `torch.compile.config` record of the same compile (same compile id, same trace): the
// body holds every setting, `{"dynamo": {…}, "inductor": {…}, …}`; the attributes say which settings changed
// since the file's previous compile, with their new values, and a hash that names the whole configuration.

import { hash } from "node:crypto";
import type { Attributes, AttributeValue } from "@opentelemetry/api";
import { DERIVED_EVENTS, derivedRecord } from "./derived-record.ts";
import type { TraceLogRecord } from "./to-trace-log-record.ts";
import { MAX_ATTRIBUTE_CHARS, MAX_FLATTENED_FIELDS } from "./trace-attributes.ts";

export const CONFIG_ATTRIBUTES = {
  /** 16 hex digits of the MD5 of the record's body (every module as PyTorch wrote it): alike compiles share it. */
  hash: "torch.compile.config.hash",
  /** `module.setting` of each setting that differs from the file's previous compile (absent for the first). */
  changed: "torch.compile.config.changed",
  /** Prefix of a changed setting's new value: `torch.compile.config.inductor.max_autotune`. */
  settingPrefix: "torch.compile.config.",
} as const;

/** The metrics fields that hold a module's configuration as JSON text. */
const MODULES: readonly (readonly [field: string, module: string])[] = [
  ["dynamo_config", "dynamo"],
  ["inductor_config", "inductor"],
  ["functorch_config", "functorch"],
  ["compiler_config", "compiler"],
];

/** Dynamo settings older releases report as fields of their own. */
const FLAGS: readonly (readonly [field: string, setting: string])[] = [
  ["config_suppress_errors", "suppress_errors"],
  ["config_inline_inbuilt_nn_modules", "inline_inbuilt_nn_modules"],
  ["specialize_float", "specialize_float"],
];

/** A module's configuration as PyTorch wrote it (JSON text of an object), and that object. */
interface ModuleConfig {
  /** Tells cached configurations apart: never reused within a file. */
  readonly id: number;
  readonly text: string;
  readonly settings: Readonly<Record<string, unknown>>;
}

/** A compile's whole configuration: its modules in order, the record body and its hash. */
interface Configuration {
  /** The modules' names and ids: equal keys, equal configurations. */
  readonly key: string;
  readonly modules: ReadonlyMap<string, ModuleConfig>;
  readonly body: string;
  readonly hash: string;
}

/** What each cache may hold before it is emptied: texts in all (module texts, bodies), and entries. */
const CACHE_CHARS = 8 * 1024 * 1024;
const CACHE_ENTRIES = 256;

export interface CacheLimits {
  readonly chars: number;
  readonly entries: number;
}

function parseModule(text: string, id: number): ModuleConfig | null {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? { id, text, settings: value as Record<string, unknown> }
      : null;
  } catch {
    // not JSON (cut or hand-edited): left out
    return null;
  }
}

/** A setting's value as an attribute: scalars as they are, structures as JSON text; cut like metadata. */
function attributeValueOf(value: unknown): AttributeValue {
  const text =
    typeof value === "number" || typeof value === "boolean"
      ? value
      : typeof value === "string"
        ? value
        : JSON.stringify(value);
  return typeof text === "string" && text.length > MAX_ATTRIBUTE_CHARS
    ? `${text.slice(0, MAX_ATTRIBUTE_CHARS)}…`
    : text;
}

/**
 * The configurations of one file's compiles, each compared with the one before. A run's compiles share one
 * configuration but for the odd `config.patch` or functions compiled with other options, and PyTorch writes
 * it anew into every compile's metrics (35 KB in 2.15): a module text seen before is not parsed again, a
 * configuration seen before not hashed again, and a change seen before not compared setting by setting again.
 * The caches are bounded (CACHE_CHARS, CACHE_ENTRIES) and emptied when full, which costs only time.
 */
export class CompileConfigs {
  readonly #limits: CacheLimits;
  #previous: Configuration | undefined;
  /** By text; null: not a JSON object. */
  readonly #modules = new Map<string, ModuleConfig | null>();
  #moduleChars = 0;
  #nextId = 0;
  readonly #configurations = new Map<string, Configuration>();
  #configurationChars = 0;
  /** By `previousKey>key`. */
  readonly #changes = new Map<string, readonly (readonly [string, unknown])[]>();

  constructor(limits: CacheLimits = { chars: CACHE_CHARS, entries: CACHE_ENTRIES }) {
    this.#limits = limits;
  }

  /** The config record of a `compilation_metrics` record (`metrics` its object); undefined when it has none. */
  record(metrics: Readonly<Record<string, unknown>>, of: TraceLogRecord): TraceLogRecord | undefined {
    const configuration = this.#configurationOf(metrics);
    if (configuration === undefined) return undefined;
    const previous = this.#previous;
    const attributes: Attributes = {};
    for (const [key, value] of Object.entries(of.attributes))
      if (key.startsWith("torch.compile")) attributes[key] = value;
    for (const key of ["torch.rank", "torch.trace.dynamo_resets", "log.file.name", "process.pid"])
      if (of.attributes[key] !== undefined) attributes[key] = of.attributes[key];
    attributes[CONFIG_ATTRIBUTES.hash] = configuration.hash;
    if (previous !== undefined) {
      const changed = this.#changesBetween(previous, configuration).slice(0, MAX_FLATTENED_FIELDS);
      attributes[CONFIG_ATTRIBUTES.changed] = changed.map(([key]) => key);
      for (const [key, value] of changed)
        if (value !== undefined)
          attributes[`${CONFIG_ATTRIBUTES.settingPrefix}${key}`] = attributeValueOf(value);
    }
    this.#previous = configuration;
    return derivedRecord({
      eventName: DERIVED_EVENTS.config,
      scope: of.scope,
      level: 10,
      body: configuration.body,
      attributes,
      timestamp: of.timestamp,
      ...(of.spanContext !== undefined && { spanContext: of.spanContext }),
    });
  }

  #configurationOf(metrics: Readonly<Record<string, unknown>>): Configuration | undefined {
    const modules: [string, ModuleConfig][] = [];
    for (const [field, module] of MODULES) {
      const text = metrics[field];
      if (typeof text !== "string") continue;
      const config = this.#moduleOf(text);
      if (config !== null) modules.push([module, config]);
    }
    if (!modules.some(([module]) => module === "dynamo")) {
      const flags: Record<string, unknown> = {};
      for (const [field, setting] of FLAGS)
        if (metrics[field] !== undefined && metrics[field] !== null) flags[setting] = metrics[field];
      if (Object.keys(flags).length > 0) {
        const config = this.#moduleOf(JSON.stringify(flags));
        if (config !== null) modules.push(["dynamo", config]);
      }
    }
    if (modules.length === 0) return undefined;
    const key = modules.map(([module, config]) => `${module}:${config.id}`).join(",");
    let configuration = this.#configurations.get(key);
    if (configuration === undefined) {
      const body = `{${modules.map(([module, config]) => `${JSON.stringify(module)}:${config.text}`).join(",")}}`;
      configuration = { key, modules: new Map(modules), body, hash: hash("md5", body, "hex").slice(0, 16) };
      if (
        this.#configurationChars + body.length > this.#limits.chars ||
        this.#configurations.size >= this.#limits.entries
      ) {
        this.#configurations.clear();
        this.#configurationChars = 0;
        // A change holds values of the configurations' settings: it goes with them.
        this.#changes.clear();
      }
      this.#configurations.set(key, configuration);
      this.#configurationChars += body.length;
    }
    return configuration;
  }

  #moduleOf(text: string): ModuleConfig | null {
    let config = this.#modules.get(text);
    if (config !== undefined) return config;
    if (this.#moduleChars + text.length > this.#limits.chars || this.#modules.size >= this.#limits.entries)
      this.#empty();
    config = parseModule(text, this.#nextId++);
    this.#modules.set(text, config);
    this.#moduleChars += text.length;
    return config;
  }

  #changesBetween(previous: Configuration, now: Configuration): readonly (readonly [string, unknown])[] {
    if (previous.key === now.key) return [];
    const key = `${previous.key}>${now.key}`;
    let changed = this.#changes.get(key);
    if (changed === undefined) {
      changed = changedSettings(previous.modules, now.modules);
      if (this.#changes.size >= this.#limits.entries) this.#changes.clear();
      this.#changes.set(key, changed);
    }
    return changed;
  }

  #empty(): void {
    this.#modules.clear();
    this.#moduleChars = 0;
    this.#configurations.clear();
    this.#configurationChars = 0;
    this.#changes.clear();
  }
}

/** `module.setting` and its new value (undefined: removed) for each setting that differs, sorted. */
function changedSettings(
  before: ReadonlyMap<string, ModuleConfig>,
  after: ReadonlyMap<string, ModuleConfig>,
): [string, unknown][] {
  const changed: [string, unknown][] = [];
  for (const module of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(module);
    const now = after.get(module);
    if (old === now) continue;
    const settings = new Set([...Object.keys(old?.settings ?? {}), ...Object.keys(now?.settings ?? {})]);
    for (const key of settings) {
      const value = now?.settings[key];
      if (JSON.stringify(old?.settings[key]) !== JSON.stringify(value))
        changed.push([`${module}.${key}`, value]);
    }
  }
  return changed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
