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
  readonly text: string;
  readonly settings: Readonly<Record<string, unknown>>;
}

function parseModule(text: string): ModuleConfig | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? { text, settings: value as Record<string, unknown> }
      : undefined;
  } catch {
    // not JSON (cut or hand-edited): left out
    return undefined;
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
 * configuration but for the odd `config.patch`, and PyTorch writes it anew into every compile's metrics
 * (35 KB in 2.15): a module whose text is the previous compile's is taken as it is — not parsed, hashed or
 * compared setting by setting again.
 */
export class CompileConfigs {
  /** The previous compile's modules, by name. */
  #previous: ReadonlyMap<string, ModuleConfig> | undefined;
  #previousBody = "";
  #previousHash = "";

  /** The config record of a `compilation_metrics` record (`metrics` its object); undefined when it has none. */
  record(metrics: Readonly<Record<string, unknown>>, of: TraceLogRecord): TraceLogRecord | undefined {
    const previous = this.#previous;
    const modules = new Map<string, ModuleConfig>();
    let same = previous !== undefined;
    for (const [field, module] of MODULES) {
      const text = metrics[field];
      if (typeof text !== "string") continue;
      const before = previous?.get(module);
      const config = before?.text === text ? before : parseModule(text);
      if (config === undefined) continue;
      if (config !== before) same = false;
      modules.set(module, config);
    }
    if (!modules.has("dynamo")) {
      const flags: Record<string, unknown> = {};
      for (const [field, setting] of FLAGS)
        if (metrics[field] !== undefined && metrics[field] !== null) flags[setting] = metrics[field];
      if (Object.keys(flags).length > 0) {
        const text = JSON.stringify(flags);
        const before = previous?.get("dynamo");
        if (before?.text !== text) same = false;
        modules.set("dynamo", before?.text === text ? before : { text, settings: flags });
      }
    }
    if (modules.size === 0) return undefined;
    if (previous !== undefined && previous.size !== modules.size) same = false;
    const attributes: Attributes = {};
    for (const [key, value] of Object.entries(of.attributes))
      if (key.startsWith("torch.compile")) attributes[key] = value;
    for (const key of ["torch.rank", "torch.trace.dynamo_resets", "log.file.name", "process.pid"])
      if (of.attributes[key] !== undefined) attributes[key] = of.attributes[key];
    if (!same) {
      this.#previousBody = `{${[...modules].map(([module, config]) => `${JSON.stringify(module)}:${config.text}`).join(",")}}`;
      this.#previousHash = hash("md5", this.#previousBody, "hex").slice(0, 16);
    }
    attributes[CONFIG_ATTRIBUTES.hash] = this.#previousHash;
    if (previous !== undefined) {
      const changed = same ? [] : changedSettings(previous, modules);
      attributes[CONFIG_ATTRIBUTES.changed] = changed.slice(0, MAX_FLATTENED_FIELDS).map(([key]) => key);
      for (const [key, value] of changed.slice(0, MAX_FLATTENED_FIELDS))
        if (value !== undefined)
          attributes[`${CONFIG_ATTRIBUTES.settingPrefix}${key}`] = attributeValueOf(value);
    }
    this.#previous = modules;
    return derivedRecord({
      eventName: DERIVED_EVENTS.config,
      scope: of.scope,
      level: 10,
      body: this.#previousBody,
      attributes,
      timestamp: of.timestamp,
      ...(of.spanContext !== undefined && { spanContext: of.spanContext }),
    });
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
