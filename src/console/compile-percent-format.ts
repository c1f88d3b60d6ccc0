// Python's `%` operator with a mapping (`"%(levelname)s:%(name)s" % record.__dict__`), which is what
// `logging.Formatter(fmt)` runs for every record. TORCH_LOGS_FORMAT is such a format, so users bring
// formats written for Python — `%(name)-20s`, `%(msecs)03d`, `%(created)f` — and expect Python's output.
//
// Compiled once (settings time) and checked against the fields that exist, so a typo fails when the
// exporter is built, not on every record as in Python (where each record then prints a
// "--- Logging error ---" report instead of the line).

import { formatNumber, type PercentFieldKind, reprOf, strOf } from "./format-python-value.ts";

export type { PercentFieldKind } from "./format-python-value.ts";

/** Field values by key; a `str` field needs a string, `int`/`float` fields a number. */
export type PercentValues = Readonly<Record<string, string | number>>;

/** One `%(key)…c` conversion specifier, as written. */
export interface PercentField {
  readonly key: string;
  /** The whole specifier, e.g. `%(name)-20s`. */
  readonly token: string;
  /** 0-based position of the `%` in the format. */
  readonly offset: number;
}

/** Why a format cannot be compiled. `offset`/`token` locate the problem when there is one place to point to. */
export interface PercentFormatProblem {
  readonly reason:
    | "incomplete"
    | "unsupported-conversion"
    | "unnamed"
    | "unknown-field"
    | "type-mismatch"
    | "no-fields";
  readonly message: string;
  readonly offset?: number;
  readonly token?: string;
  /** For `unknown-field`: the key as written. */
  readonly key?: string;
}

export interface CompiledPercentFormat {
  readonly source: string;
  readonly fields: readonly PercentField[];
  /** The format in order: literal text, and each conversion as parsed (what a reader matches lines with). */
  readonly segments: readonly (string | PercentSpec)[];
  /** Formats the values. Never throws for values of the declared kinds. */
  readonly format: (values: PercentValues) => string;
}

export type CompilePercentFormatResult =
  | { readonly ok: true; readonly format: CompiledPercentFormat }
  | { readonly ok: false; readonly problem: PercentFormatProblem };

export interface CompilePercentFormatOptions {
  /**
   * Applied to the text of each converted field before padding: where the caller makes record data safe to
   * print. The format's literal text is not passed through it. Default: none.
   */
  readonly escape?: (text: string, key: string) => string;
}

/** One parsed conversion: `%(name)-20s` is key `name`, flags `-`, width 20, conversion `s`. */
export interface PercentSpec {
  readonly key: string;
  readonly kind: PercentFieldKind;
  readonly flags: string;
  readonly width: number;
  readonly precision: number | undefined;
  readonly conversion: string;
}

type Segment = string | PercentSpec;

const CONVERSIONS = "diouxXeEfFgGcrsa%";
const NUMERIC_CONVERSIONS = "diouxXeEfFgG";
const INTEGER_ONLY_CONVERSIONS = "oxX";
const INTEGER_CONVERSIONS = "diuoxX";

/**
 * Parses `source` as a Python `%`-format over named fields of the given kinds. Rejects what Python would
 * reject when formatting (a dangling `%`, an unknown conversion character, `%(x)d` on a string), what
 * `logging.Formatter` rejects at construction (no `%(field)` at all), unknown field names (Python: a
 * KeyError per record), unnamed specifiers such as `%s` (Python: "format requires a mapping"), `*`
 * widths and `%c`.
 */
export function compilePercentFormat(
  source: string,
  kinds: Readonly<Record<string, PercentFieldKind>>,
  options: CompilePercentFormatOptions = {},
): CompilePercentFormatResult {
  const segments: Segment[] = [];
  const fields: PercentField[] = [];
  let literal = "";
  let i = 0;
  while (i < source.length) {
    const percent = source.indexOf("%", i);
    if (percent === -1) {
      literal += source.slice(i);
      break;
    }
    literal += source.slice(i, percent);
    const parsed = parseSpecifier(source, percent);
    if ("reason" in parsed) return { ok: false, problem: parsed };
    const { key, flags, width, precision, conversion, end } = parsed;
    const token = source.slice(percent, end);
    i = end;
    if (conversion === "%" && key === undefined) {
      literal += "%";
      continue;
    }
    const problem = checkSpecifier(token, percent, key, conversion, width, precision, kinds);
    if (problem !== undefined) return { ok: false, problem };
    const name = key as string;
    if (literal !== "") segments.push(literal);
    literal = "";
    segments.push({
      key: name,
      kind: kinds[name] as PercentFieldKind,
      flags,
      width: Number(width ?? 0),
      precision: precision === undefined ? undefined : Number(precision),
      conversion,
    });
    fields.push({ key: name, token, offset: percent });
  }
  if (literal !== "") segments.push(literal);
  if (fields.length === 0) {
    // logging.Formatter's validate(): "Invalid format '%s' for '%' style".
    return {
      ok: false,
      problem: { reason: "no-fields", message: "names no field (Python's logging.Formatter rejects it)" },
    };
  }
  const escapeText = options.escape;
  const format = (values: PercentValues): string => {
    let out = "";
    for (const segment of segments) {
      out += typeof segment === "string" ? segment : formatSpec(segment, values[segment.key], escapeText);
    }
    return out;
  };
  return { ok: true, format: { source, fields, segments, format } };
}

interface ParsedSpecifier {
  readonly key: string | undefined;
  readonly flags: string;
  readonly width: string | undefined;
  readonly precision: string | undefined;
  readonly conversion: string;
  readonly end: number;
}

/** Reads `%[(key)][flags][width][.precision][length]conversion` starting at the `%`. */
function parseSpecifier(source: string, start: number): ParsedSpecifier | PercentFormatProblem {
  let i = start + 1;
  let key: string | undefined;
  if (source[i] === "(") {
    // Python counts nested parentheses, so `%(a(b))s` names the key `a(b)`.
    let depth = 1;
    const keyStart = i + 1;
    while (depth > 0 && ++i < source.length) {
      if (source[i] === "(") depth++;
      else if (source[i] === ")") depth--;
    }
    if (depth > 0) return incomplete(source, start, "has no closing parenthesis");
    key = source.slice(keyStart, i);
    i++;
  }
  const flags = /^[#0+ -]*/.exec(source.slice(i))?.[0] ?? "";
  i += flags.length;
  const width = /^(?:\*|\d+)/.exec(source.slice(i))?.[0];
  i += width?.length ?? 0;
  let precision: string | undefined;
  if (source[i] === ".") {
    precision = /^(?:\*|\d*)/.exec(source.slice(i + 1))?.[0] ?? "";
    i += 1 + precision.length;
    // `%.s` is precision 0 in Python.
    if (precision === "") precision = "0";
  }
  // Python accepts and ignores C length modifiers.
  if (source[i] === "h" || source[i] === "l" || source[i] === "L") i++;
  const conversion = source[i];
  if (conversion === undefined) return incomplete(source, start, "ends before its conversion character");
  if (!CONVERSIONS.includes(conversion)) {
    return {
      reason: "unsupported-conversion",
      message: `unsupported conversion character ${JSON.stringify(conversion)}`,
      offset: start,
      token: source.slice(start, i + 1),
    };
  }
  return { key, flags, width, precision, conversion, end: i + 1 };
}

function incomplete(source: string, start: number, what: string): PercentFormatProblem {
  return {
    reason: "incomplete",
    message: `incomplete format: the "%" ${what}`,
    offset: start,
    token: source.slice(start),
  };
}

function checkSpecifier(
  token: string,
  offset: number,
  key: string | undefined,
  conversion: string,
  width: string | undefined,
  precision: string | undefined,
  kinds: Readonly<Record<string, PercentFieldKind>>,
): PercentFormatProblem | undefined {
  const at = { offset, token };
  if (key === undefined) {
    return { reason: "unnamed", message: "names no field; write it as %(field)s", ...at };
  }
  if (conversion === "%" || conversion === "c" || width === "*" || precision === "*") {
    return { reason: "unsupported-conversion", message: "is not supported in a logging format", ...at };
  }
  const kind = Object.hasOwn(kinds, key) ? kinds[key] : undefined;
  if (kind === undefined)
    return { reason: "unknown-field", message: `names an unknown field "${key}"`, key, ...at };
  const numeric = NUMERIC_CONVERSIONS.includes(conversion);
  if ((numeric && kind === "str") || (INTEGER_ONLY_CONVERSIONS.includes(conversion) && kind === "float")) {
    return {
      reason: "type-mismatch",
      message: `cannot format the ${kind} field "${key}" with %${conversion} (Python raises TypeError)`,
      ...at,
    };
  }
  return undefined;
}

function formatSpec(
  spec: PercentSpec,
  value: string | number | undefined,
  escapeText: ((text: string, key: string) => string) | undefined,
): string {
  const { conversion, flags, precision, kind } = spec;
  let body: string;
  let sign = "";
  let numeric = false;
  if (conversion === "s" || conversion === "r" || conversion === "a") {
    body = conversion === "s" ? strOf(value, kind) : reprOf(value, kind, conversion === "a");
    if (precision !== undefined) body = body.slice(0, precision);
    if (escapeText !== undefined) body = escapeText(body, spec.key);
  } else {
    numeric = true;
    let n = typeof value === "number" ? value : Number(value);
    // The integer conversions print int(value), so -0.5 prints "0" while "%f" of -0.0 prints "-0.000000".
    if (INTEGER_CONVERSIONS.includes(conversion)) n = Math.trunc(n) + 0;
    const negative = n < 0 || Object.is(n, -0);
    sign = negative ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
    body = formatNumber(Math.abs(n), conversion, precision, flags.includes("#"));
  }
  const width = spec.width;
  const length = sign.length + body.length;
  if (length >= width) return sign + body;
  if (flags.includes("-")) return sign + body + " ".repeat(width - length);
  if (numeric && flags.includes("0")) {
    // Zeros go after the sign and after a 0x/0o prefix, as in Python: `%#08x` → `0x0000ff`.
    const prefix = /^0[xXo]/.test(body) && flags.includes("#") ? body.slice(0, 2) : "";
    return sign + prefix + "0".repeat(width - length) + body.slice(prefix.length);
  }
  return " ".repeat(width - length) + sign + body;
}
