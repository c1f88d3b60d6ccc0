// The rank a stream prefix names (pytorch-log-format.md §5.1): torchrun's `[rank1]: ` (doubled when a rank's
// stderr passes through it twice: `[rank1]: [rank1]: `), torch's own `[rank1]:` in front of a line that is no
// torch record (a c10 warning), vLLM/Ray's `(VllmWorker rank=2 pid=295) `. torchrun's `[default0]:` names a
// role and a local rank, not the global rank, and is not read.
import { wrapperTokenLength } from "./wrapper-length.ts";

const RANK_TOKEN = /^\[rank(\d{1,9})\]:/;
const RANK_PAIR = /^\(.*?[(, ]rank=(\d{1,9})[,) ]/;

/** The rank the stream prefixes at the start of `text` name (the first that names one), if any. */
export function rankFromWrapper(text: string): number | undefined {
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
