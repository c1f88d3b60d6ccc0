// The bracketed trace id of a torch._logging line, e.g. `[0/0]`, `[1/0_1]`, `[!0]`, `[!0/5/0]`.
//
// It is the `str()` of `TraceId` in torch/_guards.py: `CompileId.__str__` gives `F/C` for a Dynamo frame,
// `!CA` for a compiled-autograd graph and `!CA/F/C` for a frame compiled inside compiled autograd;
// `TraceId.__str__` appends `_A` only when the restart attempt A is not 0.

/** A parsed trace id. Field names follow `CompileId` / `TraceId` in torch/_guards.py. */
export interface CompileId {
  /** The text between the brackets, exactly as printed: `"0/0_1"`, `"!0/5/0"`. */
  readonly raw: string;
  /** Dynamo frame id (`F`); absent for a bare compiled-autograd id such as `!0`. */
  readonly frameId?: number;
  /** The compile of that frame (`C`); absent exactly when `frameId` is. */
  readonly frameCompileId?: number;
  /** Restart attempt (`_A`); PyTorch omits the suffix for attempt 0, so 0 when it is absent. */
  readonly attempt: number;
  /** Compiled-autograd graph id (`!CA`), when the compile happened under compiled autograd. */
  readonly compiledAutogradId?: number;
}

/**
 * Regex source (no anchors, no groups) for a trace id, for embedding in line patterns.
 * Stricter than the spec's `!?\d+(?:/\d+){0,2}(?:_\d+)?`: `CompileId.__str__` can only print the shapes
 * below, so tokens such as `[5]` or `[1/2/3]` in a message are not mistaken for trace ids.
 */
export const COMPILE_ID_SOURCE = String.raw`!\d+(?:/\d+/\d+)?(?:_\d+)?|\d+/\d+(?:_\d+)?`;

const COMPILE_ID = /^(?:(\d+)\/(\d+)|!(\d+)(?:\/(\d+)\/(\d+))?)(?:_(\d+))?$/;

/** Parses the text inside a trace-id bracket (without the brackets); `undefined` if it is not one. */
export function parseCompileId(raw: string): CompileId | undefined {
  const m = COMPILE_ID.exec(raw);
  if (m === null) return undefined;
  const [, frame, frameCompile, autograd, autogradFrame, autogradFrameCompile, attempt] = m;
  const frameId = frame ?? autogradFrame;
  const frameCompileId = frameCompile ?? autogradFrameCompile;
  // Built field by field (no spreads): this runs for every line that carries a trace id.
  const id: { -readonly [K in keyof CompileId]?: CompileId[K] } = { raw };
  if (frameId !== undefined) id.frameId = Number(frameId);
  if (frameCompileId !== undefined) id.frameCompileId = Number(frameCompileId);
  id.attempt = attempt === undefined ? 0 : Number(attempt);
  if (autograd !== undefined) id.compiledAutogradId = Number(autograd);
  // raw and attempt, the required fields, are set.
  return id as CompileId;
}
