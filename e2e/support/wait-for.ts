// Every wait in the suite has a bound: poll a condition until it holds or the deadline passes, then say what was
// awaited and what was last seen.
import { setTimeout as sleep } from "node:timers/promises";

export interface WaitOptions {
  /** What is awaited, for the error. */
  readonly what: string;
  /** Give up after this long. Default 30 s. */
  readonly timeoutMs?: number;
  /** Pause between attempts. Default 200 ms. */
  readonly intervalMs?: number;
}

/**
 * Calls `probe` until it returns a value other than `undefined` and returns that value. A probe that throws
 * counts as "not yet" (a server still starting refuses connections); its last error is in the timeout message.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last = "no attempt finished";
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = "not yet";
    } catch (error) {
      last = String((error as Error).message ?? error);
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${options.timeoutMs ?? 30_000} ms waiting for ${options.what} (last: ${last})`,
      );
    }
    await sleep(options.intervalMs ?? 200);
  }
}
