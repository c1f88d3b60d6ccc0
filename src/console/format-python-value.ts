// How Python prints one value in a `%` conversion: `str()`, `repr()`/`ascii()`, and the numeric conversions
// (`%d %x %o %e %f %g` with precision and `#`), digit for digit as CPython's float formatting does.
/** The Python type of a field: how `%s` prints it and which conversions accept it. */
export type PercentFieldKind = "str" | "int" | "float";

/** Python `str()` of the value; a float always shows a fraction or exponent (`1710761465.0`). */
export function strOf(value: string | number | undefined, kind: PercentFieldKind): string {
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
export function reprOf(value: string | number | undefined, kind: PercentFieldKind, ascii: boolean): string {
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
export function formatNumber(
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
