// The TorchLogsWarnings a test process raises (`warnOnce` without a diag logger: Node process warnings) belong to the
// test that caused them: it takes them with `takeTorchLogsWarnings()` and asserts them. guard-torch-logs-warnings.ts,
// a Vitest setup file, collects them instead of letting Node print them, and fails a test that leaves one untaken,
// so a green run prints nothing that looks like a problem and no warning goes unnoticed.
import { setImmediate } from "node:timers/promises";

// On globalThis: the setup file and the test file may each load their own copy of this module.
const KEY = Symbol.for("torch-logs-otel.test.torch-logs-warnings");
const store = globalThis as { [KEY]?: string[] };

/** The list the guard collects into (created on first use). */
export function collectedTorchLogsWarnings(): string[] {
  store[KEY] ??= [];
  return store[KEY];
}

/**
 * The messages of the TorchLogsWarnings raised so far and not yet taken, oldest first; they count as seen. Waits one
 * turn of the event loop first: Node emits a process warning on the next tick.
 */
export async function takeTorchLogsWarnings(): Promise<string[]> {
  await setImmediate();
  return collectedTorchLogsWarnings().splice(0);
}
