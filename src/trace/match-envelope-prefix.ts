// The glog prefix of a TORCH_TRACE envelope line (torch-trace-format.md §2.2), found where tlparse finds it:
// anywhere in the line (leading junk is tolerated), the first start whose prefix is followed, further on, by
// the `:N] ` and the `{` or `[` that open the JSON. The path may hold anything but a line break (`:` of a
// Windows drive, spaces, `] `), up to the first such `:N] {`.
//
// That reading is the pattern
//   /([VIWEC])(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6}) +(\d+) +(.*?):(\d+)\] (?=[{[])/
// which a regular expression engine runs by trying every start and, from each, scanning the rest of the line
// for the path's end: a long line with many prefix-like starts and no JSON took time quadratic in its length
// (800 KB: 15 s; lines up to 64 MiB are read). Here each start is tried once, and the path's end and the
// first line break after a start are searched from where the previous search stood, so the whole line is
// read a bounded number of times.

import type { PytorchLogTime } from "../pytorch-line/pytorch-log-line.ts";

/** What the prefix says; `jsonStart` is where the JSON envelope starts. */
export interface EnvelopePrefix {
  /** Where the prefix starts (0 unless junk precedes it). */
  readonly index: number;
  readonly jsonStart: number;
  readonly level: string;
  /** Local time, no year, no zone (see TraceClock). */
  readonly time: PytorchLogTime;
  /** The digits of the third field, as printed (a pid or a thread ident). */
  readonly id: string;
  readonly path: string;
  /** The digits of the line number, as printed. */
  readonly lineno: string;
}

// The prefix up to the path: its length is fixed by the text at its start.
const HEAD = /([VIWEC])(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6}) +(\d+) +/g;
// The path's end: `:N] ` before the JSON.
const PATH_END = /:(\d+)\] [{[]/g;
// What `.` does not match, so what the path cannot hold: \n, \r, U+2028, U+2029.
function isLineBreak(code: number): boolean {
  return code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;
}

/** The envelope prefix in `text` (one line without its terminator), or `undefined`. */
export function matchEnvelopePrefix(text: string): EnvelopePrefix | undefined {
  let pathEnd: RegExpExecArray | null = null;
  let pathEndFrom = Number.POSITIVE_INFINITY;
  // The first line break at or after the current start's path, -1 while none is known; every position before
  // `scanned` has been looked at, so each character is looked at once however many starts there are.
  let lineBreak = -1;
  let scanned = 0;
  for (let from = 0; ; ) {
    HEAD.lastIndex = from;
    const head = HEAD.exec(text);
    if (head === null) return undefined;
    const pathStart = head.index + head[0].length;
    // A search made from an earlier position holds for this one while what it found lies ahead of it.
    if (pathEndFrom > pathStart || (pathEnd !== null && pathEnd.index < pathStart)) {
      PATH_END.lastIndex = pathStart;
      pathEnd = PATH_END.exec(text);
      pathEndFrom = pathStart;
    }
    // No `:N] {` after this start: none after any later one either.
    if (pathEnd === null) return undefined;
    // A line break between the path's start and its end: only that stretch is looked at, not the JSON after it.
    if (lineBreak < pathStart) {
      lineBreak = -1;
      if (scanned < pathStart) scanned = pathStart;
      for (; scanned < pathEnd.index; scanned++) {
        if (isLineBreak(text.charCodeAt(scanned))) {
          lineBreak = scanned++;
          break;
        }
      }
    }
    if (lineBreak === -1 || lineBreak > pathEnd.index) {
      return {
        index: head.index,
        jsonStart: pathEnd.index + pathEnd[0].length - 1,
        level: head[1] as string,
        time: {
          month: Number(head[2]),
          day: Number(head[3]),
          hour: Number(head[4]),
          minute: Number(head[5]),
          second: Number(head[6]),
          microsecond: Number(head[7]),
          precision: "microsecond",
        },
        id: head[8] as string,
        path: text.slice(pathStart, pathEnd.index),
        lineno: pathEnd[1] as string,
      };
    }
    from = head.index + 1;
  }
}
