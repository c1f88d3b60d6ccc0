// The stream prefixes seen in front of torch lines (pytorch-log-format.md §5.1), which every line of one
// multiplexed stream carries: vLLM/Ray `(Name key=value ...) `, torchrun's `[rank1]: ` and `[default0]:`,
// Kubeflow's `[node-0]: `, markdown indentation. Torch's own `[rankN]:` is matched by the header patterns
// first, so it never reaches this.

// Sticky: matched at an index. lastIndex is set before every use, so the shared regex carries no state
// between calls; matching at an index instead of slicing keeps a long line to one pass.
const WRAPPER_TOKEN =
  /(?:\((?:[A-Za-z_][\w.-]*)?(?:,? ?[A-Za-z_]\w*=[^\s(),]+)+\) |\[[A-Za-z][\w.-]*\]: ?|[ \t]+)/y;

/** Length of the one stream prefix token at `at` in `text`, 0 if none starts there. */
export function wrapperTokenLength(text: string, at: number): number {
  WRAPPER_TOKEN.lastIndex = at;
  const m = WRAPPER_TOKEN.exec(text);
  return m === null ? 0 : m[0].length;
}

/** Length of the stream prefixes (see TorchLogLine.wrapper) at the start of `text`. */
export function wrapperLength(text: string): number {
  let end = 0;
  for (;;) {
    const length = wrapperTokenLength(text, end);
    if (length === 0) return end;
    end += length;
  }
}
