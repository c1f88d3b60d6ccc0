import { expect } from "vitest";

/**
 * `toMatchObject` for table rows where `undefined` means "this field must be absent": parsed lines and
 * records omit fields that do not apply instead of setting them to `undefined`.
 */
export function expectFields(actual: unknown, expected: Readonly<Record<string, unknown>>): void {
  const present = Object.entries(expected).filter(([, value]) => value !== undefined);
  expect(actual).toMatchObject(Object.fromEntries(present));
  for (const [key, value] of Object.entries(expected)) {
    if (value === undefined) expect(actual).not.toHaveProperty(key);
  }
}
