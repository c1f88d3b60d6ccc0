// The rank a stream prefix names (pytorch-log-format.md §5.1): torchrun's `[rank1]: ` (doubled when a rank's
// stderr passes through it twice: `[rank1]: [rank1]: `), torch's own `[rank1]:` in front of a line that is no
// torch record (a c10 warning), vLLM/Ray's `(VllmWorker rank=2 pid=295) `. torchrun's `[default0]:` names a
// role and a local rank, not the global rank, and is not read.
import { wrapperTokenLength } from "./wrapper-length.ts";

const OPEN_PAREN = 0x28;
const OPEN_BRACKET = 0x5b;
const SPACE = 0x20;
const TAB = 0x09;

const RANK_TOKEN = /^\[rank(\d{1,9})\]:/;
const RANK_PAIR = /^\(.*?[(, ]rank=(\d{1,9})[,) ]/;

/** The rank the stream prefixes at the start of `text` name (the first that names one), if any. */
export function rankFromWrapper(text: string): number | undefined {
  // Every prefix token starts with one of these; most lines of a log start with none of them.
  const first = text.charCodeAt(0);
  if (first !== OPEN_PAREN && first !== OPEN_BRACKET && first !== SPACE && first !== TAB) return undefined;
  let at = 0;
  for (;;) {
    const length = wrapperTokenLength(text, at);
    if (length === 0) return undefined;
    const token = text.slice(at, at + length);
    const m = RANK_TOKEN.exec(token) ?? RANK_PAIR.exec(token);
    if (m !== null) return Number(m[1]);
    at += length;
  }
}
