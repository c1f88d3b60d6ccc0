// How a function's time grows with the length of its input, measured without a timed assertion: one input of
// `large` characters against `large / small` inputs of `small` characters, the same number of characters on
// both sides, timed alternately in the same run. Work that is linear in the input costs about the same on
// both sides (ratio ≈ 1, less when a per-call cost weighs on the many small calls); work that is quadratic
// costs `large / small` times more on the large side, and exponential work never finishes the large side.
// So a bound of LINEAR_GROWTH_BOUND, with `large / small` = 256, sits 32× below what quadratic behaviour
// measures, and machine load (which slows both sides alike, and only ever adds time: the minimum of several
// rounds is taken) cannot move a linear function across it.

/** The largest ratio a linear function is allowed: quadratic work measures `large / small` (256 by default). */
export const LINEAR_GROWTH_BOUND = 8;

export interface GrowthOptions {
  /** Characters per small input. Default 4096. */
  readonly small?: number;
  /** Characters of the large input. Default 1 MiB. */
  readonly large?: number;
  /** Alternating rounds; the fastest of each side is kept. Default 5. */
  readonly rounds?: number;
}

export interface Growth {
  /** Time of the large input ÷ time of the small inputs (the same characters). */
  readonly ratio: number;
  /** `large / small`: what the ratio is for quadratic work. */
  readonly quadratic: number;
}

/**
 * `make(size)` builds an input of `size` characters (it should be the same text cut to length, so that both
 * sides hold the same kind of line), or of `size` items of another kind; `run` is the function under test,
 * given one input.
 */
export function measureGrowth<T = string>(
  run: (input: T) => unknown,
  make: (size: number) => T,
  options: GrowthOptions = {},
): Growth {
  const small = options.small ?? 4096;
  const large = options.large ?? 1024 * 1024;
  const rounds = options.rounds ?? 5;
  const count = Math.max(1, Math.round(large / small));
  const big = make(large);
  const pieces = Array.from({ length: count }, () => make(small));
  const timeBig = () => {
    const start = process.hrtime.bigint();
    run(big);
    return Number(process.hrtime.bigint() - start);
  };
  const timePieces = () => {
    const start = process.hrtime.bigint();
    for (const piece of pieces) run(piece);
    return Number(process.hrtime.bigint() - start);
  };
  // Warm-up: both sides compiled by the JIT before anything counts.
  timePieces();
  timeBig();
  let bestBig = Number.POSITIVE_INFINITY;
  let bestPieces = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      bestBig = Math.min(bestBig, timeBig());
      bestPieces = Math.min(bestPieces, timePieces());
    } else {
      bestPieces = Math.min(bestPieces, timePieces());
      bestBig = Math.min(bestBig, timeBig());
    }
  }
  return { ratio: bestBig / Math.max(bestPieces, 1), quadratic: count };
}

/** `unit` repeated and cut to `size` characters. */
export function repeatTo(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}
