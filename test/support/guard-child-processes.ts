// Vitest setup file (vitest.config.ts): a test file that leaves a child process of its worker running fails, and the
// child is killed (by its PID). Children that are still ending get 3 s. Process groups started detached are the
// test's own to kill (processes.ts, killProcessGroup): their members may no longer be this worker's children.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll } from "vitest";
import { commandLine, liveChildren } from "./processes.ts";

afterAll(async () => {
  const deadline = Date.now() + 3000;
  let left = liveChildren(process.pid);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(50);
    left = liveChildren(process.pid);
  }
  if (left.length === 0) return;
  const described = left.map((pid) => `${pid} ${commandLine(pid)}`);
  for (const pid of left) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(
    `this test file left ${left.length} child process(es) running (now killed):\n${described.join("\n")}`,
  );
});
