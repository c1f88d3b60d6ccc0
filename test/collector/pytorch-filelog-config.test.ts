// Static checks of collector/pytorch-filelog.yaml, the collector's own reader of PyTorch's console logs: it must
// write `ingest`'s attribute names and scope of other lines, and its line patterns (Go RE2, read here as
// JavaScript regexes: the constructs used mean the same in both) must take a printed line apart as
// parsePytorchLine does. The real collector runs it in e2e/filelog.e2e.test.ts and `npm run bench:filelog`.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { INGEST_ATTRIBUTES, OTHER_LINES_SCOPE } from "../../src/ingest/to-log-record.ts";
import { parsePytorchLine } from "../../src/pytorch-line/parse-pytorch-line.ts";
import { rankFromWrapper } from "../../src/pytorch-line/wrapper-rank.ts";
import {
  renderModuleLoggerOperators,
  withModuleLoggerOperators,
} from "../../tools/filelog-module-loggers.ts";

const CONFIG = new URL("../../collector/pytorch-filelog.yaml", import.meta.url);

interface Operator {
  readonly type: string;
  readonly id?: string;
  readonly regex?: string;
  readonly value?: unknown;
  readonly [key: string]: unknown;
}

const config = parse(readFileSync(CONFIG, "utf8")) as {
  receivers: Record<string, Record<string, unknown> & { operators: Operator[] }>;
  processors: Record<string, { log_statements?: { statements: string[] }[] }>;
};
const receiver = config.receivers["file_log/pytorch"];
const operators = receiver?.operators ?? [];
const operator = (id: string): Operator => {
  const found = operators.find((o) => o.id === id);
  if (found === undefined) throw new Error(`no operator ${id}`);
  return found;
};
const statements = Object.values(config.processors).flatMap((p) =>
  (p.log_statements ?? []).flatMap((group) => group.statements),
);

/** A stanza regex_parser's pattern as a JavaScript RegExp (`(?P<name>` is Go's spelling of `(?<name>`). */
function jsRegex(id: string): RegExp {
  return new RegExp(String(operator(id).regex).replaceAll("(?P<", "(?<"));
}

/** The fields the config's parsers take from a line, as the transform processor maps them. */
function parsedByConfig(line: string): Record<string, unknown> | undefined {
  for (const id of ["glog", "glog_glued", "bracket"]) {
    const g = jsRegex(id).exec(line)?.groups;
    if (g === undefined) continue;
    const message = g.pt_message ?? "";
    return {
      wrapper: g.pt_wrapper ?? "",
      glued: g.pt_glued ?? "",
      rank: g.pt_rank ? Number(g.pt_rank) : undefined,
      level: g.pt_level,
      path: g.pt_path,
      lineno: g.pt_lineno === undefined ? undefined : Number(g.pt_lineno),
      compileId: g.pt_compile_id || undefined,
      artifact: g.pt_artifact || undefined,
      logger: g.pt_logger,
      message: message.startsWith(" ") ? message.slice(1) : message,
    };
  }
  return undefined;
}

const LEVEL_TOKENS: Record<string, string> = {
  DEBUG: "V",
  INFO: "I",
  WARNING: "W",
  ERROR: "E",
  CRITICAL: "C",
};

describe("collector/pytorch-filelog.yaml", () => {
  it("reads the files of PYTORCH_LOG_PATH as printed, keeping its offsets in file_storage", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the collector's env reference, not a JS template
    expect(receiver?.include).toEqual(["${env:PYTORCH_LOG_PATH:-/var/log/pytorch/*.log}"]);
    expect(receiver?.storage).toBe("file_storage");
    expect(receiver?.preserve_leading_whitespaces).toBe(true);
    expect(receiver?.preserve_trailing_whitespaces).toBe(true);
    expect(receiver?.include_file_path).toBe(true);
    expect(receiver?.include_file_name).toBe(true);
  });

  it("unwraps container logs before anything reads the line", () => {
    expect(operators[0]?.type).toBe("router");
    expect(operators[1]?.type).toBe("container");
  });

  it("joins multi-line records by their prefix, then sets the scope from the receiver", () => {
    const recombine = operators.find((o) => o.type === "recombine");
    expect(recombine?.source_identifier).toBe("attributes.pt_key");
    expect(String(operator("record_key").value)).toContain("pt_header");
    expect(operators.at(-1)?.type).toBe("scope_name_parser");
    expect(operator("scope_of_other_lines").value).toBe(OTHER_LINES_SCOPE);
  });

  it("puts the records of torch modules that log through another module's logger on that logger, as generated", () => {
    const text = readFileSync(CONFIG, "utf8");
    // Out of date: `node tools/filelog-module-loggers.ts --write`.
    expect(withModuleLoggerOperators(text, renderModuleLoggerOperators())).toBe(text);
    const added = operators.filter((o) => o.id === "module_loggers");
    expect(added).toHaveLength(1);
    expect(String(added[0]?.value)).toContain('"torch._inductor.codecache"');
    expect(String(added[0]?.value)).toContain('"torch.fx.experimental.symbolic_shapes"');
    // Between the scope taken from the path and the operator that makes it the scope.
    const at = (id: string) => operators.findIndex((o) => o.id === id);
    for (const o of added) {
      expect(operators.indexOf(o)).toBeGreaterThan(at("scope_from_path"));
      expect(operators.indexOf(o)).toBeLessThan(at("scope"));
    }
  });

  it("sets `ingest`'s attribute names, each of a line's fields", () => {
    const set = new Set(
      statements.flatMap((s) => [...s.matchAll(/^set\(log\.attributes\["([^"]+)"\]/g)].map((m) => m[1])),
    );
    const a = INGEST_ATTRIBUTES;
    // truncated and continued are `ingest`'s bounds; log.file.* come from the receiver itself.
    const expected = Object.values(a).filter(
      (key) => ![a.truncated, a.continued, a.logFilePath, a.logFileName].includes(key as never),
    );
    expect([...set].sort()).toEqual([...expected].sort());
    expect(statements.at(-1)).toBe('delete_matching_keys(log.attributes, "^pt_")');
  });

  // Lines of every shape pytorch-log-format.md describes (and a few that are not torch records).
  const LINES = [
    "V1127 14:53:43.784000 4663 torch/_dynamo/guards.py:5396] [0/1] [__recompiles] Recompiling function f",
    "[rank3]:I0412 09:01:02.123456 139884917106496 torch/_inductor/utils.py:12] [!0/5/0_1] [__aot_graphs] x",
    "[rank1]: [rank1]:W0817 10:00:00.000000 77 site-packages/torch/_dynamo/convert_frame.py:9] [1/0_2] hi",
    "(VllmWorker rank=2 pid=295) I0101 00:00:00.000000 295 torch/_inductor/x.py:1] [2/0] message",
    "    E1231 23:59:59.999999 1 Lib\\site-packages\\torch\\_dynamo\\utils.py:77] indented markdown",
    "^CW0817 10:00:00.000000 77 torch/_dynamo/eval_frame.py:9] glued after ^C",
    "V1127 14:53:43.784000 4663 torch/_dynamo/guards.py:4483] [0/1] [__guards] ",
    "V1127 14:53:43.784000 4663 torch/_dynamo/guards.py:4483] [0/1] [__guards]",
    "NOTICE1127 14:53:43.784000 4663 shop/cart.py:21] a custom level name",
    "I1127 14:53:43.784000 4663 shop/cart.py:21] [statically known] not a trace id",
    "[rank0]:[2023-10-10 12:34:56,789] [0/0_1] torch._dynamo.output_graph.__graph_code: [DEBUG] TRACED GRAPH",
    "[2024-01-05 08:00:00,001] torch._inductor.utils: [WARNING] old bracket format",
    ".[2023-10-10 12:34:56,789] torch._dynamo.eval_frame: [INFO] glued unittest dot",
    "Traceback (most recent call last):",
    "INFO 03-26 11:04:04 [backends.py:1051] vLLM's own log",
  ];

  it.each(LINES)("takes %j apart as parsePytorchLine does", (line) => {
    const expected = parsePytorchLine(line);
    const actual = parsedByConfig(line);
    if (expected.kind !== "torch") {
      expect(actual).toBeUndefined();
      return;
    }
    const level =
      expected.format === "bracket"
        ? expected.levelName
        : (LEVEL_TOKENS[expected.levelName] ?? expected.levelName);
    expect(actual).toEqual({
      wrapper: expected.wrapper,
      glued: expected.glued,
      rank: expected.rank,
      level,
      path: expected.path,
      lineno: expected.lineno,
      compileId: expected.compileId?.raw,
      artifact: expected.artifact,
      logger: expected.format === "bracket" ? expected.loggerName : undefined,
      message: expected.message,
    });
  });

  describe("the rank a stream prefix names", () => {
    // The pattern of the transform's ExtractPatterns calls, an OTTL string literal, as a JavaScript RegExp.
    const sources = new Set(
      statements.flatMap((s) =>
        [
          ...s.matchAll(/ExtractPatterns\(log\.(?:body|attributes\["pt_wrapper"\]), "((?:[^"\\]|\\.)*)"\)/g),
        ].map((m) => m[1] ?? ""),
      ),
    );
    const [source] = sources;
    const pattern = new RegExp((source ?? "").replaceAll(/\\(.)/g, "$1").replaceAll("(?P<", "(?<"));
    const rankByConfig = (text: string): number | undefined => {
      const g = pattern.exec(text)?.groups;
      const rank = g?.wrapper_rank ?? g?.pair_rank;
      return rank === undefined ? undefined : Number(rank);
    };

    it("is read by one pattern, on torch records' prefixes and on other lines alike", () => {
      expect(sources.size).toBe(1);
      expect(statements.filter((s) => s.includes("ExtractPatterns(")).length).toBe(2);
    });

    it.each([
      ["[rank1]: [rank1]:     work = group.broadcast([tensor], opts)", 1],
      ["(VllmWorker rank=2 pid=295) INFO 03-26 message", 2],
      ["(pid=3, rank=4) y", 4],
      ["(rank=2 pid=3) z", undefined],
      ["[default0]:[rank3]: x", 3],
      ["[default0]: x", undefined],
      ["    [rank1]:[W204 16:40:13.733434151 RegisterXPU.cpp:7614] Warning: …", 1],
      ["[rank1234567890]: too long to be a rank", undefined],
      ["(Worker rank=5x) not a number", undefined],
      ["plain output", undefined],
    ])("reads %j as `ingest` does", (line, rank) => {
      expect(rankFromWrapper(line)).toBe(rank);
      expect(rankByConfig(line)).toBe(rank);
    });

    it("agrees with `ingest` on every line of the samples and both corpora", () => {
      const root = new URL("../fixtures/", import.meta.url);
      const files = [
        ...readdirSync(new URL("pytorch-logs/", root)).map((f) => new URL(`pytorch-logs/${f}`, root)),
        ...readdirSync(new URL("corpus/", root)).map((f) => new URL(`corpus/${f}`, root)),
        ...readdirSync(new URL("corpus-2.15/", root)).map((f) => new URL(`corpus-2.15/${f}`, root)),
      ].filter((url) => url.pathname.endsWith(".log"));
      let lines = 0;
      let ranked = 0;
      const disagree: string[] = [];
      for (const file of files) {
        for (const line of readFileSync(file, "utf8").split("\n")) {
          lines++;
          const expected = rankFromWrapper(line);
          if (expected !== undefined) ranked++;
          if (rankByConfig(line) !== expected) disagree.push(line);
        }
      }
      expect(disagree).toEqual([]);
      expect(lines).toBeGreaterThan(10_000);
      expect(ranked).toBeGreaterThan(20);
    });
  });
});
