import { inspect } from "node:util";

/**
 * Python `%`-formatting for log messages (`"compiled %s in %d ms"`): `%s`, `%r`, `%d`/`%i`, `%f`, `%x`, `%%`.
 * Unlike Python, a count mismatch does not fail the call: missing arguments leave the placeholder as written,
 * extra arguments are appended, separated by spaces.
 */
export function formatMessage(template: string, args: readonly unknown[]): string {
  if (args.length === 0) return template;
  let next = 0;
  const out = template.replace(/%([%srdifx])/g, (match, spec: string) => {
    if (spec === "%") return "%";
    if (next >= args.length) return match;
    const arg = args[next++];
    switch (spec) {
      case "s":
        return typeof arg === "string"
          ? arg
          : inspect(arg, { depth: 4, breakLength: Number.POSITIVE_INFINITY });
      case "r":
        return inspect(arg, { depth: 4, breakLength: Number.POSITIVE_INFINITY });
      case "d":
      case "i":
        return String(Math.trunc(Number(arg)));
      case "f":
        return Number(arg).toFixed(6);
      default:
        return Math.trunc(Number(arg)).toString(16);
    }
  });
  if (next >= args.length) return out;
  return [out, ...args.slice(next).map((a) => (typeof a === "string" ? a : inspect(a, { depth: 4 })))].join(
    " ",
  );
}
