// processes.ts, which the tests use to leave nothing running: a detached shell whose background job outlives it
// leaves a process group without its leader; killProcessGroup ends it all the same.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { killProcessGroup, liveChildren, processGroupMembers } from "./processes.ts";

describe("killProcessGroup", () => {
  it("ends a group whose leader has exited and whose background job still runs", async () => {
    const shell = spawn("bash", ["-c", "sleep 30 & echo started"], {
      detached: true,
      stdio: ["ignore", "pipe", "ignore"],
    });
    const pgid = shell.pid ?? 0;
    await once(shell, "exit");
    const left = processGroupMembers(pgid);
    expect(left).toHaveLength(1); // the sleep, orphaned: no longer this process's child
    expect(liveChildren(process.pid)).not.toContain(left[0]);
    await killProcessGroup(pgid);
    expect(processGroupMembers(pgid)).toEqual([]);
  });

  it("is a no-op for a group that does not exist", async () => {
    const shell = spawn("true");
    await once(shell, "exit");
    await killProcessGroup(shell.pid ?? 0);
    expect(processGroupMembers(shell.pid ?? 0)).toEqual([]);
  });
});

describe("liveChildren", () => {
  it("lists a running child, and not once it has ended", async () => {
    const child = spawn("sleep", ["30"]);
    expect(liveChildren(process.pid)).toContain(child.pid);
    child.kill("SIGKILL");
    await once(child, "exit");
    expect(liveChildren(process.pid)).not.toContain(child.pid);
  });
});
