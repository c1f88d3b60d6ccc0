// The options of TorchLogsLogRecordProcessor (and of startTorchLogs, which passes them on).
import type { RankSelection } from "../language/rank-selection.ts";
import type { UngovernedScopes } from "./scope-filter.ts";
import type { TorchLogs, TorchLogsOptions } from "./torch-logs.ts";

export interface TorchLogsLogRecordProcessorOptions extends TorchLogsOptions {
  /**
   * The live settings to follow. Share one `TorchLogs` between processors, configurators and logger facades
   * so one `setLogs` changes them all. Default: a new `TorchLogs` from the other options (`TORCH_LOGS`; in
   * `"lossy"` mode, bad items are skipped with a warning: `onWarning`, else `diag.warn` or a process warning).
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
  /**
   * Pass only the records of these distributed ranks (`"0"`, `"0,2-3"`): a record's rank is its `torch.rank`
   * attribute, else its resource's, else `rank`; a record with no rank is filtered out (`ingest --ranks` leaves
   * it out alike). Throws TorchLogsError (`invalid-ranks`) for a list that does not parse. Default: every rank.
   */
  readonly ranks?: string | RankSelection;
  /**
   * This process's rank, for `ranks`. Default: none; in `startTorchLogs`, `RANK` (torchrun and torch.distributed's
   * launchers set it), else 0 (a process started without a launcher is a job of one).
   */
  readonly rank?: number;
}
