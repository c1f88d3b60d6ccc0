// Where in a line the unanchored glog patterns of parse-pytorch-line.ts match, found in time linear in the line.
//
// A glog header may start anywhere (after a wrapper or glued text, §5.1, §5.2), so a regular expression engine
// runs the pattern from every place in turn, and from each place where the prefix up to the path fits it reads
// the path, up to 4096 characters, looking for its `:N]`. A line of many such places (`I0101 00:00:00.000000 1 x`
// repeated, or any other output that holds glog clocks) was read up to 4096 times over: 1.5 s for 1 MiB.
// Here the prefix up to the path (`head`) is searched for alone, and whether the path can end is decided from
// one search for the path's end that later places reuse; the whole pattern runs once, at the place found,
// where it matches. The result is the pattern's own.

/** How the path of a pattern ends: see the patterns in parse-pytorch-line.ts. */
export type GlogPathEnd =
  /**
   * `(?<path>.{1,4096}?):(?<lineno>\d+)\]` followed by the end of the line or a space (whatever follows then
   * matches: an optional trace id, an optional artifact, an optional message): the first such `:N]`.
   */
  | "bracketed"
  /**
   * `(?<path>\S{1,4096}):(?<lineno>\d+)` followed by the end of the line or a space: the path and line number
   * are one run of non-space characters that ends in `:` and digits.
   */
  | "run";

const MAX_PATH = 4096;
const BRACKETED_END = /:\d+\](?: |$)/g;
const WHITE_SPACE = /\s/g;
const COLON = 0x3a;
const SPACE = 0x20;

/**
 * The match of `full` (sticky) at the first place where it matches in `line`; `head` (global) is its part up to
 * the path, which fixes where the path starts.
 */
export function execAtFirstGlogHeader(
  line: string,
  head: RegExp,
  full: RegExp,
  pathEnd: GlogPathEnd,
): RegExpExecArray | null {
  const ends = pathEnd === "bracketed" ? bracketedEnds(line) : runEnds(line);
  for (let from = 0; ; ) {
    head.lastIndex = from;
    const found = head.exec(line);
    if (found === null) return null;
    const pathStart = found.index + found[0].length;
    const fits = ends(pathStart);
    if (fits === undefined) return null;
    if (fits) {
      full.lastIndex = found.index;
      return full.exec(line);
    }
    from = found.index + 1;
  }
}

/**
 * For "bracketed": whether the first `:N]` + end-or-space after a path start lies within reach of it; undefined
 * when there is none after it (nor after any later start).
 */
function bracketedEnds(line: string): (pathStart: number) => boolean | undefined {
  let searchedFrom = Number.POSITIVE_INFINITY;
  let end = -1;
  return (pathStart) => {
    const from = pathStart + 1;
    // A search from an earlier place holds while what it found lies ahead.
    if (searchedFrom > from || (end !== -1 && end < from)) {
      BRACKETED_END.lastIndex = from;
      end = BRACKETED_END.exec(line)?.index ?? -1;
      searchedFrom = from;
    }
    if (end === -1) return undefined;
    return end - pathStart <= MAX_PATH;
  };
}

/** For "run": whether the run of non-space characters at a path start is `path:N` within reach, then a space or the end. */
function runEnds(line: string): (pathStart: number) => boolean {
  let searchedFrom = Number.POSITIVE_INFINITY;
  let runEnd = -1;
  // The colon before the run's trailing digits (-1 when there is none), for the run that ends at `runEnd`.
  let colon = -1;
  return (pathStart) => {
    if (searchedFrom > pathStart || runEnd < pathStart) {
      WHITE_SPACE.lastIndex = pathStart;
      runEnd = WHITE_SPACE.exec(line)?.index ?? line.length;
      searchedFrom = pathStart;
      let digits = runEnd;
      while (digits > pathStart && isDigit(line.charCodeAt(digits - 1))) digits--;
      colon = digits < runEnd && line.charCodeAt(digits - 1) === COLON ? digits - 1 : -1;
    }
    if (runEnd < line.length && line.charCodeAt(runEnd) !== SPACE) return false;
    return colon > pathStart && colon - pathStart <= MAX_PATH;
  };
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
