// The text of the HTML tlparse renders: tags removed, character references decoded.

const NAMED: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

export function decodeEntities(html: string): string {
  return html.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code =
        ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return String.fromCodePoint(code);
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

export function htmlText(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ""));
}

/** The syntax-highlighted source of `inductor_output_code_*.html` (syntect: `<pre …>\n` spans `</pre>\n`). */
export function highlightedSource(html: string): string | undefined {
  const m = /^<pre[^>]*>\n([\s\S]*)<\/pre>\n?$/.exec(html);
  return m === null ? undefined : htmlText(m[1] as string);
}

/** The frames of a stack tlparse rendered as a trie: `FILE:LINE in NAME`, each with its source line if any. */
export function stackFrames(html: string): { file: string; line: number; name: string; loc: string }[] {
  const frames: { file: string; line: number; name: string; loc: string }[] = [];
  for (const m of html.matchAll(
    /<li>(?:<span[^>]*><\/span>)?(?:<a [^>]*>[^<]*<\/a> )*([^<]*?):(\d+) in ([^<]*)<br>((?:&nbsp;)*)([^<]*)/g,
  )) {
    frames.push({
      file: decodeEntities(m[1] as string),
      line: Number(m[2]),
      name: decodeEntities(m[3] as string),
      loc: decodeEntities(m[5] as string),
    });
  }
  return frames;
}
