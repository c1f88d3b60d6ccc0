import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { SafeOutput } from "../../src/cli/safe-output.ts";

describe("SafeOutput", () => {
  it("on a pipe whose reader exited (EPIPE): closes instead of throwing, drops later writes", async () => {
    // `head -c 1` reads one byte and exits: the next writes into its stdin fail with EPIPE.
    const head = spawn("head", ["-c", "1"], { stdio: ["pipe", "ignore", "ignore"] });
    const stdin = head.stdin;
    if (stdin === null) throw new Error("no stdin");
    const output = new SafeOutput(stdin);
    const chunk = "x".repeat(64 * 1024);
    while (!output.closed.aborted) {
      expect(() => output.write(chunk)).not.toThrow();
      await output.drained();
    }
    expect((output.closed.reason as NodeJS.ErrnoException).code).toBe("EPIPE");
    // Closed: writes are dropped without reaching the stream, and nothing is left to wait for.
    const before = stdin.writableLength;
    expect(output.write(chunk)).toBe(true);
    expect(stdin.writableLength).toBe(before);
    await output.drained();
    await once(head, "close");
  });

  it("reports backpressure while the reader is slower, and drains", async () => {
    // `sleep 0.2; cat`: nothing is read for a while, so the pipe and then the stream's buffer fill.
    const reader = spawn("sh", ["-c", "sleep 0.2; cat > /dev/null"], { stdio: ["pipe", "ignore", "ignore"] });
    const stdin = reader.stdin;
    if (stdin === null) throw new Error("no stdin");
    const output = new SafeOutput(stdin);
    let accepted = true;
    let writes = 0;
    while (accepted) {
      accepted = output.write("y".repeat(64 * 1024));
      writes++;
    }
    expect(stdin.writableNeedDrain).toBe(true);
    await output.drained();
    expect(stdin.writableNeedDrain).toBe(false);
    expect(output.closed.aborted).toBe(false);
    expect(writes).toBeGreaterThan(0);
    stdin.end();
    await once(reader, "close");
  });
});
