// The shapes of one classified line of PyTorch console output: a torch._logging line (with its formatter, prefix,
// time, source and tags) or any other line. parsePytorchLine makes them; PytorchLogParser groups them.
import type { CompileId } from "./parse-compile-id.ts";
import type { LogLevel } from "./parse-log-level.ts";

/**
 * Which formatter wrote the line.
 * - `glog`: the current format, `[rankN]:W0318 11:31:05.468129 78640 path:line] [0/0] [__artifact] msg`.
 * - `glog-transitional`: Feb 2024 nightlies, no `]` after `path:line` and no artifact marker.
 * - `bracket`: `[2024-01-16 22:29:36,221] [0/0] torch._dynamo.x.__artifact: [DEBUG] msg` (2.1–2.2), which
 *   without a trace id is indistinguishable line by line from PyTorch 2.0's `[asctime] name: [LEVEL] msg`.
 * - `torchdynamo`: the 2022 standalone package, `torchdynamo.symbolic_convert: [WARNING] msg`, no time.
 * - `custom`: a TORCH_LOGS_FORMAT `%`-format (`short`: `DEBUG:torch._dynamo:msg`), given to the parser
 *   as `logFormat`; only a record's first line carries it.
 */
export type PytorchLogFormat = "glog" | "glog-transitional" | "bracket" | "torchdynamo" | "custom";

/**
 * The wall-clock time printed on a line: the producer's local time, zone unknown. The glog formats print
 * no year either (`formatTime(record, "%m%d %H:%M:%S")`); see resolveLogTime for turning this into an
 * instant.
 */
export interface PytorchLogTime {
  /** Only the bracket format prints a year. */
  readonly year?: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Sub-second part in microseconds; the bracket format prints milliseconds, so it ends in `000` there. */
  readonly microsecond: number;
  readonly precision: "microsecond" | "millisecond";
}

/** A line that starts (or continues) a torch._logging record. */
export interface TorchLogLine extends LogLevel {
  readonly kind: "torch";
  readonly format: PytorchLogFormat;
  /** The line as given. */
  readonly line: string;
  /**
   * Stream prefixes added by whatever multiplexed the output, peeled off the start of the line:
   * `(VllmWorker rank=2 pid=295) `, torchrun's `[rank1]: ` (with a space), `[node-0]: `, indentation.
   * Every line of that stream carries it, so it is part of {@link prefix}. `""` when there is none.
   */
  readonly wrapper: string;
  /**
   * Other output glued in front of the header without a newline (a tqdm bar, a `^C` echo, a unittest
   * dot). Not part of {@link prefix}: only the first line of a record can carry it. `""` when none.
   */
  readonly glued: string;
  /**
   * `wrapper` + the formatter's prefix, without the separator space before the message. In the glog and
   * bracket formats every line of a multi-line message repeats it byte for byte.
   */
  readonly prefix: string;
  /** Absent only for the `torchdynamo` format, which printed no time. */
  readonly time?: PytorchLogTime;
  /** The glog formats' third field as printed: a process id (2.5+) or a thread id (2.3/2.4). */
  readonly id?: string;
  /** `id` when it fits a process id (≤ 2^32 − 1). */
  readonly processId?: number;
  /** `id` when it is too large for a pid: `threading.get_ident()` values are pointer-sized (15 digits). */
  readonly threadId?: number;
  /** Source path as printed (glog formats). */
  readonly path?: string;
  readonly lineno?: number;
  /** Logger name as printed (bracket and torchdynamo formats), without the `.__artifact` suffix. */
  readonly loggerName?: string;
  /**
   * The module/logger name the record belongs to: `scopeFromPath(path)` for the glog formats, the logger
   * name for the others. Absent when the path is not a torch module file (e.g. `<string>`).
   */
  readonly scope?: string;
  /** From torch's own `[rankN]:` prefix (no space after the colon). */
  readonly rank?: number;
  readonly compileId?: CompileId;
  /** Artifact name without the `__`: `graph_breaks` from ` [__graph_breaks]` or `.__graph_breaks`. */
  readonly artifact?: string;
  /** The message line after the single separator space, exactly as printed (trailing spaces kept). */
  readonly message: string;
}

/**
 * A line no torch._logging formatter wrote. `lookalike` marks lines shaped like another logger's header,
 * which the parser never folds into a torch record: `c10` for PyTorch's C++ logging
 * (`[W204 16:40:13.733434151 RegisterXPU.cpp:7614] …`), `log` for other loggers (vLLM, etcd, glog from
 * C++, timestamp-first formats).
 */
export interface OtherLine {
  readonly kind: "other";
  readonly line: string;
  readonly lookalike?: "c10" | "log";
}

export type ParsedLine = TorchLogLine | OtherLine;
