// Lines that make readers of PyTorch output work hard: pieces of what each pattern looks for, to repeat.

export const GLOG = "I0101 00:00:00.000000 1 ";

/** Pieces of what each pattern looks for: repeated, each piece is a place where a match could start or stop. */
export const ADVERSARIAL_UNITS: readonly string[] = [
  // stream prefixes (wrapper-length.ts)
  "(ab=",
  "(a=&k=v",
  "(W k=v ",
  "(W, k=v,",
  "[a-b]: ",
  " \t",
  // glog headers (match-glog-header.ts, parse-pytorch-line.ts)
  `${GLOG}x`,
  `${GLOG}a:1`,
  `${GLOG}a:1]x`,
  `${GLOG}a:1] [`,
  `${GLOG}a:1x`,
  `${GLOG}a:1\t`,
  `[rank1]:${GLOG}`,
  "NOTICE0101 00:00:00.000000 1 a",
  "Level 150101 00:00:00.000000 1 a:1]",
  "I0101 00:00:00.",
  // bracket and torchdynamo headers
  "[2024-01-01 00:00:00,000] torch.a",
  "2024-01-01 00:00:00,000] torch.a.b.c: [",
  "[2024-01-01 00:00:00,000] [0/0] torch.a.__b: [INFO",
  "torchdynamo.a: [",
  ".a",
  // other loggers' headers (classify-other-line.ts), trace ids and artifact tags, tracebacks
  "[I1234 00:00:00.000000000 a",
  "[0/0] [__a] ",
  "[!0/1/2_3]",
  "a.b",
  "Traceback (most recent call last):",
  // TORCH_TRACE envelopes (match-envelope-prefix.ts)
  "V0101 00:00:00.000000 1 a:1] x ",
  "V0101 00:00:00.000000 1 a\r:1] {",
  "V0101 00:00:00.000000 1 a:1] {",
  // plain runs
  "a",
  "1",
  ":",
  " ",
];

export const TOKENS = [
  ...ADVERSARIAL_UNITS,
  "(",
  ")",
  "=",
  ",",
  "[",
  "]",
  ":",
  "0",
  "9",
  "I",
  "V",
  "\r",
  "\u2028",
  "é",
];
