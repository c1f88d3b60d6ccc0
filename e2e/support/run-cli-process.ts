// The CLI as a user runs it: `node src/cli.ts …` in a child process (the bin from source, on the Node 22 that
// npm scripts use), with a bound on its run time. The process is killed by its PID if it overruns.
import { spawn } from "node:child_process";

const CLI = new URL("../../src/cli.ts", import.meta.url).pathname;

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliProcessOptions {
  /** Added to this process's environment (which has no OTEL_* or TORCH_LOGS* set by the suite). */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill it after this long. Default 120 s. */
  readonly timeoutMs?: number;
}

/** The environment a CLI child starts from: this one's, without the variables that would steer it. */
function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("OTEL_") && !key.startsWith("TORCH_")),
  );
}

export function runCliProcess(args: readonly string[], options: CliProcessOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", CLI, ...args], {
      env: { ...baseEnv(), ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
  });
}
