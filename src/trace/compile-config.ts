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
  /** 16 hex digits of the MD5 of the whole configuration (keys sorted): compiles with the same are alike. */
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

/** The configuration of a `compilation_metrics` object by module; undefined when it reports none. */
export function configOf(
  metrics: Readonly<Record<string, unknown>>,
): Record<string, Record<string, unknown>> | undefined {
  const config: Record<string, Record<string, unknown>> = {};
  for (const [field, module] of MODULES) {
    const text = metrics[field];
    if (typeof text !== "string") continue;
    try {
      const value = JSON.parse(text) as unknown;
      if (value !== null && typeof value === "object" && !Array.isArray(value))
        config[module] = value as Record<string, unknown>;
    } catch {
      // not JSON (cut or hand-edited): left out
    }
  }
  if (config.dynamo === undefined) {
    const flags: Record<string, unknown> = {};
    for (const [field, setting] of FLAGS)
      if (metrics[field] !== undefined && metrics[field] !== null) flags[setting] = metrics[field];
    if (Object.keys(flags).length > 0) config.dynamo = flags;
  }
  return Object.keys(config).length === 0 ? undefined : config;
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

function attributeValueOf(value: unknown): AttributeValue {
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") {
    return typeof value === "string" && value.length > MAX_ATTRIBUTE_CHARS
      ? `${value.slice(0, MAX_ATTRIBUTE_CHARS)}…`
      : value;
  }
  const text = canonical(value);
  return text.length > MAX_ATTRIBUTE_CHARS ? `${text.slice(0, MAX_ATTRIBUTE_CHARS)}…` : text;
}

/** The configurations of one file's compiles, each compared with the one before. */
export class CompileConfigs {
  /** The previous configuration, `module.setting` → canonical JSON of its value. */
  #previous: Map<string, string> | undefined;

  /** The config record of a `compilation_metrics` record (`metrics` its object); undefined when it has none. */
  record(metrics: Readonly<Record<string, unknown>>, of: TraceLogRecord): TraceLogRecord | undefined {
    const config = configOf(metrics);
    if (config === undefined) return undefined;
    const settings = new Map<string, string>();
    const values = new Map<string, unknown>();
    for (const [module, fields] of Object.entries(config)) {
      for (const [key, value] of Object.entries(fields)) {
        settings.set(`${module}.${key}`, canonical(value));
        values.set(`${module}.${key}`, value);
      }
    }
    const attributes: Attributes = {};
    for (const [key, value] of Object.entries(of.attributes))
      if (key.startsWith("torch.compile")) attributes[key] = value;
    for (const key of ["torch.rank", "torch.trace.dynamo_resets", "log.file.name", "process.pid"])
      if (of.attributes[key] !== undefined) attributes[key] = of.attributes[key];
    attributes[CONFIG_ATTRIBUTES.hash] = hash("md5", canonical(config), "hex").slice(0, 16);
    const previous = this.#previous;
    if (previous !== undefined) {
      const changed = [...new Set([...settings.keys(), ...previous.keys()])]
        .filter((key) => settings.get(key) !== previous.get(key))
        .sort();
      attributes[CONFIG_ATTRIBUTES.changed] = changed.slice(0, MAX_FLATTENED_FIELDS);
      for (const key of changed.slice(0, MAX_FLATTENED_FIELDS))
        if (values.has(key))
          attributes[`${CONFIG_ATTRIBUTES.settingPrefix}${key}`] = attributeValueOf(values.get(key));
    }
    this.#previous = settings;
    return derivedRecord({
      eventName: DERIVED_EVENTS.config,
      scope: of.scope,
      level: 10,
      body: JSON.stringify(config),
      attributes,
      timestamp: of.timestamp,
      ...(of.spanContext !== undefined && { spanContext: of.spanContext }),
    });
  }
}
