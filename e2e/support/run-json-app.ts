// The suite's applications (e2e/apps/*.ts) run as users run theirs: a child process on this Node, its environment
// plus `env`, stopped by its PID if it overruns. Each prints one JSON object on stdout when it is done.
import { spawn } from "node:child_process";

export interface JsonAppOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Kill it after this long. Default 120 s. */
  readonly timeoutMs?: number;
}

/** Runs the app and resolves with the JSON object it printed; rejects with its output if it printed none. */
export function runJsonApp<T>(app: string, options: JsonAppOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", app], {
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`${app} printed no result (exit ${code ?? signal}):\n${stdout}\n${stderr}`));
      }
    });
  });
}
