// Scenario 7: CLI start-up. `torch-logs-otel explain +dynamo` and `torch-logs-otel help` — the built bin,
// `node dist/cli.js …`, as a user runs it — against a bare `node -e 0`, each a separate process, spawn to exit.
// The commands that only read TORCH_LOGS load the language layer; the OTel SDK and exporters are imported by
// the commands that export (`ingest`, `demo`). Target: explain ≤ 2.5 × bare Node.
//
// Rounds alternate the three commands (forward, then reverse order), so drifting machine load hits all alike;
// the ratio is taken within each round and the median over rounds reported.
import { spawnSync } from "node:child_process";
import { atMost, type CustomScenario, type Row, spreadOf } from "./harness.ts";
import { buildCli } from "./support/built-cli.ts";

const TARGET = 2.5;
const ROUNDS = 21;

function wallNs(args: readonly string[]): number {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env });
  const ns = Number(process.hrtime.bigint() - started);
  if (result.status !== 0) {
    throw new Error(`scenario 7: node ${args.join(" ")} exited ${result.status}: ${String(result.stderr)}`);
  }
  return ns;
}

export const scenario: CustomScenario = {
  kind: "custom",
  id: "7",
  title: "CLI start-up: the built bin (`node dist/cli.js`) against a bare `node -e 0`, separate processes",
  async run(_options) {
    const cli = await buildCli();
    const commands = {
      bare: { name: "floor: `node -e 0`", args: ["-e", "0"] },
      explain: { name: "`torch-logs-otel explain +dynamo`", args: [cli, "explain", "+dynamo"] },
      help: { name: "`torch-logs-otel help`", args: [cli, "help"] },
    } as const;
    const keys = Object.keys(commands) as (keyof typeof commands)[];
    const times = new Map(keys.map((k) => [k, [] as number[]]));
    for (const k of keys) wallNs(commands[k].args); // warm the file system cache
    for (let round = 0; round < ROUNDS; round++) {
      for (const k of round % 2 === 0 ? keys : [...keys].reverse()) {
        times.get(k)?.push(wallNs(commands[k].args));
      }
    }
    const bare = times.get("bare") ?? [];
    const ratio = (k: keyof typeof commands) =>
      spreadOf((times.get(k) ?? []).map((ns, i) => ns / (bare[i] ?? Number.NaN))).p50;
    const ms = (k: keyof typeof commands) => `${(spreadOf(times.get(k) ?? []).p50 / 1e6).toFixed(1)} ms`;
    const explainRatio = ratio("explain");
    const rows: Row[] = [
      { label: "7a", case: commands.bare.name, ns: spreadOf(bare), verdict: "baseline", detail: ms("bare") },
      {
        label: "7b",
        case: commands.explain.name,
        ns: spreadOf(times.get("explain") ?? []),
        baseline: "7a",
        ratio: explainRatio,
        target: `≤ ${TARGET}`,
        verdict: atMost(explainRatio, TARGET),
        detail: ms("explain"),
      },
      {
        label: "7c",
        case: commands.help.name,
        ns: spreadOf(times.get("help") ?? []),
        baseline: "7a",
        ratio: ratio("help"),
        verdict: "report",
        detail: ms("help"),
      },
    ];
    return {
      id: this.id,
      title: this.title,
      rows,
      notes: [
        `Scenario 7: ns/op = wall ns per process, spawn to exit (${ROUNDS} rounds, commands alternating); ratio = the median over rounds of the command's time ÷ \`node -e 0\`'s in the same round. dist/ is compiled (tsc -p tsconfig.build.json) first.`,
      ],
    };
  },
};
