export {
  ARTIFACT_ATTRIBUTE,
  COMPILE_ID_ATTRIBUTE,
  COMPONENT_ATTRIBUTE,
  RANK_ATTRIBUTE,
} from "./attributes.ts";
export type { CollectorFilterOptions } from "./collector-filter.ts";
export { collectorFilterConditions, formatCollectorFilterConfig } from "./collector-filter.ts";
export { escapeControlCharacters } from "./console/escape-control-characters.ts";
export type { FormatTorchLogLinesOptions } from "./console/format-torch-line.ts";
export { formatTorchLogLines } from "./console/format-torch-line.ts";
export type { TorchLogsFormat } from "./console/parse-torch-logs-format.ts";
export { BASIC_FORMAT, parseTorchLogsFormat } from "./console/parse-torch-logs-format.ts";
export { parseTraceIdFilter } from "./console/parse-trace-id-filter.ts";
export type { TorchLogRecordInput } from "./console/read-torch-record.ts";
export type { TorchConsoleLogRecordExporterOptions } from "./console/torch-console-log-record-exporter.ts";
export { TorchConsoleLogRecordExporter } from "./console/torch-console-log-record-exporter.ts";
export { torchConsoleOptionsFromEnv } from "./console/torch-console-options-from-env.ts";
export type { DeliveryStats } from "./delivery-counter.ts";
export type { Environment } from "./env.ts";
export type { FormatHelpOptions } from "./format-help.ts";
export { formatHelp, formatInvalidSettings, validSettingNames } from "./format-help.ts";
export { formatMessage } from "./format-message.ts";
export type { GetLoggerOptions } from "./get-logger.ts";
export { getArtifactLogger, getLogger, setDefaultTorchLogs } from "./get-logger.ts";
export type { CompileId } from "./ingest/parse-compile-id.ts";
export { parseCompileId } from "./ingest/parse-compile-id.ts";
export type { LogLevel } from "./ingest/parse-log-level.ts";
export type {
  OtherLine,
  ParsedLine,
  PytorchLogFormat,
  PytorchLogTime,
  TorchLogLine,
} from "./ingest/parse-pytorch-line.ts";
export { parsePytorchLine } from "./ingest/parse-pytorch-line.ts";
export type {
  OtherLogRecord,
  PytorchLogParserBuffer,
  PytorchLogParserOptions,
  PytorchLogParserStats,
  PytorchLogRecord,
  TorchLogRecord,
} from "./ingest/pytorch-log-parser.ts";
export { PytorchLogParser, parsePytorchLog } from "./ingest/pytorch-log-parser.ts";
export type { ResolveLogTimeOptions } from "./ingest/resolve-log-time.ts";
export { resolveLogTime } from "./ingest/resolve-log-time.ts";
export { scopeFromPath } from "./ingest/scope-from-path.ts";
export type { MappedLogRecord, ToLogRecordOptions } from "./ingest/to-log-record.ts";
export {
  FALLBACK_TORCH_SCOPE,
  INGEST_ATTRIBUTES,
  OTHER_LINES_SCOPE,
  toLogRecord,
} from "./ingest/to-log-record.ts";
export type { PythonLevelName } from "./levels.ts";
export { DEFAULT_LEVEL, formatPythonLevel, PythonLevel, parsePythonLevelName } from "./levels.ts";
export type { ModuleResolver, ModuleTable } from "./module-resolver.ts";
export { chainModuleResolvers, createModuleTableResolver, dottedNameResolver } from "./module-resolver.ts";
export {
  batchOptionsFromEnv,
  OtlpConfigError,
  otlpLogExporterFromEnv,
  otlpUrlFromEnv,
} from "./otlp-config-from-env.ts";
export type { LossyParseResult, ParseTorchLogsOptions } from "./parse-torch-logs.ts";
export { parseTorchLogs, parseTorchLogsLossy } from "./parse-torch-logs.ts";
export { registerLoggerProviderGlobally } from "./register-logger-provider.ts";
export type { Artifact, ArtifactDefinition, ComponentDefinition, RegistryOptions } from "./registry.ts";
export { Registry } from "./registry.ts";
export type { ScopeFilter, UngovernedScopes } from "./scope-filter.ts";
export { compileScopeFilter } from "./scope-filter.ts";
export type { BuildSetLogsOptions, SetLogsOptions } from "./set-logs.ts";
export { buildSetLogsSettings } from "./set-logs.ts";
export {
  pythonLevelToSeverityNumber,
  pythonLevelToSeverityText,
  severityNumberToPythonLevel,
} from "./severity.ts";
export type {
  OtlpLogsProtocol,
  StartTorchLogsOptions,
  TorchLogsPipeline,
  TorchLogsPipelineStats,
} from "./start-torch-logs.ts";
export { startTorchLogs } from "./start-torch-logs.ts";
export type { LogMessage, TorchLoggerOptions } from "./torch-logger.ts";
export { TorchLogger } from "./torch-logger.ts";
export type { SettingsListener, TorchLogsOptions } from "./torch-logs.ts";
export { TorchLogs } from "./torch-logs.ts";
export type { TorchLogsErrorDetails, TorchLogsErrorKind } from "./torch-logs-error.ts";
export { isTorchLogsError, TorchLogsError } from "./torch-logs-error.ts";
export type {
  TorchLogsLogRecordProcessorOptions,
  TorchLogsProcessorStats,
} from "./torch-logs-log-record-processor.ts";
export { TorchLogsLogRecordProcessor } from "./torch-logs-log-record-processor.ts";
export type { TorchLogsLoggerConfiguratorOptions } from "./torch-logs-logger-configurator.ts";
export { createTorchLogsLoggerConfigurator } from "./torch-logs-logger-configurator.ts";
export type { ArtifactDecision, ScopeDecision, TorchLogsSettingsInit } from "./torch-logs-settings.ts";
export { decideEmission, TorchLogsSettings } from "./torch-logs-settings.ts";
export { torchRegistry } from "./torch-registry.ts";
export { TORCH_ARTIFACTS, TORCH_COMPONENTS, TORCH_SET_LOGS_KEYWORDS } from "./torch-registry-data.ts";
