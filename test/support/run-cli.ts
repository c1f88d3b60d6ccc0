import { runCli } from "../../src/cli/run-cli.ts";

/** Runs the CLI in process with captured output. */
export async function runCliCaptured(argv: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCli({
    argv,
    env,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}
