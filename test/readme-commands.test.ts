// Every command line of the sh blocks of the README and of the docs/ pages it hands its reference to (ingest,
// trace, …: support/user-pages.ts) works as written. Each is either run here, by bash, as written — the
// `npx torch-logs-otel …` lines in a folder where npx finds the CLI (a bin that runs this repository's source) next
// to the log files they name, the npm scripts in the repository — or listed in COVERED with the test that runs it
// elsewhere and a phrase of that test that shows it does. A command of those pages in neither fails this test.
// `http://localhost:4318` in a line is the test's OTLP receiver, as is the default endpoint of the npx lines.
import { execFile } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type OtlpReceiver, startOtlpReceiver } from "./support/otlp-receiver.ts";
import { readUserPages, shLines } from "./support/user-pages.ts";

const run = promisify(execFile);
const root = new URL("../", import.meta.url).pathname;
const SAMPLES = join(root, "test/fixtures/pytorch-logs");

/** Every non-empty line of the sh blocks of the user's pages, once. */
const SH_LINES = [...new Set(readUserPages(root).flatMap(({ text }) => shLines(text)))];

/** Lines another test runs: which test, and a phrase of it that shows it does. */
const COVERED: Record<string, { readonly by: string; readonly shows: string }> = {
  "npm ci": { by: ".ci/run", shows: "\nnpm ci\n" },
  "npm test": { by: ".ci/run", shows: "\nnpm test\n" },
  "npm run backends && npm run test:e2e": { by: ".ci/run", shows: "\nnpm run backends\nnpm run test:e2e\n" },
  "npm run test:tlparse": { by: ".ci/run", shows: "\nnpm run test:tlparse\n" },
  "npm run stack": { by: "e2e/stack.e2e.test.ts", shows: '"stack"' },
  "curl -s http://localhost:9428/select/logsql/query --data-urlencode 'query=service.name:=trainer'": {
    by: "e2e/stack.e2e.test.ts",
    shows: "README_CURL",
  },
  "npm ci && npm pack": { by: "test/package.test.ts", shows: '["pack", "--json"' },
  "npm install ../torch-logs-otel/torch-logs-otel-0.1.0.tgz @opentelemetry/api@1.10.0 @opentelemetry/sdk-logs@3.1.0":
    {
      by: "test/package.test.ts",
      shows: "for (const line of README_INSTALLS)",
    },
  "npm install torch-logs-otel @opentelemetry/api@1.10.0 @opentelemetry/sdk-logs@3.1.0": {
    by: "test/package.test.ts",
    shows: "for (const line of README_INSTALLS)",
  },
  "npm install @opentelemetry/exporter-logs-otlp-http@0.301.0": {
    by: "test/package.test.ts",
    shows: "for (const line of README_INSTALLS)",
  },
  'TORCH_LOGS="+dynamo,recompiles" python train.py 2>&1 | npx torch-logs-otel ingest --tee': {
    by: "test/cli/ingest-pipes.test.ts",
    shows: "$PRODUCER 2>&1 | $INGEST",
  },
  "npx torch-logs-otel ingest --follow /var/log/train/torch.log       # tail a file, across logrotate": {
    by: "test/cli/ingest-command.test.ts",
    shows: '"--follow", path',
  },
  "OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 npx torch-logs-otel trace --follow /tmp/trace": {
    by: "test/cli/trace-command.test.ts",
    shows: '"--follow"',
  },
};

/** What a line run here must show besides exit code 0. */
interface Expected {
  readonly stdout?: RegExp;
  readonly stderr?: RegExp;
  /** Log records the OTLP receiver must get: at least this many. */
  readonly records?: number;
}

/** Every line not in COVERED is run; these say what each must show. */
const EXPECTED: Record<string, Expected> = {
  "npm run example -- examples/start-torch-logs.ts": {
    stderr: /^W\d{4} [\d:.]+ \d+ torch\._dynamo\.convert_frame:0\] recompiling: cache limit hit$/m,
  },
  'TORCH_LOGS="+dynamo,graph_breaks" npm run example -- examples/start-torch-logs.ts': {
    stderr:
      /\] compiling forward\n.*\] recompiling: cache limit hit\n.*\] \[__graph_breaks\] Graph break: print\(\)$/m,
  },
  "OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 npm run example -- examples/start-torch-logs.ts": {
    records: 1,
  },
  "npx torch-logs-otel explain +dynamo": { stdout: /^TORCH_LOGS="\+dynamo"$/m },
  "npx torch-logs-otel demo                                     # installed; from a clone: npm start": {
    records: 1,
  },
  "npm start                                                    # warnings only, in PyTorch's console format":
    {
      stderr: /^W\d{4} [\d:.]+ \d+ torch\/_inductor\/utils\.py:\d+\] \[0\/2\] not enough SMs/m,
    },
  'TORCH_LOGS="+dynamo,guards,recompiles,output_code" npm start # more of the simulated compile': {
    stderr: /\[__recompiles\] Recompiling function forward/,
  },
  "OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 npm start  # the same run, exported to a collector": {
    records: 1,
  },
  'npx torch-logs-otel ingest train.log rank1.log                     # saved logs; "-" is stdin': {
    stderr: /^ingest: .* 0 dropped/m,
    records: 10,
  },
  'npx torch-logs-otel ingest --format jsonl train.log | jq \'select(.attributes["torch.artifact"] == "graph_breaks")\'':
    { stdout: /"torch\.artifact": "graph_breaks"/ },
  "TORCH_LOGS=-dynamo npx torch-logs-otel ingest train.log            # also drop what -dynamo would have dropped":
    { stderr: /^ingest: .* [1-9]\d* filtered/m },
  "npx torch-logs-otel ingest --ranks 0 job.log                   # only rank 0's records of a multi-rank log":
    {
      stderr:
        /^ingest: .* 0 filtered, [1-9]\d* not of ranks 0 \(\d+ without a rank\), [1-9]\d* exported, 0 dropped/m,
    },
  "npm run cli -- trace test/fixtures/torch-trace/multi_rank_schedule --format jsonl": {
    stdout: /^\{"signal":"span",/m,
  },
  'npx torch-logs-otel collector-filter "+dynamo,-inductor,graph_breaks"               # collector >= v0.146':
    {
      stdout: /^processors:\n {2}filter\/torch_logs:\n/m,
    },
  'npx torch-logs-otel collector-filter "+dynamo" --legacy --ungoverned drop           # older collectors, strict':
    {
      stdout: /^processors:\n {2}filter\/torch_logs:\n/m,
    },
};

let work: string;
let receiver: OtlpReceiver;

beforeAll(() => {
  // Where `npx torch-logs-otel` finds the CLI, as in a project that installed it, and the logs the lines name.
  work = mkdtempSync(join(tmpdir(), "torch-logs-otel-readme-"));
  writeFileSync(join(work, "package.json"), JSON.stringify({ name: "readme-commands", private: true }));
  mkdirSync(join(work, "node_modules/.bin"), { recursive: true });
  const bin = join(work, "node_modules/.bin/torch-logs-otel");
  writeFileSync(
    bin,
    `#!/bin/sh\nexec "${process.execPath}" --disable-warning=ExperimentalWarning ${join(root, "src/cli.ts")} "$@"\n`,
  );
  chmodSync(bin, 0o755);
  copyFileSync(
    join(SAMPLES, "pytorch_issue121386_rank3_prefix_graph_breaks_threadid.log"),
    join(work, "train.log"),
  );
  copyFileSync(
    join(SAMPLES, "k8s_fsdp_torchelastic_W_I_multiline_with_etcd_logs.log"),
    join(work, "rank1.log"),
  );
  // Two gloo ranks recorded from PyTorch 2.15, each line prefixed with its rank.
  copyFileSync(
    new URL("fixtures/corpus-2.15/dist_gloo_ranks.stderr.log", import.meta.url).pathname,
    join(work, "job.log"),
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeEach(async () => {
  receiver = await startOtlpReceiver({ tracesAndMetrics: true });
});
afterEach(() => receiver.close());

describe("sh commands of the README and its docs pages", () => {
  it("are each run here or covered by another test", () => {
    const neither = SH_LINES.filter((line) => !(line in COVERED) && !(line in EXPECTED));
    expect(neither).toEqual([]);
  });

  it("list no covered or expected command those pages no longer have", () => {
    const stale = [...Object.keys(COVERED), ...Object.keys(EXPECTED)].filter(
      (line) => !SH_LINES.includes(line),
    );
    expect(stale).toEqual([]);
  });

  it.each(Object.entries(COVERED))("%s: covered by the test it names", (_line, { by, shows }) => {
    expect(readFileSync(join(root, by), "utf8")).toContain(shows);
  });

  it.each(Object.entries(EXPECTED))("%s: runs as written", async (line, expected) => {
    // The npm scripts of a clone run in the repository; the rest as in a project that installed the package.
    const fromClone = /^(\w+=\S+ )*npm (run|start)\b/.test(line);
    const { stdout, stderr } = await run(
      "bash",
      ["-c", line.replaceAll("http://localhost:4318", receiver.endpoint)],
      {
        cwd: fromClone ? root : work,
        env: {
          PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
          HOME: process.env.HOME ?? "",
          // An installed CLI that exports goes to the default endpoint: here, the receiver.
          ...(!fromClone && { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }),
        },
        timeout: 30_000,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (expected.stdout !== undefined) expect(stdout).toMatch(expected.stdout);
    if (expected.stderr !== undefined) expect(stderr).toMatch(expected.stderr);
    if (expected.records !== undefined) await receiver.waitForRecords(expected.records);
  });
});
