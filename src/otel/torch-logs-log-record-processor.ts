import type { Context } from "@opentelemetry/api";
import type { InstrumentationScope } from "@opentelemetry/core";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import type { SetLogsOptions } from "../language/set-logs.ts";
import { severityNumberToPythonLevel } from "../language/severity.ts";
import {
  type ArtifactDecision,
  decideEmission,
  type TorchLogsSettings,
} from "../language/torch-logs-settings.ts";
import { ARTIFACT_ATTRIBUTE } from "./attributes.ts";
import { compileScopeFilter, type ScopeFilter, type UngovernedScopes } from "./scope-filter.ts";
import { TorchLogs, type TorchLogsOptions } from "./torch-logs.ts";
import { warnOnce } from "./warn-once.ts";

export interface TorchLogsLogRecordProcessorOptions extends TorchLogsOptions {
  /**
   * The live settings to follow. Share one `TorchLogs` between processors, configurators and logger facades
   * so one `setLogs` changes them all. Default: a new `TorchLogs` from the other options (`TORCH_LOGS`; in
   * `"lossy"` mode, bad items are reported through `diag` and skipped).
   */
  readonly torchLogs?: TorchLogs;
  /**
   * The attribute that names a record's artifact. Default `ARTIFACT_ATTRIBUTE` (`torch.artifact`). `false`
   * turns attribute-borne artifacts off: artifacts then come only from the record's `eventName` or a
   * PyTorch-style scope name (`module.__artifact`), which `enabled()` sees, so it can drop every record the
   * processor would drop before the SDK builds it.
   */
  readonly artifactAttribute?: string | false;
  /**
   * Scopes no component governs (`@opentelemetry/instrumentation-http`, your app's): `"pass"` leaves them
   * untouched; `"drop"` is PyTorch's behaviour (only torch handlers print). Default `"pass"`.
   */
  readonly ungovernedScopes?: UngovernedScopes;
  /** Write the record's component alias to this attribute on passing governed records. Default: off. */
  readonly componentAttribute?: string;
}

/** Counters since construction. */
export interface TorchLogsProcessorStats {
  /** Records handed to the delegate. */
  readonly passed: number;
  /** Records TORCH_LOGS rejected (never reached the delegate). */
  readonly filtered: number;
}

interface CacheEntry {
  generation: number;
  filter: ScopeFilter;
}

const MAX_WARNINGS = 20;

/**
 * A LogRecordProcessor that applies TORCH_LOGS before its delegate(s): records from a component's scope below
 * its level, and artifact records that are off, never reach the delegate (e.g. a BatchLogRecordProcessor with
 * an OTLP exporter). Wrap the exporting processor with it — a filter registered beside it cannot stop it.
 */
export class TorchLogsLogRecordProcessor implements LogRecordProcessor {
  readonly torchLogs: TorchLogs;
  readonly #delegates: readonly LogRecordProcessor[];
  readonly #artifactAttribute: string | undefined;
  /** The only delegate, when there is one: called directly on the hot path. */
  readonly #single: LogRecordProcessor | undefined;
  /** Some delegate has no `enabled()`: the SDK would treat it as always enabled. */
  readonly #delegatesAlwaysEnabled: boolean;
  readonly #ungoverned: UngovernedScopes;
  readonly #componentAttribute: string | undefined;
  readonly #cache = new WeakMap<InstrumentationScope, CacheEntry>();
  // enabled() and onEmit() of one record ask for the same scope back to back: remember the last one.
  #lastScope: InstrumentationScope | undefined;
  #lastEntry: CacheEntry | undefined;
  readonly #warned = new Set<string>();
  #valueWarnings = 0;
  #settings: TorchLogsSettings;
  #generation: number;
  #passed = 0;
  #filtered = 0;
  #shutdown: Promise<void> | undefined;
  readonly #unsubscribe: () => void;

  constructor(
    delegate: LogRecordProcessor | readonly LogRecordProcessor[],
    options: TorchLogsLogRecordProcessorOptions = {},
  ) {
    this.#delegates = Array.isArray(delegate) ? [...delegate] : [delegate as LogRecordProcessor];
    this.#single = this.#delegates.length === 1 ? this.#delegates[0] : undefined;
    this.#delegatesAlwaysEnabled = this.#delegates.some((d) => d.enabled === undefined);
    this.#artifactAttribute =
      options.artifactAttribute === false ? undefined : (options.artifactAttribute ?? ARTIFACT_ATTRIBUTE);
    this.#ungoverned = options.ungovernedScopes ?? "pass";
    this.#componentAttribute = options.componentAttribute;
    this.torchLogs =
      options.torchLogs ??
      new TorchLogs({
        ...options,
        onWarning: options.onWarning ?? ((message) => warnOnce(`TorchLogsLogRecordProcessor: ${message}`)),
      });
    this.#settings = this.torchLogs.settings;
    this.#generation = this.torchLogs.generation;
    this.#unsubscribe = this.torchLogs.subscribe((settings, generation) => {
      this.#settings = settings;
      this.#generation = generation;
    });
  }

  /** The settings in force. */
  get settings(): TorchLogsSettings {
    return this.#settings;
  }

  get stats(): TorchLogsProcessorStats {
    return { passed: this.#passed, filtered: this.#filtered };
  }

  /** PyTorch's `set_logs`, applied to every logger at once (ignored while TORCH_LOGS is set, as in PyTorch). */
  setLogs(options: SetLogsOptions = {}): TorchLogsSettings {
    return this.torchLogs.setLogs(options);
  }

  /** Replaces the settings for every existing and future logger. */
  update(settings: TorchLogsSettings): void {
    this.torchLogs.update(settings);
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    let pass = true;
    try {
      pass = this.#passes(logRecord);
    } catch (error) {
      // Never lose a record, nor throw into the caller, because of a bug in the filter.
      this.#warnOnce("internal", `filter failed, record passed unfiltered: ${String(error)}`);
    }
    if (!pass) {
      this.#filtered++;
      return;
    }
    this.#passed++;
    if (this.#componentAttribute !== undefined) this.#enrich(logRecord);
    const single = this.#single;
    if (single !== undefined) {
      try {
        single.onEmit(logRecord, context);
      } catch (error) {
        this.#warnOnce("delegate", `delegate onEmit threw: ${String(error)}`);
      }
      return;
    }
    for (const delegate of this.#delegates) {
      try {
        delegate.onEmit(logRecord, context);
      } catch (error) {
        this.#warnOnce("delegate", `delegate onEmit threw: ${String(error)}`);
      }
    }
  }

  enabled(options: {
    context: Context;
    instrumentationScope: InstrumentationScope;
    severityNumber?: number;
    eventName?: string;
  }): boolean {
    try {
      const severity = options.severityNumber ?? 0;
      const filter = this.#filter(options.instrumentationScope);
      const event = options.eventName === undefined ? undefined : this.#eventArtifact(options.eventName);
      if (event !== undefined && filter.decision.governed) {
        const level = severity === 0 ? Number.POSITIVE_INFINITY : severityNumberToPythonLevel(severity);
        if (!decideEmission(filter.decision, level, event)) return false;
      } else {
        const threshold = filter.enabledSeverity;
        if (severity < threshold && !(severity === 0 && threshold !== Number.POSITIVE_INFINITY)) return false;
      }
    } catch (error) {
      this.#warnOnce("internal", `enabled() failed, answered true: ${String(error)}`);
    }
    if (this.#delegatesAlwaysEnabled) return true;
    for (const delegate of this.#delegates) {
      try {
        if (delegate.enabled?.(options)) return true;
      } catch (error) {
        this.#warnOnce("delegate", `delegate enabled() threw, answered true: ${String(error)}`);
        return true;
      }
    }
    return false;
  }

  forceFlush(): Promise<void> {
    // A delegate that throws synchronously rejects this promise instead of throwing into the caller.
    return Promise.all(this.#delegates.map((d) => Promise.resolve().then(() => d.forceFlush()))).then(
      () => {},
    );
  }

  /** Shuts the delegates down once and stops following the settings; later calls return the same promise. */
  shutdown(): Promise<void> {
    if (this.#shutdown === undefined) {
      this.#unsubscribe();
      this.#shutdown = Promise.all(
        this.#delegates.map((d) => Promise.resolve().then(() => d.shutdown())),
      ).then(() => {});
    }
    return this.#shutdown;
  }

  #filter(scope: InstrumentationScope): ScopeFilter {
    const generation = this.#generation;
    const last = this.#lastEntry;
    if (this.#lastScope === scope && last !== undefined && last.generation === generation) return last.filter;
    let entry = this.#cache.get(scope);
    if (entry === undefined || entry.generation !== generation) {
      entry = {
        generation,
        filter: compileScopeFilter(
          this.#settings,
          scope.name,
          this.#ungoverned,
          this.#artifactAttribute !== undefined,
        ),
      };
      this.#cache.set(scope, entry);
    }
    this.#lastScope = scope;
    this.#lastEntry = entry;
    return entry.filter;
  }

  #passes(record: ReadWriteLogRecord): boolean {
    const filter = this.#filter(record.instrumentationScope);
    const severity = record.severityNumber ?? 0;
    const raw =
      this.#artifactAttribute === undefined ? undefined : record.attributes[this.#artifactAttribute];
    const eventName = record.eventName;
    if ((raw === undefined && eventName === undefined) || !filter.decision.governed) {
      return (
        severity >= filter.minimumSeverity ||
        (severity === 0 && filter.minimumSeverity !== Number.POSITIVE_INFINITY)
      );
    }
    // An eventName that names an artifact decides first: enabled() sees it (and only it), so both agree.
    const artifact =
      (eventName === undefined ? undefined : this.#eventArtifact(eventName)) ??
      (raw === undefined ? undefined : this.#artifact(raw, record)) ??
      filter.scopeArtifact;
    const level = severity === 0 ? Number.POSITIVE_INFINITY : severityNumberToPythonLevel(severity);
    return decideEmission(filter.decision, level, artifact);
  }

  /** An `eventName` that is a registered artifact's name makes the record an artifact record. */
  #eventArtifact(eventName: string): ArtifactDecision | undefined {
    const artifact = this.#settings.artifact(eventName);
    return artifact.known ? artifact : undefined;
  }

  /** The artifact a record names; a non-string or unregistered name makes it a plain record of its scope. */
  #artifact(raw: unknown, record: ReadWriteLogRecord): ArtifactDecision | undefined {
    if (typeof raw !== "string") {
      this.#warnOnce(
        `type:${typeof raw}`,
        `attribute ${String(this.#artifactAttribute)} must be a string, got ${typeof raw} (scope ${record.instrumentationScope.name}); ` +
          "the record is treated as a plain record of its scope",
      );
      return undefined;
    }
    const artifact = this.#settings.artifact(raw);
    if (!artifact.known) {
      this.#warnOnce(
        `unknown:${raw}`,
        `unknown artifact "${raw}" in ${String(this.#artifactAttribute)} (scope ${record.instrumentationScope.name}); ` +
          "the record is treated as a plain record of its scope — register the artifact to switch it",
      );
      return undefined;
    }
    return artifact;
  }

  #enrich(record: ReadWriteLogRecord): void {
    const alias = this.#filter(record.instrumentationScope).decision.aliases[0];
    if (alias !== undefined && this.#componentAttribute !== undefined)
      record.setAttribute(this.#componentAttribute, alias);
  }

  /**
   * Reports each kind of problem once. Per-value keys (`unknown:<name>`) share a budget so that arbitrary
   * attribute values cannot flood diag; the fixed keys (`internal`, `delegate`) are always reported once.
   */
  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    const perValue = key.includes(":");
    if (perValue && this.#valueWarnings >= MAX_WARNINGS) return;
    this.#warned.add(key);
    if (perValue) this.#valueWarnings++;
    warnOnce(`TorchLogsLogRecordProcessor: ${message}`);
  }
}
