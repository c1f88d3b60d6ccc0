// Attribute keys of the fields a PyTorch log prefix carries, written alike by both readers: `ingest` (console
// lines) and `trace` (TORCH_TRACE envelopes, which start with the same glog prefix).
import { ARTIFACT_ATTRIBUTE, COMPILE_ID_ATTRIBUTE, RANK_ATTRIBUTE } from "../otel/attributes.ts";

/**
 * OpenTelemetry semantic conventions where one exists (`code.*`, `process.pid`, `thread.id`, `log.file.*`),
 * `torch.*` for PyTorch's own fields.
 */
export const LINE_ATTRIBUTES = {
  /** `torch.artifact`: the artifact marker, `graph_breaks` from ` [__graph_breaks]` or `.__graph_breaks`. */
  artifact: ARTIFACT_ATTRIBUTE,
  /** Source path as printed (glog formats): relative to a `sys.path` entry, or absolute. */
  filePath: "code.file.path",
  lineNumber: "code.line.number",
  /** The glog formats' third field when it is a process id (PyTorch 2.5+). */
  processId: "process.pid",
  /** The glog formats' third field when it is a `threading.get_ident()` value (PyTorch 2.3/2.4). */
  threadId: "thread.id",
  /** From torch's own `[rankN]:` prefix; `ingest` also reads it from a stream prefix (wrapper-rank.ts). */
  rank: RANK_ATTRIBUTE,
  /** The trace id as printed, without brackets: `0/0`, `1/0_1`, `!0`, `!0/5/0`. */
  compileId: COMPILE_ID_ATTRIBUTE,
  /** `F` of `F/C`: the Dynamo frame. */
  frameId: "torch.compile.frame_id",
  /** `C` of `F/C`: the how-many-th compile of that frame. */
  frameCompileId: "torch.compile.frame_compile_id",
  /** `A` of `_A`: the restart attempt; 0 when PyTorch printed no suffix. */
  attempt: "torch.compile.attempt",
  /** `CA` of `!CA` or `!CA/F/C`: the compiled-autograd graph. */
  compiledAutogradId: "torch.compile.compiled_autograd_id",
  /** The file the line was read from: its absolute path and base name. */
  logFilePath: "log.file.path",
  logFileName: "log.file.name",
} as const;
