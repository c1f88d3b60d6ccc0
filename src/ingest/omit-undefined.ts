// Records and option bags are plain data: a field that does not apply is absent, not `undefined`, so
// `"rank" in record`, `toStrictEqual` and JSON all agree on what a record carries.

/** A shallow copy of `value` without the properties whose value is `undefined`. */
export function omitUndefined<T extends object>(value: T): T {
  // A plain loop rather than Object.fromEntries(Object.entries(…)). The per-line code paths (parsePytorchLine,
  // the parser's records) build their objects field by field instead of calling this: a copy per object was
  // the parser's hottest function.
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const field = source[key];
    if (field !== undefined) copy[key] = field;
  }
  return copy as T;
}
