export type { CollectorFilterOptions } from "./collector/collector-filter.ts";
export { collectorFilterConditions, formatCollectorFilterConfig } from "./collector/collector-filter.ts";
export type { FormatTorchLogLinesOptions } from "./console/format-torch-line.ts";
export { formatTorchLogLines } from "./console/format-torch-line.ts";
export type { TorchLogsFormat } from "./console/parse-torch-logs-format.ts";
export { BASIC_FORMAT, parseTorchLogsFormat } from "./console/parse-torch-logs-format.ts";
export { parseTraceIdFilter } from "./console/parse-trace-id-filter.ts";
export type { TorchLogRecordInput } from "./console/read-torch-record.ts";
export type {
  TextWritableStream,
  TorchConsoleLogRecordExporterOptions,
} from "./console/torch-console-log-record-exporter.ts";
export { TorchConsoleLogRecordExporter } from "./console/torch-console-log-record-exporter.ts";
export { torchConsoleOptionsFromEnv } from "./console/torch-console-options-from-env.ts";
export type { MappedLogRecord } from "./delivery/mapped-log-record.ts";
export { PytorchLogParser, parsePytorchLog } from "./ingest/pytorch-log-parser.ts";
export type {
  OtherLogRecord,
  PytorchLogParserBuffer,
  PytorchLogParserOptions,
  PytorchLogParserStats,
  PytorchLogRecord,
  TorchLogRecord,
} from "./ingest/pytorch-log-record.ts";
export type { ToLogRecordOptions } from "./ingest/to-log-record.ts";
export { INGEST_ATTRIBUTES, OTHER_LINES_SCOPE, toLogRecord } from "./ingest/to-log-record.ts";
export { escapeControlCharacters } from "./language/escape-control-characters.ts";
export type { FormatHelpOptions } from "./language/format-help.ts";
export { formatHelp, formatInvalidSettings, validSettingNames } from "./language/format-help.ts";
export type { PythonLevelName } from "./language/levels.ts";
export { DEFAULT_LEVEL, formatPythonLevel, PythonLevel, parsePythonLevelName } from "./language/levels.ts";
export type { ModuleResolver, ModuleSpec, ModuleTable } from "./language/module-resolver.ts";
export {
  chainModuleResolvers,
  createModuleSpecResolver,
  createModuleTableResolver,
  createOpenModuleResolver,
  dottedNameResolver,
} from "./language/module-resolver.ts";
export type { LossyParseResult, ParseTorchLogsOptions } from "./language/parse-torch-logs.ts";
export { parseTorchLogs, parseTorchLogsLossy } from "./language/parse-torch-logs.ts";
export type { RankSelection } from "./language/rank-selection.ts";
export { parseRanks } from "./language/rank-selection.ts";
export type {
  Artifact,
  ArtifactDefinition,
  ComponentDefinition,
  RegistryOptions,
  TorchRegistryData,
} from "./language/registry.ts";
export { Registry } from "./language/registry.ts";
export type { BuildSetLogsOptions, SetLogsOptions } from "./language/set-logs.ts";
export { buildSetLogsSettings } from "./language/set-logs.ts";
export {
  pythonLevelToSeverityNumber,
  pythonLevelToSeverityText,
  severityNumberToPythonLevel,
} from "./language/severity.ts";
export type { TorchLogsErrorDetails, TorchLogsErrorKind } from "./language/torch-logs-error.ts";
export { isTorchLogsError, TorchLogsError } from "./language/torch-logs-error.ts";
export type {
  ArtifactDecision,
  ScopeDecision,
  TorchLogsSettingsInit,
} from "./language/torch-logs-settings.ts";
export { decideEmission, TorchLogsSettings } from "./language/torch-logs-settings.ts";
export type { TorchRegistryOptions } from "./language/torch-registry.ts";
export {
  findPytorchRelease,
  PYTORCH_VERSIONS,
  TORCH_ARTIFACTS,
  TORCH_COMPONENTS,
  TORCH_SET_LOGS_KEYWORDS,
  torchRegistry,
} from "./language/torch-registry.ts";
export {
  ARTIFACT_ATTRIBUTE,
  COMPILE_ID_ATTRIBUTE,
  COMPONENT_ATTRIBUTE,
  RANK_ATTRIBUTE,
} from "./otel/attributes.ts";
export type { DeliveryStats } from "./otel/delivery-counter.ts";
export type { Environment } from "./otel/env.ts";
export { formatMessage } from "./otel/format-message.ts";
export type { GetLoggerOptions } from "./otel/get-logger.ts";
export { getArtifactLogger, getLogger, setDefaultTorchLogs } from "./otel/get-logger.ts";
export {
  batchOptionsFromEnv,
  OtlpConfigError,
  otlpLogExporterFromEnv,
  otlpUrlFromEnv,
} from "./otel/otlp-config-from-env.ts";
export type { OtlpLogExporterOptions, PartialSuccessExportResult } from "./otel/otlp-log-exporter.ts";
export { OtlpLogExporter } from "./otel/otlp-log-exporter.ts";
export type { OtlpAttempt, OtlpRetryPolicy } from "./otel/otlp-retry-policy.ts";
export type { GlobalRegistration } from "./otel/register-logger-provider.ts";
export { registerLoggerProviderGlobally } from "./otel/register-logger-provider.ts";
export type { ScopeFilter, UngovernedScopes } from "./otel/scope-filter.ts";
export { compileScopeFilter } from "./otel/scope-filter.ts";
export type { LogMessage, TorchLoggerOptions } from "./otel/torch-logger.ts";
export { TorchLogger } from "./otel/torch-logger.ts";
export type { SettingsListener, TorchLogsOptions } from "./otel/torch-logs.ts";
export { TorchLogs } from "./otel/torch-logs.ts";
export type {
  TorchLogsLogRecordProcessorOptions,
  TorchLogsProcessorStats,
} from "./otel/torch-logs-log-record-processor.ts";
export { TorchLogsLogRecordProcessor } from "./otel/torch-logs-log-record-processor.ts";
export type { TorchLogsLoggerConfiguratorOptions } from "./otel/torch-logs-logger-configurator.ts";
export { createTorchLogsLoggerConfigurator } from "./otel/torch-logs-logger-configurator.ts";
export { PythonProbeError } from "./python/python-probe-error.ts";
export type { ReadTorchRegistryOptions } from "./python/read-torch-registry.ts";
export { readTorchRegistry } from "./python/read-torch-registry.ts";
export type { LogFormatMatcher } from "./pytorch-line/compile-log-format-matcher.ts";
export { compileLogFormatMatcher } from "./pytorch-line/compile-log-format-matcher.ts";
export type { CompileId } from "./pytorch-line/parse-compile-id.ts";
export { parseCompileId } from "./pytorch-line/parse-compile-id.ts";
export type { CustomLevels, LogLevel } from "./pytorch-line/parse-log-level.ts";
export { DEFAULT_CUSTOM_LEVELS } from "./pytorch-line/parse-log-level.ts";
export { parsePytorchLine } from "./pytorch-line/parse-pytorch-line.ts";
export type {
  OtherLine,
  ParsedLine,
  PytorchLogFormat,
  PytorchLogTime,
  TorchLogLine,
} from "./pytorch-line/pytorch-log-line.ts";
export type { ResolveLogTimeOptions } from "./pytorch-line/resolve-log-time.ts";
export { resolveLogTime } from "./pytorch-line/resolve-log-time.ts";
export { FALLBACK_TORCH_SCOPE, scopeFromPath } from "./pytorch-line/scope-from-path.ts";
export type {
  OtlpLogsProtocol,
  StartTorchLogsOptions,
  TorchLogsPipeline,
  TorchLogsPipelineStats,
} from "./start/start-torch-logs.ts";
export { startTorchLogs } from "./start/start-torch-logs.ts";
// TORCH_TRACE in (`torch-logs-otel trace`): the streaming reader, and envelopes → log records, spans, metrics.
export type {
  ChromiumEvent,
  ChromiumSpanBuilderOptions,
  ChromiumSpanStats,
  TraceSpan,
  TraceSpanEvent,
} from "./trace/chromium-span-builder.ts";
export { ChromiumSpanBuilder } from "./trace/chromium-span-builder.ts";
export type { CompileMetricName } from "./trace/compile-metric-names.ts";
export {
  COMPILE_CACHE_NAME_ATTRIBUTE,
  COMPILE_CACHE_RESULT_ATTRIBUTE,
  COMPILE_FAIL_TYPE_ATTRIBUTE,
  COMPILE_METRIC_RANK_ATTRIBUTE,
  COMPILE_METRICS,
  COMPILE_PHASE_ATTRIBUTE,
} from "./trace/compile-metric-names.ts";
export { StringTable } from "./trace/string-table.ts";
export type { CompileMetricPoint } from "./trace/to-compile-metric-points.ts";
export { isCompilationMetrics, toCompileMetricPoints } from "./trace/to-compile-metric-points.ts";
export type { ToTraceLogRecordOptions, TraceFileInfo, TraceLogRecord } from "./trace/to-trace-log-record.ts";
export { eventNameOf, rankFromFileName, toTraceLogRecord } from "./trace/to-trace-log-record.ts";
export type { TorchTraceReaderOptions, TraceReaderStats } from "./trace/torch-trace-reader.ts";
export { TorchTraceReader } from "./trace/torch-trace-reader.ts";
export { TRACE_ATTRIBUTES } from "./trace/trace-attributes.ts";
export type { TraceClockFallback } from "./trace/trace-clock.ts";
export { TraceClock } from "./trace/trace-clock.ts";
export type { PayloadMd5Status, TraceContext, TraceEnvelope } from "./trace/trace-envelope.ts";
export { formatCompileId, traceContextOf } from "./trace/trace-envelope.ts";
export type { TimedMetricPoint, TraceFileMapperOptions, TraceOutput } from "./trace/trace-file-mapper.ts";
export { TraceFileMapper } from "./trace/trace-file-mapper.ts";
export { toReadableSpan } from "./trace/trace-otlp-export.ts";
