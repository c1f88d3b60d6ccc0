import type { Context } from "@opentelemetry/api";
import type { InstrumentationScope } from "@opentelemetry/core";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import type { SetLogsOptions } from "../language/set-logs.ts";
import {
  type ArtifactDecision,
  decideEmission,
  type TorchLogsSettings,
} from "../language/torch-logs-settings.ts";
import { ARTIFACT_ATTRIBUTE } from "./attributes.ts";
import { RankFilter } from "./rank-filter.ts";
import {
  compileScopeFilter,
  levelOf,
  reaches,
  type ScopeFilter,
  severityOf,
  UNFILTERED,
  type UngovernedScopes,
} from "./scope-filter.ts";
import { TorchLogs } from "./torch-logs.ts";
import type { TorchLogsLogRecordProcessorOptions } from "./torch-logs-log-record-processor-options.ts";
import { warnOnce } from "./warn-once.ts";

export type { TorchLogsLogRecordProcessorOptions } from "./torch-logs-log-record-processor-options.ts";

/** Counters since construction. */
export interface TorchLogsProcessorStats {
  /** Records handed to the delegate. */
  readonly passed: number;
  /**
   * Records TORCH_LOGS rejected in `onEmit` (never reached the delegate). Records rejected earlier, when the
   * SDK's `Logger.emit` asks `enabled()`, are not counted: `enabled()` cannot tell an emit from an explicit
   * `logger.enabled()` check.
   */
  readonly filtered: number;
}

/** Scopes whose compiled filter is kept; past it the oldest is forgotten (recompiled if seen again). */
const SCOPE_FILTER_CACHE_SIZE = 1024;

const MAX_WARNINGS = 20;

type Tagged = InstrumentationScope & Record<symbol, ScopeFilter | undefined>;

/**
 * A LogRecordProcessor that applies TORCH_LOGS before its delegate(s): records from a component's scope below
 * its level, and artifact records that are off, never reach the delegate (e.g. a BatchLogRecordProcessor with
 * an OTLP exporter). Wrap the exporting processor with it — a filter registered beside it cannot stop it.
 *
 * A record's artifact is, first, its `eventName` when that names an artifact; else the artifact of a
 * PyTorch-style scope name (`module.__artifact`); else the artifact attribute. `enabled()` sees the first two,
 * so it never answers false for a record `onEmit` would pass.
 */
export class TorchLogsLogRecordProcessor implements LogRecordProcessor {
  readonly torchLogs: TorchLogs;
  readonly #delegates: readonly LogRecordProcessor[];
  readonly #artifactAttribute: string | undefined;
  /** The only delegate, when there is one and records are passed on unchanged: called directly. */
  readonly #plainSingle: LogRecordProcessor | undefined;
  /** The artifact attribute, or `""` when attribute artifacts are off (a record with it takes the full path). */
  readonly #attributeToCheck: string;
  /** Some delegate has no `enabled()`: the SDK would treat it as always enabled. */
  readonly #delegatesAlwaysEnabled: boolean;
  readonly #ungoverned: UngovernedScopes;
  readonly #componentAttribute: string | undefined;
  /** Compiled filters of untagged scopes, for the settings in force, at most the cache size (oldest out first). */
  readonly #filters = new Map<InstrumentationScope, ScopeFilter>();
  /**
   * The first scopes seen (at most the cache size) carry their filter themselves, under this processor's own
   * symbol, as a non-enumerable property: one property load per lookup, no map. Untagged when the settings
   * change and at shutdown; frozen scopes, and scopes past the limit, are looked up in `#filters`.
   */
  readonly #tag: symbol = Symbol("TorchLogsLogRecordProcessor filter");
  readonly #tagged: InstrumentationScope[] = [];
  readonly #warned = new Set<string>();
  #valueWarnings = 0;
  #settings: TorchLogsSettings;
  #passed = 0;
  #filtered = 0;
  #shutdown: Promise<void> | undefined;
  readonly #unsubscribe: () => void;
  /** Last, so the fields the common case reads keep their places in the object whether or not it is set. */
  readonly #ranks: RankFilter | undefined;

  constructor(
    delegate: LogRecordProcessor | readonly LogRecordProcessor[],
    options: TorchLogsLogRecordProcessorOptions = {},
  ) {
    this.#delegates = Array.isArray(delegate) ? [...delegate] : [delegate as LogRecordProcessor];
    this.#ranks = options.ranks === undefined ? undefined : new RankFilter(options.ranks, options.rank);
    // With `ranks`, every record takes the full path (the fast path stays as it is without).
    const plain = options.componentAttribute === undefined && this.#ranks === undefined;
    this.#plainSingle = this.#delegates.length === 1 && plain ? this.#delegates[0] : undefined;
    this.#delegatesAlwaysEnabled = this.#delegates.some((d) => d.enabled === undefined);
    this.#artifactAttribute =
      options.artifactAttribute === false ? undefined : (options.artifactAttribute ?? ARTIFACT_ATTRIBUTE);
    this.#attributeToCheck = this.#artifactAttribute ?? "";
    this.#ungoverned = options.ungovernedScopes ?? "pass";
    this.#componentAttribute = options.componentAttribute;
    this.torchLogs =
      options.torchLogs ??
      new TorchLogs({
        ...options,
        onWarning: options.onWarning ?? ((message) => warnOnce(`TorchLogsLogRecordProcessor: ${message}`)),
      });
    this.#settings = this.torchLogs.settings;
    this.#unsubscribe = this.torchLogs.subscribe((settings) => {
      this.#settings = settings;
      this.#forgetFilters();
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

  // The common case (a numeric severity at or above the scope's threshold, no eventName, no artifact attribute, a
  // single plain delegate) is decided and delivered in this one function, with the filter lookup written out. By
  // the time V8 reaches a processor while optimizing the SDK's Logger.emit, the SDK's own code has usually used
  // up that function's inlining budget (920 bytecodes): this function then costs one call and takes nothing from
  // the budget, where the former small steps (admits, deliver, #filterOf) took from it when inlined, or cost a call
  // each. Everything else takes `#emitSlow`.
  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    const scope = logRecord.instrumentationScope;
    const filter = (scope as Tagged)[this.#tag] ?? this.lookup(scope);
    const severity = logRecord.severityNumber;
    const single = this.#plainSingle;
    if (
      typeof severity === "number" &&
      severity >= filter.passesFrom &&
      logRecord.eventName === undefined &&
      logRecord.attributes[this.#attributeToCheck] === undefined &&
      single !== undefined
    ) {
      this.#passed++;
      try {
        single.onEmit(logRecord, context);
      } catch (error) {
        this.#delegateFailed(error);
      }
      return;
    }
    this.#emitSlow(logRecord, context, filter);
  }

  enabled(options: {
    context: Context;
    instrumentationScope: InstrumentationScope;
    severityNumber?: number;
    eventName?: string;
  }): boolean {
    // The common case (a positive severity, no eventName, a delegate without enabled()) first, in as few bytecodes
    // as it takes (78: the lookup written out, `lookup` and `enabledSlow` TypeScript-private, as a #private call
    // adds a brand check): V8 inlines this into the SDK's Logger.enabled(), and what it takes from that inlining
    // budget, the SDK's own code loses.
    const severity = options.severityNumber;
    if (
      typeof severity === "number" &&
      severity > 0 &&
      options.eventName === undefined &&
      this.#delegatesAlwaysEnabled
    ) {
      const scope = options.instrumentationScope;
      return severity >= ((scope as Tagged)[this.#tag] ?? this.lookup(scope)).enabledSeverity;
    }
    return this.enabledSlow(options);
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
      this.#forgetFilters();
      this.#shutdown = Promise.all(
        this.#delegates.map((d) => Promise.resolve().then(() => d.shutdown())),
      ).then(() => {});
    }
    return this.#shutdown;
  }

  #forgetFilters(): void {
    this.#filters.clear();
    for (const scope of this.#tagged) (scope as Tagged)[this.#tag] = undefined;
    this.#tagged.length = 0;
  }

  #filterOf(scope: InstrumentationScope): ScopeFilter {
    return (scope as Tagged)[this.#tag] ?? this.lookup(scope);
  }

  /** The filter of a scope not tagged (yet): from the map, else compiled, then tagged or kept in the map. */
  private lookup(scope: InstrumentationScope): ScopeFilter {
    const cached = this.#filters.get(scope);
    if (cached !== undefined) return cached;
    const filter = this.#compile(scope);
    if (filter === UNFILTERED) return filter;
    if (this.#tagged.length < SCOPE_FILTER_CACHE_SIZE && Object.isExtensible(scope)) {
      Object.defineProperty(scope, this.#tag, { value: filter, writable: true, configurable: true });
      this.#tagged.push(scope);
    } else {
      // Scope names can be as many as an application makes up: keep the cache bounded.
      if (this.#filters.size >= SCOPE_FILTER_CACHE_SIZE) {
        const oldest = this.#filters.keys().next().value;
        if (oldest !== undefined) this.#filters.delete(oldest);
      }
      this.#filters.set(scope, filter);
    }
    return filter;
  }

  #compile(scope: InstrumentationScope): ScopeFilter {
    try {
      return compileScopeFilter(
        this.#settings,
        scope.name,
        this.#ungoverned,
        this.#artifactAttribute !== undefined,
      );
    } catch (error) {
      // Never lose a record, nor throw into the caller, because of a bug in the filter.
      this.#warnOnce("internal", `filter failed, record passed unfiltered: ${String(error)}`);
      return UNFILTERED;
    }
  }

  /** The full decision for any record, then delivery to every delegate (counted as passed or filtered). */
  #emitSlow(logRecord: ReadWriteLogRecord, context: Context | undefined, filter: ScopeFilter): void {
    if (!this.#passes(logRecord, filter) || this.#ranks?.admits(logRecord) === false) {
      this.#filtered++;
      return;
    }
    this.#passed++;
    this.#deliverToAll(logRecord, context);
  }

  /** Hands a passing record to every delegate, after adding the component attribute if asked. */
  #deliverToAll(logRecord: ReadWriteLogRecord, context: Context | undefined): void {
    if (this.#componentAttribute !== undefined) this.#enrich(logRecord);
    for (const delegate of this.#delegates) {
      try {
        delegate.onEmit(logRecord, context);
      } catch (error) {
        this.#delegateFailed(error);
      }
    }
  }

  #delegateFailed(error: unknown): void {
    this.#warnOnce("delegate onEmit", `delegate onEmit threw: ${String(error)}`);
  }

  /** enabled() for any case: eventName artifacts, non-numeric or UNSPECIFIED severities, delegates to ask. */
  private enabledSlow(options: {
    context: Context;
    instrumentationScope: InstrumentationScope;
    severityNumber?: number;
    eventName?: string;
  }): boolean {
    try {
      const filter = this.#filterOf(options.instrumentationScope);
      const severity = severityOf(options.severityNumber);
      const event = options.eventName === undefined ? undefined : this.#eventArtifact(options.eventName);
      if (event !== undefined && filter.decision.governed) {
        if (!decideEmission(filter.decision, levelOf(severity), event)) return false;
      } else if (!filter.passesAll && !reaches(severity, filter.enabledSeverity)) {
        return false;
      }
    } catch (error) {
      this.#warnOnce("internal", `enabled() failed, answered true: ${String(error)}`);
    }
    if (this.#delegatesAlwaysEnabled) return true;
    for (const delegate of this.#delegates) {
      try {
        if (delegate.enabled?.(options)) return true;
      } catch (error) {
        this.#warnOnce("delegate enabled", `delegate enabled() threw, answered true: ${String(error)}`);
        return true;
      }
    }
    return false;
  }

  /** The full decision for a record of a filtered scope: eventName, scope-name artifact, then the attribute. */
  #passes(record: ReadWriteLogRecord, filter: ScopeFilter): boolean {
    try {
      if (filter.passesAll) return true;
      const severity = severityOf(record.severityNumber);
      if (!filter.decision.governed) return reaches(severity, filter.minimumSeverity);
      const eventName = record.eventName;
      const raw =
        this.#artifactAttribute === undefined ? undefined : record.attributes[this.#artifactAttribute];
      // eventName and the scope name decide before the attribute: enabled() sees them (and only them).
      const artifact =
        (eventName === undefined ? undefined : this.#eventArtifact(eventName)) ??
        filter.scopeArtifact ??
        (raw === undefined ? undefined : this.#artifact(raw, record));
      if (artifact === undefined) return reaches(severity, filter.minimumSeverity);
      return decideEmission(filter.decision, levelOf(severity), artifact);
    } catch (error) {
      this.#warnOnce("internal", `filter failed, record passed unfiltered: ${String(error)}`);
      return true;
    }
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
    const alias = this.#filterOf(record.instrumentationScope).decision.aliases[0];
    if (alias !== undefined && this.#componentAttribute !== undefined)
      record.setAttribute(this.#componentAttribute, alias);
  }

  /**
   * Reports each kind of problem once. Per-value keys (`unknown:<name>`) share a budget so that arbitrary
   * attribute values cannot flood diag; the fixed keys (`internal`, `delegate onEmit`, `delegate enabled`) are
   * always reported once each.
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
