import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { appendFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type InputEvent,
  NotFollowableError,
  type ReadFileOptions,
  readFile,
  readStream,
} from "../../src/input/read-input.ts";

async function collect(events: AsyncGenerator<InputEvent>): Promise<InputEvent[]> {
  const out: InputEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe("readStream", () => {
  it("yields strings as UTF-8 bytes, an idle event after a pause, and ends with the source", async () => {
    async function* source() {
      yield "é";
      await new Promise((resolve) => setTimeout(resolve, 30));
      yield Uint8Array.of(0x41);
    }
    const events = await collect(readStream(source(), { signal: new AbortController().signal, idleMs: 5 }));
    expect(events).toEqual([
      { kind: "data", bytes: Buffer.from("é") },
      { kind: "idle" },
      { kind: "data", bytes: Uint8Array.of(0x41) },
    ]);
  });

  it("stops at once when aborted while the source is silent", async () => {
    const stop = new AbortController();
    async function* silent() {
      yield "x";
      await new Promise(() => {});
    }
    const reading = collect(readStream(silent(), { signal: stop.signal, idleMs: 1_000 }));
    setTimeout(() => stop.abort(), 10);
    expect(await reading).toEqual([{ kind: "data", bytes: Buffer.from("x") }]);
  });

  it("does not keep the chunks it has handed over (memory stays bounded on endless stdin)", async () => {
    // 256 MiB in 4096 distinct 64 KiB chunks: retaining them (e.g. through reactions on a long-lived
    // promise) would leave far more than the 64 MiB allowed here after the reader is done.
    const chunk = 64 * 1024;
    async function* source() {
      for (let i = 0; i < 4096; i++) yield new Uint8Array(chunk);
    }
    let bytes = 0;
    for await (const event of readStream(source(), { signal: new AbortController().signal, idleMs: 1_000 })) {
      if (event.kind === "data") bytes += event.bytes.length;
    }
    expect(bytes).toBe(4096 * chunk);
    // Collect first, so the figure says what is still reachable, not how far the GC happened to get.
    setFlagsFromString("--expose-gc");
    (runInNewContext("gc") as () => void)();
    expect(process.memoryUsage().arrayBuffers).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("readFile", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "torch-logs-otel-read-input-"));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const options = (overrides: Partial<ReadFileOptions> = {}): ReadFileOptions => ({
    signal: new AbortController().signal,
    follow: false,
    pollIntervalMs: 5,
    idleMs: 1_000,
    ...overrides,
  });

  const text = (events: readonly InputEvent[]) =>
    Buffer.concat(events.flatMap((event) => (event.kind === "data" ? [event.bytes] : []))).toString();

  function mkfifo(): string {
    const path = join(dir, "fifo");
    execFileSync("mkfifo", [path]);
    return path;
  }

  it("reads a FIFO as a stream to its end (a positional read would fail with ESPIPE)", async () => {
    const fifo = mkfifo();
    const input = "x".repeat(300 * 1024); // more than a pipe holds: the writer waits for the reader
    const [events] = await Promise.all([collect(readFile(fifo, options())), writeFile(fifo, input)]);
    expect(text(events)).toBe(input);
  });

  it("refuses to follow a FIFO before opening it (no writer needed)", async () => {
    const fifo = mkfifo();
    const error = await collect(readFile(fifo, options({ follow: true }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFollowableError);
    expect((error as Error).message).toBe(
      `cannot follow ${fifo}: it is a pipe, not a regular file (without --follow it is read to its end)`,
    );
  });

  it("names a socket (`/dev/stdin` given a socket by a Node parent), which cannot be opened by path", async () => {
    const path = join(dir, "socket");
    const server = createServer().listen(path);
    await once(server, "listening");
    try {
      const error = await collect(readFile(path, options())).catch((e: unknown) => e);
      expect((error as Error).message).toBe(
        'it is a socket, which cannot be opened by path (for stdin, give "-")',
      );
    } finally {
      server.close();
    }
  });

  it("follows a file until `finish`, then reads to its current end and returns", async () => {
    const path = join(dir, "train.log");
    writeFileSync(path, "one\n");
    const finish = new AbortController();
    const events: InputEvent[] = [];
    for await (const event of readFile(path, options({ follow: true, finish: finish.signal }))) {
      events.push(event);
      if (event.kind === "idle") {
        // Written after the last poll, then the interrupt: the last read must still see it.
        await appendFile(path, "two\n");
        finish.abort();
      }
    }
    expect(text(events)).toBe("one\ntwo\n");
  });
});
