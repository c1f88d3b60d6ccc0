import { runCli } from "../../src/cli/run-cli.ts";

/** Runs the CLI in process with captured output; `stdin` is the input of `ingest` without FILE. */
export async function runCliCaptured(argv: string[], env: Record<string, string> = {}, stdin?: string) {
  let stdout = "";
  let stderr = "";
  const code = await runCli({
    argv,
    env,
    ...(stdin !== undefined && {
      stdin: (async function* () {
        yield stdin;
      })(),
    }),
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}
