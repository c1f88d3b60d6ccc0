// A small, independent evaluator for the subset of OTTL conditions that `collector-filter` generates, so a
// test can check what the generated conditions mean (no collector can run here). Semantics follow the
// OTTL docs: `IsMatch(nil, …)` is false; a non-string target is converted to a string first.

export interface OttlLogRecord {
  readonly scope: string;
  readonly severityNumber: number;
  /** OTTL reads an absent event name as "". */
  readonly eventName?: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

type Value = string | number | boolean | null | undefined | unknown;

const SEVERITIES: Record<string, number> = {
  SEVERITY_NUMBER_UNSPECIFIED: 0,
  SEVERITY_NUMBER_TRACE: 1,
  SEVERITY_NUMBER_DEBUG: 5,
  SEVERITY_NUMBER_INFO: 9,
  SEVERITY_NUMBER_WARN: 13,
  SEVERITY_NUMBER_ERROR: 17,
  SEVERITY_NUMBER_FATAL: 21,
};

const TOKEN =
  /\s*(?:(?<string>"(?:[^"\\]|\\.)*")|(?<number>\d+)|(?<op>==|!=|<=|>=|<|>|\(|\)|,|\[|\])|(?<word>[A-Za-z_][\w.]*))/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match) throw new Error(`cannot tokenize at ${at}: ${source.slice(at, at + 20)}`);
    tokens.push(match[0].trim());
  }
  return tokens;
}

/** Parses a condition into a predicate over log records. Throws on anything outside the subset. */
export function compileOttlCondition(source: string): (record: OttlLogRecord) => boolean {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const token = tokens[i++];
    if (token === undefined) throw new Error(`unexpected end of ${source}`);
    return token;
  };
  const expect = (token: string) => {
    const got = next();
    if (got !== token) throw new Error(`expected ${token}, got ${got}`);
  };

  type Node = (r: OttlLogRecord) => Value;

  const value = (): Node => {
    const token = next();
    if (token.startsWith('"')) {
      const text = JSON.parse(token) as string;
      return () => text;
    }
    if (/^\d+$/.test(token)) return () => Number(token);
    if (token in SEVERITIES) return () => SEVERITIES[token];
    if (token === "nil") return () => undefined;
    if (token === "scope.name" || token === "instrumentation_scope.name") return (r) => r.scope;
    if (token === "log.severity_number" || token === "severity_number") return (r) => r.severityNumber;
    if (token === "log.event_name" || token === "event_name") return (r) => r.eventName ?? "";
    if (token === "log.attributes" || token === "attributes") {
      expect("[");
      const key = JSON.parse(next()) as string;
      expect("]");
      return (r) => r.attributes[key];
    }
    if (token === "IsMatch") {
      expect("(");
      const target = value();
      expect(",");
      const pattern = new RegExp(JSON.parse(next()) as string, "u");
      expect(")");
      return (r) => {
        const v = target(r);
        if (v === undefined || v === null) return false;
        const text = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
        return pattern.test(text);
      };
    }
    throw new Error(`unsupported token ${token}`);
  };

  const primary = (): Node => {
    if (peek() === "(") {
      next();
      const inner = or();
      expect(")");
      return inner;
    }
    const left = value();
    const op = peek();
    if (op && ["==", "!=", "<", ">", "<=", ">="].includes(op)) {
      next();
      const right = value();
      return (r) => {
        const a = left(r) as number;
        const b = right(r) as number;
        switch (op) {
          case "==":
            return a === b;
          case "!=":
            return a !== b;
          case "<":
            return a < b;
          case ">":
            return a > b;
          case "<=":
            return a <= b;
          default:
            return a >= b;
        }
      };
    }
    return left;
  };
  const not = (): Node => {
    if (peek() === "not") {
      next();
      const inner = not();
      return (r) => !inner(r);
    }
    return primary();
  };
  const and = (): Node => {
    let left = not();
    while (peek() === "and") {
      next();
      const l = left;
      const right = not();
      left = (r) => Boolean(l(r)) && Boolean(right(r));
    }
    return left;
  };
  const or = (): Node => {
    let left = and();
    while (peek() === "or") {
      next();
      const l = left;
      const right = and();
      left = (r) => Boolean(l(r)) || Boolean(right(r));
    }
    return left;
  };
  const root = or();
  if (i !== tokens.length) throw new Error(`trailing tokens in ${source}: ${tokens.slice(i).join(" ")}`);
  return (record) => Boolean(root(record));
}
