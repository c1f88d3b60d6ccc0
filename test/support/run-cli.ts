import { PassThrough } from "node:stream";
import { runCli } from "../../src/cli/run-cli.ts";

/**
 * Runs the CLI in process with captured output; `stdin` is the input of `ingest` without FILE. What the demo
 * prints in PyTorch's console format (its `stream`) is captured too, as `console`, instead of reaching stderr.
 */
export async function runCliCaptured(argv: string[], env: Record<string, string> = {}, stdin?: string) {
  let stdout = "";
  let stderr = "";
  let console = "";
  const stream = new PassThrough();
  stream.on("data", (chunk: Buffer) => {
    console += chunk.toString("utf8");
  });
  const code = await runCli({
    argv,
    env,
    stream,
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
  return { code, stdout, stderr, console };
}
