// Counts in summaries read as English: "1 record", "2 records", "1 MD5 mismatch".

/** `n` and the noun, plural unless `n` is 1 (`plural` for nouns that do not take an "s"). */
export function countNoun(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
