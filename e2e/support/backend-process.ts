// A backend started as a child process for a test: its output kept in a log file, readiness awaited with a
// bound, and always stopped by the PID it was started with (SIGTERM, then SIGKILL after a grace period).
// Every process still running when the test process exits is killed, so no test leaves one behind.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const running = new Set<BackendProcess>();
process.once("exit", () => {
  for (const backend of running) backend.killNow();
});

export interface StartOptions {
  /** For messages: `agent collector`, `jaeger`, … */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** stdout and stderr are appended here. */
  readonly logPath: string;
}

export class BackendProcess {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  /** Resolves with the exit code (or signal name) when the process has exited. */
  readonly exited: Promise<number | string>;
  private readonly child: ChildProcess;
  private hasExited = false;

  constructor(options: StartOptions) {
    this.name = options.name;
    this.logPath = options.logPath;
    const log = openSync(options.logPath, "a");
    this.child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    if (this.child.pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
    this.pid = this.child.pid;
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.hasExited = true;
        running.delete(this);
        resolve(code ?? signal ?? "unknown");
      });
    });
    running.add(this);
  }

  get isRunning(): boolean {
    return !this.hasExited;
  }

  /** The last `lines` lines of its output, for failure messages. */
  tail(lines = 30): string {
    try {
      return readFileSync(this.logPath, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no output)";
    }
  }

  /** SIGTERM, and SIGKILL if it has not exited after `graceMs`. Resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.hasExited) return;
    this.child.kill("SIGTERM");
    const exited = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!exited) await this.kill();
  }

  /** SIGKILL, as a crash would. Resolves once it has exited. */
  async kill(): Promise<void> {
    if (this.hasExited) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }

  /** SIGSTOP / SIGCONT: a backend that hangs without going away. */
  pause(): void {
    this.child.kill("SIGSTOP");
  }

  resume(): void {
    this.child.kill("SIGCONT");
  }

  killNow(): void {
    if (!this.hasExited) this.child.kill("SIGKILL");
  }
}

/** Stops every backend this test process started and has not stopped yet. */
export async function stopAllBackends(): Promise<void> {
  await Promise.all([...running].map((backend) => backend.stop()));
}
