// Python's `%` operator with a mapping (`"%(levelname)s:%(name)s" % record.__dict__`), which is what
// `logging.Formatter(fmt)` runs for every record. TORCH_LOGS_FORMAT is such a format, so users bring
// formats written for Python — `%(name)-20s`, `%(msecs)03d`, `%(created)f` — and expect Python's output.
//
// Compiled once (settings time) and checked against the fields that exist, so a typo fails when the
// exporter is built, not on every record as in Python (where each record then prints a
// "--- Logging error ---" report instead of the line).

/** The Python type of a field: how `%s` prints it and which conversions accept it. */
export type PercentFieldKind = "str" | "int" | "float";

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

interface Spec {
  readonly key: string;
  readonly kind: PercentFieldKind;
  readonly flags: string;
  readonly width: number;
  readonly precision: number | undefined;
  readonly conversion: string;
}

type Segment = string | Spec;

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
  return { ok: true, format: { source, fields, format } };
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
  spec: Spec,
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

/** Python `str()` of the value; a float always shows a fraction or exponent (`1710761465.0`). */
function strOf(value: string | number | undefined, kind: PercentFieldKind): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "None";
  if (kind === "float") return floatRepr(value);
  return String(Math.trunc(value));
}

function floatRepr(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  const abs = Math.abs(value);
  // Python's repr switches to exponent form at 1e16 and below 1e-4; JavaScript at 1e21 and below 1e-6.
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [mantissa, exponent = "0"] = value.toExponential().split("e");
    const e = Number(exponent);
    return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  const text = String(value);
  return Number.isInteger(value) ? `${text}.0` : text;
}

/** Python `repr()` (`%r`) or `ascii()` (`%a`). */
function reprOf(value: string | number | undefined, kind: PercentFieldKind, ascii: boolean): string {
  if (typeof value !== "string") return strOf(value, kind);
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === "\\" || char === quote) out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if ((ascii && code > 0x7e) || (code !== 0x20 && NON_PRINTABLE.test(char)))
      out += pythonCodeEscape(code);
    else out += char;
  }
  return out + quote;
}

// str.isprintable() is false for "Other" and "Separator" categories, except the ASCII space.
const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

function pythonCodeEscape(code: number): string {
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\U${code.toString(16).padStart(8, "0")}`;
}

/** The digits of a non-negative number for the numeric conversions, without sign or padding. */
function formatNumber(
  n: number,
  conversion: string,
  precision: number | undefined,
  alternate: boolean,
): string {
  if (!Number.isFinite(n)) {
    const text = Number.isNaN(n) ? "nan" : "inf";
    return conversion === conversion.toUpperCase() && "EFG".includes(conversion) ? text.toUpperCase() : text;
  }
  switch (conversion) {
    case "d":
    case "i":
    case "u":
      return zeroExtend(String(Math.trunc(n)), precision);
    case "o":
      return (alternate ? "0o" : "") + zeroExtend(Math.trunc(n).toString(8), precision);
    case "x":
      return (alternate ? "0x" : "") + zeroExtend(Math.trunc(n).toString(16), precision);
    case "X":
      return (alternate ? "0X" : "") + zeroExtend(Math.trunc(n).toString(16).toUpperCase(), precision);
    case "f":
    case "F":
      return formatFixed(n, precision ?? 6, alternate);
    case "e":
    case "E": {
      const text = formatExponent(n, precision ?? 6, alternate);
      return conversion === "E" ? text.toUpperCase() : text;
    }
    default: {
      const text = formatGeneral(n, precision ?? 6, alternate);
      return conversion === "G" ? text.toUpperCase() : text;
    }
  }
}

function zeroExtend(digits: string, precision: number | undefined): string {
  return precision === undefined ? digits : digits.padStart(precision, "0");
}

/**
 * The decimal digits of `n` rounded to `count` significant digits, half to even on an exact tie as Python
 * (JavaScript's toFixed/toPrecision round ties away from zero: `(2.5).toFixed(0)` is "3", Python's
 * `"%.0f" % 2.5` is "2"). `exponent` is that of the first digit: n ≈ d.ddd × 10^exponent.
 */
function roundSignificant(n: number, count: number): { digits: string; exponent: number } {
  // toExponential(100) is exact to 101 significant digits, enough to see whether a tie is exact.
  const [mantissa = "0", exp = "0"] = n.toExponential(100).split("e");
  let digits = mantissa.replace(".", "");
  let exponent = Number(exp);
  if (count < 0) return { digits: "", exponent };
  if (count === 0) {
    // Rounding to no digit at all: compare with half of the next power of ten through a leading zero.
    digits = `0${digits}`;
    exponent += 1;
    count = 1;
  }
  const kept = digits.slice(0, count);
  const next = digits[count] ?? "0";
  const rest = digits.slice(count + 1);
  const lastOdd = Number(kept.at(-1) ?? "0") % 2 === 1;
  const up = next > "5" || (next === "5" && (/[1-9]/.test(rest) || lastOdd));
  if (!up) return { digits: kept, exponent };
  const incremented = (BigInt(kept) + 1n).toString().padStart(kept.length, "0");
  if (incremented.length > kept.length)
    return { digits: incremented.slice(0, count), exponent: exponent + 1 };
  return { digits: incremented, exponent };
}

function formatFixed(n: number, precision: number, alternate: boolean): string {
  const exponent = Number(n.toExponential(100).split("e")[1]);
  const rounded = roundSignificant(n, exponent + 1 + precision);
  // Place the digits: value = 0.<digits> × 10^(exponent + 1), so pad to the decimal point on both sides.
  const pointAt = rounded.exponent + 1;
  let digits = rounded.digits;
  if (pointAt <= 0) digits = "0".repeat(1 - pointAt) + digits;
  const integerLength = Math.max(pointAt, 1);
  digits = digits.padEnd(integerLength + precision, "0");
  const integer = digits.slice(0, integerLength).replace(/^0+(?=\d)/, "");
  const fraction = digits.slice(integerLength, integerLength + precision);
  return precision === 0 ? integer + (alternate ? "." : "") : `${integer}.${fraction}`;
}

function formatExponent(n: number, precision: number, alternate: boolean): string {
  const { digits, exponent } =
    n === 0 ? { digits: "0".repeat(precision + 1), exponent: 0 } : roundSignificant(n, precision + 1);
  return exponentForm(digits, exponent, precision === 0 && !alternate);
}

function exponentForm(digits: string, exponent: number, bare: boolean): string {
  const head = digits.slice(0, 1) + (bare ? "" : `.${digits.slice(1)}`);
  return `${head}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/** `%g`: exponent form when the exponent is < -4 or ≥ the precision, trailing zeros dropped unless `#`. */
function formatGeneral(n: number, precision: number, alternate: boolean): string {
  const significant = precision === 0 ? 1 : precision;
  const { digits, exponent } =
    n === 0 ? { digits: "0".repeat(significant), exponent: 0 } : roundSignificant(n, significant);
  let text: string;
  if (exponent < -4 || exponent >= significant) {
    text = exponentForm(digits, exponent, false);
    if (!alternate) text = text.replace(/\.?0*e/, "e");
    return text;
  }
  text = formatFixedDigits(digits, exponent);
  if (alternate) return text.includes(".") ? text : `${text}.`;
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/** Already-rounded significant digits placed around the decimal point (no further rounding). */
function formatFixedDigits(digits: string, exponent: number): string {
  if (exponent < 0) return `0.${"0".repeat(-exponent - 1)}${digits}`;
  const integer = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1);
  return fraction === "" ? integer : `${integer}.${fraction}`;
}
