// Which processes are still there, read from /proc (Linux): so a test can make sure that it leaves none behind —
// a child it started, or a process group (a shell pipeline started detached) whose leader is gone but whose
// members still run (`(sleep 0.2; cat big > fifo) &` waiting for a reader that failed).
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly state: string;
}

/** Every process /proc shows now (ones that end while it is read are left out). */
function listProcesses(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // ended meanwhile
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses; the fields follow its last ")".
    const [state = "", ppid = "", pgid = ""] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    entries.push({ pid: Number(name), ppid: Number(ppid), pgid: Number(pgid), state });
  }
  return entries;
}

/** The command line of `pid`, for messages ("" once it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
}

/** PIDs of the running (not zombie) children of `pid`. */
export function liveChildren(pid: number): number[] {
  return listProcesses()
    .filter((p) => p.ppid === pid && p.state !== "Z")
    .map((p) => p.pid);
}

/** PIDs of the running (not zombie) processes of process group `pgid`. */
export function processGroupMembers(pgid: number): number[] {
  return listProcesses()
    .filter((p) => p.pgid === pgid && p.state !== "Z")
    .map((p) => p.pid);
}

/**
 * SIGKILLs process group `pgid` — whether or not its leader still runs — and waits until none of it runs, for at
 * most `timeoutMs`; throws naming what is left after that.
 */
export async function killProcessGroup(pgid: number, timeoutMs = 5000): Promise<void> {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // ESRCH: nothing of the group is left
  }
  const deadline = Date.now() + timeoutMs;
  for (let left = processGroupMembers(pgid); left.length > 0; left = processGroupMembers(pgid)) {
    if (Date.now() > deadline) {
      throw new Error(`process group ${pgid} still runs after SIGKILL: ${left.map(commandLine).join("; ")}`);
    }
    await sleep(20);
  }
}
