// The stanza operators of collector/pytorch-filelog.yaml that put a record printed from one of the dozen torch
// modules that log through another module's logger (MODULE_LOGGERS, read from the table generated from
// PyTorch's source) on that logger, as `ingest` does without TORCH_LOGS context (findRecordLoggers: the logger
// whose calls sit at the printed line, else the module's own, else its first other logger of the record's
// kind). Written between the config's markers; `npm test` checks they are what this renders.
//
//   node tools/filelog-module-loggers.ts [--write]
import { readFileSync, writeFileSync } from "node:fs";
import { MODULE_LOGGERS } from "../src/pytorch-line/module-loggers.ts";

export const FILELOG_CONFIG_PATH = new URL("../collector/pytorch-filelog.yaml", import.meta.url);
export const BEGIN_MARKER =
  "      # BEGIN module loggers: written by `node tools/filelog-module-loggers.ts --write`";
export const END_MARKER = "      # END module loggers";

/** `n == 4715 || n >= 3203 && n <= 3206 || …` for the flattened ranges `[3203, 3206, 4715, 4715]`. */
function linesCondition(lines: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [first, last] = [lines[i], lines[i + 1]];
    parts.push(first === last ? `n == ${first}` : `n >= ${first} && n <= ${last}`);
  }
  return parts.join(" || ");
}

/**
 * The operator, one line each, indented as the receiver's operator list: one `add` whose condition is a lookup
 * in a list (every record passes through it), and whose value tries the rules of the modules in the table.
 */
export function renderModuleLoggerOperators(): string[] {
  const rules: string[] = [];
  for (const [module, { ownLogger, others: loggers }] of MODULE_LOGGERS) {
    const ofKind = (artifact: string | undefined) => loggers.filter((logger) => logger.artifact === artifact);
    const of = (artifact: string | undefined) => `s == "${module}" && a == "${artifact ?? ""}"`;
    // The logger whose calls sit at the printed line, first in the table's order (without a logger of its own
    // and one other of the kind, the module's records all go to that one: the rule below).
    for (const logger of loggers) {
      if (!ownLogger && ofKind(logger.artifact).length === 1) continue;
      rules.push(`${of(logger.artifact)} && (${linesCondition(logger.lines)}) ? "${logger.scope}"`);
    }
    // A module without a logger of its own: the first other logger of the record's kind.
    if (!ownLogger) {
      for (const artifact of new Set(loggers.map((logger) => logger.artifact))) {
        const [first] = ofKind(artifact);
        if (first !== undefined) rules.push(`${of(artifact)} ? "${first.scope}"`);
      }
    }
  }
  const modules = [...MODULE_LOGGERS.keys()].map((module) => JSON.stringify(module)).join(", ");
  const value = `let s = attributes.pt_scope; let a = attributes.pt_artifact ?? ""; let n = int(attributes.pt_lineno ?? "0"); ${rules.join(" : ")} : s`;
  return [
    "      - type: add",
    "        id: module_loggers",
    `        if: 'attributes.pt_path != nil && attributes.pt_scope in [${modules}]'`,
    "        field: attributes.pt_scope",
    `        value: 'EXPR(${value})'`,
  ];
}

/** The config with the block between its markers replaced by `lines`. */
export function withModuleLoggerOperators(config: string, lines: readonly string[]): string {
  const all = config.split("\n");
  const begin = all.indexOf(BEGIN_MARKER);
  const end = all.indexOf(END_MARKER);
  if (begin === -1 || end < begin)
    throw new Error(
      `${FILELOG_CONFIG_PATH.pathname}: markers "${BEGIN_MARKER.trim()}" / "${END_MARKER.trim()}" not found`,
    );
  return [...all.slice(0, begin + 1), ...lines, ...all.slice(end)].join("\n");
}

if (import.meta.main) {
  const config = readFileSync(FILELOG_CONFIG_PATH, "utf8");
  const next = withModuleLoggerOperators(config, renderModuleLoggerOperators());
  if (process.argv.includes("--write")) {
    writeFileSync(FILELOG_CONFIG_PATH, next);
    console.log(`${FILELOG_CONFIG_PATH.pathname}: module loggers written`);
  } else {
    console.log(next === config ? "up to date" : "out of date: run with --write");
    process.exitCode = next === config ? 0 : 1;
  }
}
