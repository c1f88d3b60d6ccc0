// A line that repeats the prefix of a header before it, read without parsing it again: in the glog and
// bracket formats every line of a multi-line message repeats its record's prefix byte for byte, so most
// lines of a real log are such repetitions.
import type { TorchLogLine } from "../pytorch-line/pytorch-log-line.ts";

/**
 * Whether a line that repeats `header`'s prefix parses as `header` with another line and message (and no
 * glued text, which the prefix leaves out), so that {@link repeatedMessage} may read it. True when the header was read by matchGlogHeader (`readByHand`),
 * and for a bracket header after stream prefixes without a `:`. Up to the end of the prefix such a line
 * reads as the header's line did, and no header of any format can start earlier in it: each holds a clock
 * `dd:dd:dd` and none starts with white space. After the prefix the glog format may add a trace id or an
 * artifact (which repeatedMessage rules out); the bracket format adds nothing.
 */
export function repeatsPrefix(header: TorchLogLine, readByHand: boolean): boolean {
  return readByHand || (header.format === "bracket" && !header.wrapper.includes(":"));
}

/**
 * The message of `line` when it repeats the prefix of `header`, a header for which {@link repeatsPrefix}
 * holds; `undefined` when the line may parse otherwise.
 */
export function repeatedMessage(line: string, header: TorchLogLine): string | undefined {
  const { prefix } = header;
  const end = prefix.length;
  if (line.length === end) return line === prefix ? "" : undefined;
  // A message that starts with `[` may carry the trace id or artifact a glog prefix did not.
  const fits =
    line.length > end &&
    line.charCodeAt(end) === SPACE &&
    (line.charCodeAt(end + 1) !== OPEN || header.artifact !== undefined || header.format === "bracket");
  // A slice and `===` compare faster than startsWith (V8 12.4).
  return fits && line.slice(0, end) === prefix ? line.slice(end + 1) : undefined;
}

const SPACE = 0x20;
const OPEN = 0x5b;
