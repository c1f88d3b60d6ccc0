// A line no torch._logging formatter wrote, and whether it is shaped like another logger's header (which the
// parser never folds into a torch record): PyTorch's C++ logging (c10), vLLM, etcd, glog from C++, and
// timestamp-first formats.
import type { OtherLine } from "./pytorch-log-line.ts";

const C10 = /^(?:\[rank\d+\]:)?\[[IWEF]\d{3,4} \d{2}:\d{2}:\d{2}\.\d{9} [^:\]]+:\d+\]/;
const LOG_LOOKALIKE = new RegExp(
  [
    String.raw`^\[?(?:DEBUG|INFO|WARN(?:ING)?|ERROR|CRITICAL|FATAL)\]?[\s:]`, // vLLM, etcd, basicConfig
    String.raw`^\[?\d{4}[-/:.]\d{2}[-/:.]\d{2}[ T:_-]\d{2}`, // timestamp first: torchtitan, oneCCL
    String.raw`^[IWEF]\d{4,8} \d{2}:\d{2}:\d{2}\.\d+ `, // C++ glog
  ].join("|"),
);

const LOOKALIKE_FIRST_CHARS = "[0123456789DIWECF";

/** `start` is the length of the line's wrapper. */
export function classifyOther(line: string, start: number): OtherLine {
  // Every lookalike header starts with `[`, a digit or the first letter of a level name.
  const first = line.charAt(start);
  if (first !== "" && LOOKALIKE_FIRST_CHARS.includes(first)) {
    const content = start === 0 ? line : line.slice(start);
    if (C10.test(content)) return { kind: "other", line, lookalike: "c10" };
    if (LOG_LOOKALIKE.test(content)) return { kind: "other", line, lookalike: "log" };
  }
  return { kind: "other", line };
}
