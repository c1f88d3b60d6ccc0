// The stream prefixes seen in front of torch lines (pytorch-log-format.md §5.1), which every line of one
// multiplexed stream carries: vLLM/Ray `(Name key=value ...) `, torchrun's `[rank1]: ` and `[default0]:`,
// Kubeflow's `[node-0]: `, markdown indentation. Torch's own `[rankN]:` is matched by the header patterns
// first, so it never reaches this.
//
// The pattern reads any line (every line of the input passes through it), so it is unambiguous: each
// character can be read one way only, and a line that is no prefix fails after one pass. A name ends at a
// separator (`, `, `,` or a space), a `key=value` pair's key at its `=`, a value at a separator or `)`, and
// a separator is never optional between two tokens. (`(ab=ab=ab= …` used to be read as a value or as
// further pairs glued to it in 2^n ways: 27 s for a 70-byte line.)

const NAME = String.raw`[A-Za-z_][\w.-]*`;
const PAIR = String.raw`[A-Za-z_]\w*=[^\s(),]+`;
const SEPARATOR = "(?:, ?| )";

// Sticky: matched at an index. lastIndex is set before every use, so the shared regex carries no state
// between calls; matching at an index instead of slicing keeps a long line to one pass.
const WRAPPER_TOKEN = new RegExp(
  String.raw`(?:\((?:${NAME}${SEPARATOR}|${SEPARATOR})?${PAIR}(?:${SEPARATOR}${PAIR})*\) |\[[A-Za-z][\w.-]*\]: ?|[ \t]+)`,
  "y",
);

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
