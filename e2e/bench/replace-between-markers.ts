// Generated figures in a hand-written page: the text between two marker comments is replaced whole, so no figure
// there is ever retyped. A page without its markers is an error (checked before minutes of measuring).

export function markersOf(name: string): { readonly start: string; readonly end: string } {
  return {
    start: `<!-- ${name}:start (written by a benchmark: do not edit) -->`,
    end: `<!-- ${name}:end -->`,
  };
}

/** `page` with the text between the markers of `name` replaced by `body`; throws when the markers are missing. */
export function replaceBetweenMarkers(page: string, name: string, body: string): string {
  const { start, end } = markersOf(name);
  const from = page.indexOf(start);
  const to = page.indexOf(end, from);
  if (from === -1 || to === -1) throw new Error(`no "${start}" … "${end}" markers to write between`);
  return `${page.slice(0, from + start.length)}\n${body.trim()}\n${page.slice(to)}`;
}
