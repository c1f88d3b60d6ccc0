// One rule for every command (issue: "the same bad TORCH_LOGS behaves three ways"): a value PyTorch rejects is an
// error — one message naming the item, exit 1 — wherever it is given; a module name only an interpreter could
// confirm is accepted, as PyTorch accepts any importable module, and noted once; and every command answers
// --help / -h on stdout with exit 0.
import { describe, expect, it } from "vitest";
import { runCliCaptured } from "../support/run-cli.ts";

const TRACE_FILE = new URL("../fixtures/torch-trace/simple.log", import.meta.url).pathname;
const CONSOLE_LINE = "V1206 10:00:00.000000 4242 torch/_dynamo/convert_frame.py:100] [0/0] tracing forward\n";

interface Command {
  readonly name: string;
  /** How the command is given a TORCH_LOGS value: its argument, an option, or the environment. */
  readonly run: (value: string) => { argv: string[]; env: Record<string, string>; stdin?: string };
}

const COMMANDS: readonly Command[] = [
  { name: "demo", run: (value) => ({ argv: ["demo", "--frames", "1"], env: { TORCH_LOGS: value } }) },
  { name: "explain", run: (value) => ({ argv: ["explain", value], env: {} }) },
  {
    name: "explain (from the environment)",
    run: (value) => ({ argv: ["explain"], env: { TORCH_LOGS: value } }),
  },
  { name: "collector-filter", run: (value) => ({ argv: ["collector-filter", value], env: {} }) },
  {
    name: "ingest",
    run: (value) => ({
      argv: ["ingest", "--format", "jsonl", `--torch-logs=${value}`],
      env: {},
      stdin: CONSOLE_LINE,
    }),
  },
  {
    name: "ingest (from the environment)",
    run: (value) => ({
      argv: ["ingest", "--format", "jsonl"],
      env: { TORCH_LOGS: value },
      stdin: CONSOLE_LINE,
    }),
  },
  {
    name: "trace",
    run: (value) => ({ argv: ["trace", "--format", "jsonl", `--torch-logs=${value}`, TRACE_FILE], env: {} }),
  },
];

async function run(argv: string[], env: Record<string, string>, stdin?: string) {
  const result = await runCliCaptured(argv, env, stdin);
  return { ...result, both: result.stdout + result.stderr };
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

const VALUES = [
  { kind: "valid", value: "+dynamo,graph_breaks" },
  { kind: "invalid", value: "dynamo,,aot" },
  { kind: "a typo of a registered name", value: "+Dynamo" },
  { kind: "an unknown module", value: "+not_a_thing" },
] as const;

describe("TORCH_LOGS: one rule for every command", () => {
  it.each(COMMANDS.flatMap((command) => VALUES.map((v) => [command.name, v.kind, command, v] as const)))(
    "%s, %s value",
    async (_name, kind, command, { value }) => {
      const { argv, env, stdin } = command.run(value);
      const { code, stderr, both } = await run(argv, env, stdin);
      if (kind === "valid") {
        expect(code, stderr).toBe(0);
        expect(both).not.toContain("Invalid log settings");
        expect(both).not.toContain("PyTorch accepts");
      } else if (kind === "an unknown module") {
        expect(code, stderr).toBe(0);
        expect(occurrences(both, "PyTorch accepts `not_a_thing` only if `import not_a_thing` succeeds")).toBe(
          1,
        );
      } else {
        expect(code).toBe(1);
        // One message, naming the item, said once.
        expect(occurrences(stderr, "Invalid log settings")).toBe(1);
        expect(stderr).toMatch(
          kind === "invalid"
            ? /found "," \(empty item\) at character 8 \(item 2\)/
            : /unknown name "Dynamo" at item 1 \(did you mean "dynamo"/,
        );
      }
    },
  );
});

describe("--help", () => {
  it.each(
    ["demo", "explain", "collector-filter", "help", "+help", "ingest", "trace"].flatMap((c) => [
      [c, "--help"],
      [c, "-h"],
    ]),
  )("%s %s prints the command's own page on stdout and exits 0", async (command, flag) => {
    const { code, stdout, stderr } = await run([command, flag], {});
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toMatch(
      new RegExp(`^Usage: torch-logs-otel ${command === "+help" ? "help" : command.replace("+", "\\+")}`),
    );
  });
});
