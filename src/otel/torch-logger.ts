import { type Attributes, diag, type Logger, type LoggerProvider, logs } from "@opentelemetry/api";
import { PythonLevel } from "../language/levels.ts";
import { pythonLevelToSeverityNumber, pythonLevelToSeverityText } from "../language/severity.ts";
import { decideEmission } from "../language/torch-logs-settings.ts";
import { ARTIFACT_ATTRIBUTE } from "./attributes.ts";
import { formatMessage } from "./format-message.ts";
import type { TorchLogs } from "./torch-logs.ts";

/** A message: text (a `%s` template when arguments follow) or a function called only when the record is emitted. */
export type LogMessage = string | (() => string);

type LogMethod = (message: LogMessage | Error, ...args: unknown[]) => void;

const LEVELS: readonly number[] = [
  PythonLevel.DEBUG,
  PythonLevel.INFO,
  PythonLevel.WARNING,
  PythonLevel.ERROR,
  PythonLevel.CRITICAL,
];
const noop: LogMethod = () => {};

export interface TorchLoggerOptions {
  /** Where records go. Default: the global `@opentelemetry/api` `logs` provider (resolved at first emit). */
  readonly loggerProvider?: LoggerProvider;
  /** The artifact attribute key. Default `torch.artifact`. */
  readonly artifactAttribute?: string;
}

/**
 * A TORCH_LOGS-style logger for one qualified name (and optionally one artifact). Its level methods are
 * re-bound whenever the settings change: a disabled method is a no-op function, so a disabled call costs a
 * call and nothing is formatted or built. Records go to OTel with scope = the qualified name, the artifact
 * attribute, the OTel severity and Python's level name as severityText (WARNING → WARN).
 */
export class TorchLogger {
  readonly qualifiedName: string;
  readonly artifact: string | undefined;
  debug: LogMethod = noop;
  info: LogMethod = noop;
  warning: LogMethod = noop;
  /** Alias of `warning`. */
  warn: LogMethod = noop;
  error: LogMethod = noop;
  critical: LogMethod = noop;
  /** `error` that attaches an Error (the first or last argument) as OTel `exception.*` attributes. */
  exception: LogMethod = noop;
  #torchLogs: TorchLogs;
  readonly #options: TorchLoggerOptions;
  #enabled = new Set<number>();
  #provider: LoggerProvider | undefined;
  #reportedFormatError = false;
  #logger: Logger | undefined;

  constructor(
    torchLogs: TorchLogs,
    qualifiedName: string,
    artifact: string | undefined,
    options: TorchLoggerOptions,
  ) {
    this.#torchLogs = torchLogs;
    this.qualifiedName = qualifiedName;
    this.artifact = artifact;
    this.#options = options;
    this.configure();
  }

  /** Whether a record at this Python level would be emitted now. */
  isEnabledFor(level: number): boolean {
    return this.#decide(level);
  }

  /** Logs at any Python level (`log.log(15, "…")`). */
  log(level: number, message: LogMessage | Error, ...args: unknown[]): void {
    if (this.#decide(level)) this.#emit(level, message, args, false);
  }

  /** Follows other settings from now on (the facade does this when the process default changes). */
  bind(torchLogs: TorchLogs): void {
    this.#torchLogs = torchLogs;
    this.configure();
  }

  /** Re-reads the settings and re-binds the level methods. Called for you on every settings change. */
  configure(): void {
    this.#enabled = new Set(LEVELS.filter((level) => this.#decide(level)));
    this.debug = this.#method(PythonLevel.DEBUG, false);
    this.info = this.#method(PythonLevel.INFO, false);
    this.warning = this.#method(PythonLevel.WARNING, false);
    this.warn = this.warning;
    this.error = this.#method(PythonLevel.ERROR, false);
    this.critical = this.#method(PythonLevel.CRITICAL, false);
    this.exception = this.#method(PythonLevel.ERROR, true);
  }

  #decide(level: number): boolean {
    const settings = this.#torchLogs.settings;
    const scope = settings.scope(this.qualifiedName);
    const artifact = this.artifact === undefined ? undefined : settings.artifact(this.artifact);
    // A name no component governs behaves like an unconfigured Python logger (WARNING and above), except
    // that an artifact switched on shows, as it would through the processor, which passes such scopes.
    if (!scope.governed) return level >= (artifact?.enabled ? PythonLevel.DEBUG : scope.level);
    return decideEmission(scope, level, artifact);
  }

  #method(level: number, exception: boolean): LogMethod {
    if (!this.#enabled.has(level)) return noop;
    return (message, ...args) => this.#emit(level, message, args, exception);
  }

  /** The OTel logger of the current provider: the global one may be replaced (a new pipeline, a test). */
  #otelLogger(): Logger {
    const provider = this.#options.loggerProvider ?? logs.getLoggerProvider();
    if (provider !== this.#provider || this.#logger === undefined) {
      this.#provider = provider;
      this.#logger = provider.getLogger(this.qualifiedName);
    }
    return this.#logger;
  }

  #emit(level: number, message: LogMessage | Error, args: unknown[], exception: boolean): void {
    let error: Error | undefined;
    let body: string;
    if (message instanceof Error) {
      error = message;
      body = message.message;
    } else {
      const last = args.at(-1);
      if (last instanceof Error && (exception || args.length > countPlaceholders(message))) {
        error = last;
        args = args.slice(0, -1);
      }
      body = this.#body(message, args);
    }
    const attributes: Attributes = {};
    if (this.artifact !== undefined)
      attributes[this.#options.artifactAttribute ?? ARTIFACT_ATTRIBUTE] = this.artifact;
    if (error !== undefined) {
      attributes["exception.type"] = error.name;
      attributes["exception.message"] = error.message;
      if (error.stack !== undefined) attributes["exception.stacktrace"] = error.stack;
    }
    this.#otelLogger().emit({
      severityNumber: SEVERITY_NUMBERS.get(level) ?? pythonLevelToSeverityNumber(level),
      severityText: SEVERITY_TEXTS.get(level) ?? pythonLevelToSeverityText(level),
      body,
      attributes,
    });
  }

  /**
   * The message text. Like Python's logging, a message that fails to format (a throwing lazy function, a
   * `%d` given a Symbol) does not throw into the application: the record keeps the template and says why.
   */
  #body(message: LogMessage, args: unknown[]): string {
    try {
      return typeof message === "function" ? message() : formatMessage(message, args);
    } catch (error) {
      if (!this.#reportedFormatError) {
        this.#reportedFormatError = true;
        diag.warn(`TorchLogger ${this.qualifiedName}: a log message failed to format: ${String(error)}`);
      }
      const template = typeof message === "function" ? "<message function threw>" : message;
      return `${template} (formatting failed: ${safeString(error)})`;
    }
  }
}

const SEVERITY_NUMBERS = new Map(LEVELS.map((level) => [level, pythonLevelToSeverityNumber(level)]));
const SEVERITY_TEXTS = new Map(LEVELS.map((level) => [level, pythonLevelToSeverityText(level)]));

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function countPlaceholders(message: LogMessage): number {
  if (typeof message !== "string") return 0;
  return (message.match(/%[srdifx]/g) ?? []).length;
}
