// The byte sources of `torch-logs-otel ingest` (and `trace`): a stream (stdin), a pipe given by path, or a
// file, optionally followed as it grows. Each is an async generator of events, so the consumer reads at its own pace (backpressure: nothing
// is read while it is busy) and stops them by returning from its loop or through an AbortSignal.

import {
  closeSync,
  createReadStream,
  fstatSync,
  open as openCallback,
  type ReadStream,
  readSync,
  type Stats,
} from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { Socket } from "node:net";
import { setImmediate, setTimeout as sleep } from "node:timers/promises";

export type InputEvent =
  /** Bytes as read. A fresh buffer each time: the consumer may keep it (e.g. queued on stdout). */
  | { readonly kind: "data"; readonly bytes: Uint8Array }
  /** Nothing arrived for a while after some data: a good time to complete records held back. */
  | { readonly kind: "idle" }
  /** The followed file starts over (truncated, or replaced by rotation): what follows is a new stream. */
  | { readonly kind: "reset"; readonly reason: "truncated" | "rotated" };

export interface ReadStreamOptions {
  /** Ends the input at once (SIGINT/SIGTERM); bytes already yielded are the consumer's. */
  readonly signal: AbortSignal;
  /** Quiet time after data that yields an `idle` event. */
  readonly idleMs: number;
}

export interface ReadFileOptions {
  readonly signal: AbortSignal;
  /**
   * Keep reading a regular file as it grows, across truncation and rotation, until `signal` (or `finish`)
   * aborts. Anything else (a pipe) throws {@link NotFollowableError}.
   */
  readonly follow: boolean;
  /** How often a followed file is checked for new data, truncation and rotation. */
  readonly pollIntervalMs: number;
  /** Quiet time after data on a pipe (FIFO, `/dev/stdin`, `<(…)`) that yields an `idle` event. */
  readonly idleMs: number;
  /** Ends a followed file at its current end instead of waiting for more (the first SIGINT). Default: never. */
  readonly finish?: AbortSignal;
}

/** `--follow` on a file that cannot be followed: a pipe has no end to wait at, only one to read to. */
export class NotFollowableError extends Error {
  override name = "NotFollowableError";
}

const CHUNK_BYTES = 64 * 1024;
/** Bytes read from a regular file between two turns of the event loop. */
const TURN_BYTES = 1024 * 1024;
const STOP = Symbol("stop");
const IDLE = Symbol("idle");

/** Reads a stream (`process.stdin`, any async iterable of bytes or strings) to its end or until aborted. */
export async function* readStream(
  source: AsyncIterable<Uint8Array | string>,
  options: ReadStreamOptions,
): AsyncGenerator<InputEvent> {
  const { signal, idleMs } = options;
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<Uint8Array | string>> | undefined;
  let quiet = true;
  try {
    for (;;) {
      if (signal.aborted) return;
      pending ??= iterator.next();
      const result = await nextOf(pending, signal, quiet ? undefined : idleMs);
      if (result === STOP) return;
      if (result === IDLE) {
        quiet = true;
        yield { kind: "idle" };
        continue;
      }
      pending = undefined;
      if (result.done) return;
      quiet = false;
      const value = result.value;
      yield { kind: "data", bytes: typeof value === "string" ? Buffer.from(value, "utf8") : value };
    }
  } finally {
    // A read still pending when we stop must not surface as an unhandled rejection; return() destroys a
    // Node stream (process.stdin), which would otherwise keep the process alive.
    pending?.catch(() => {});
    try {
      iterator.return?.()?.catch(() => {});
    } catch {
      // A source whose return() throws has nothing left for us to release.
    }
  }
}

/**
 * The next chunk, or STOP when `signal` aborts first, or IDLE after `idleMs` without one. Built afresh
 * for every chunk, with its listener and timer removed once settled: racing each chunk against one
 * long-lived abort promise would leave a reaction on it per chunk, and with it every chunk's buffer.
 */
function nextOf<T>(
  pending: Promise<T>,
  signal: AbortSignal,
  idleMs: number | undefined,
): Promise<T | typeof STOP | typeof IDLE> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      settle();
      resolve(STOP);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    if (idleMs !== undefined) {
      timer = setTimeout(() => {
        settle();
        resolve(IDLE);
      }, idleMs);
    }
    pending.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}

/**
 * Reads a file from its start; a pipe (FIFO, `/dev/stdin`, `<(…)`) or device from where it is, as a stream
 * (with `idle` events), to its end. With `follow`, a regular file is then waited on for more, like `tail -F`;
 * a pipe throws {@link NotFollowableError} before it is opened. When the file shrinks
 * below what was read (truncated in place, e.g. logrotate's copytruncate) it is read again from the start;
 * when the path names another file (renamed away and recreated) the old file is read to its end and the
 * new one from its start; while the path is missing the old file keeps being read. A truncation followed
 * by a rewrite longer than what was read before the next poll cannot be told from growth.
 */
export async function* readFile(path: string, options: ReadFileOptions): AsyncGenerator<InputEvent> {
  const kind = specialFileKind(await stat(path));
  if (kind !== undefined && options.follow) {
    throw new NotFollowableError(
      `cannot follow ${path}: it is ${kind}, not a regular file (without --follow it is read to its end)`,
    );
  }
  // `/dev/stdin` of a process whose parent gave it a socket (Node's stdio: "pipe") cannot be opened (ENXIO).
  if (kind === "a socket")
    throw new Error('it is a socket, which cannot be opened by path (for stdin, give "-")');
  yield* kind === undefined ? readRegularFile(path, options) : readSpecialFile(path, options);
}

/**
 * What a file that cannot be read at positions is, for messages: FIFOs (`mkfifo`, `/dev/stdin` on a pipe,
 * bash's `<(…)`), sockets and devices. Undefined for regular files and directories (whose read fails).
 */
function specialFileKind(stats: Stats): string | undefined {
  if (stats.isFIFO()) return "a pipe";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return undefined;
}

/**
 * Reads a pipe or device sequentially, from where it is to its end: it has no positions (a positional read
 * fails with ESPIPE). Opening a FIFO waits for a writer, as `cat` does. Pipes are read without blocking a
 * thread (a net.Socket, like process.stdin), so stopping does not wait for the writer.
 */
async function* readSpecialFile(path: string, options: ReadFileOptions): AsyncGenerator<InputEvent> {
  const fd = await openFd(path);
  let source: Socket | ReadStream;
  try {
    const stats = fstatSync(fd);
    source = stats.isFIFO()
      ? new Socket({ fd, readable: true, writable: false })
      : createReadStream("", { fd, highWaterMark: CHUNK_BYTES });
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  // readStream ends by destroying the stream, which closes the descriptor.
  yield* readStream(source, { signal: options.signal, idleMs: options.idleMs });
}

/** A plain descriptor, to hand over to the stream that reads and closes it (a FileHandle would close it too). */
function openFd(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    openCallback(path, "r", (error, fd) => (error ? reject(error) : resolve(fd)));
  });
}

async function* readRegularFile(path: string, options: ReadFileOptions): AsyncGenerator<InputEvent> {
  const { signal, follow, pollIntervalMs, finish } = options;
  const wake = finish === undefined ? signal : AbortSignal.any([signal, finish]);
  let handle: FileHandle = await open(path, "r");
  let sinceTurn = 0;
  try {
    let identity = await handle.stat();
    let position = 0;
    let quiet = true;
    for (;;) {
      if (signal.aborted) return;
      const bytes = readChunk(handle, position);
      if (bytes.length > 0) {
        position += bytes.length;
        quiet = false;
        // Reads that never wait would keep the event loop from signals and stream events until the end.
        sinceTurn += bytes.length;
        if (sinceTurn >= TURN_BYTES) {
          sinceTurn = 0;
          await setImmediate();
        }
        yield { kind: "data", bytes };
        continue;
      }
      if (!follow || finish?.aborted) return;
      const current = await statOrUndefined(path);
      if (current !== undefined && !sameFile(current, identity)) {
        const next = await openOrUndefined(path);
        if (next !== undefined) {
          await handle.close();
          handle = next;
          identity = await handle.stat();
          position = 0;
          yield { kind: "reset", reason: "rotated" };
          continue;
        }
      } else if ((await handle.stat()).size < position) {
        position = 0;
        yield { kind: "reset", reason: "truncated" };
        continue;
      }
      if (!quiet) {
        quiet = true;
        yield { kind: "idle" };
      }
      try {
        await sleep(pollIntervalMs, undefined, { signal: wake });
      } catch {
        // Stopped: return. Finishing: read on to the current end, then return (above).
        if (signal.aborted) return;
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * Up to CHUNK_BYTES from `position`, in a fresh buffer (the consumer may keep it); empty at the end. A
 * blocking read, as `cat` reads: a regular file's bytes are at hand (page cache or disk), and a read through
 * libuv's thread pool costs a trip there and back per chunk, with the process idle meanwhile.
 */
function readChunk(handle: FileHandle, position: number): Uint8Array {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const bytesRead = readSync(handle.fd, buffer, 0, CHUNK_BYTES, position);
  return buffer.subarray(0, bytesRead);
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev;
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined; // between a rotation's rename and the new file's creation
  }
}

async function openOrUndefined(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, "r");
  } catch {
    return undefined;
  }
}
