// Records and option bags are plain data: a field that does not apply is absent, not `undefined`, so
// `"rank" in record`, `toStrictEqual` and JSON all agree on what a record carries.

/** A shallow copy of `value` without the properties whose value is `undefined`. */
export function omitUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
