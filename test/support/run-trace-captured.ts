// `torch-logs-otel trace` run in process with its output captured, and its JSON lines parsed.
import { runTrace, type TraceDeps } from "../../src/cli/trace-command.ts";

/** One printed JSON line: a log record, a span, a metric point or the resource. */
export type TraceLine = Record<string, unknown> & {
  readonly signal: string;
  readonly attributes: Record<string, unknown>;
};

export async function runTraceCaptured(
  args: string[],
  env: Record<string, string> = {},
  deps: TraceDeps = {},
) {
  let stdout = "";
  let stderr = "";
  const code = await runTrace(
    {
      argv: [],
      env,
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
    },
    args,
    deps,
  );
  const lines = stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as TraceLine);
  return { code, stdout, stderr, lines };
}
