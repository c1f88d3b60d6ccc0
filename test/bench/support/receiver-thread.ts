// Starts test/bench/support/receiver-worker.ts and talks to it: the local OTLP/HTTP receiver (127.0.0.1,
// ephemeral port) for the end-to-end scenario. Always `close()` it (finally).
import { Worker } from "node:worker_threads";
import { startOtlpReceiver } from "../../support/otlp-receiver.ts";
import type { ReceiverReply } from "./receiver-worker.ts";

export interface Taken {
  readonly count: number;
  readonly malformed: number;
  readonly rejected: number;
}

export interface ReceiverThread {
  /** The logs endpoint, `http://127.0.0.1:PORT/v1/logs`. */
  readonly url: string;
  /** Records accepted since the last call (then forgotten, so the receiver holds no more than one batch). */
  take(): Promise<Taken>;
  /** Closes the receiver and ends the worker; idempotent. */
  close(): Promise<void>;
}

const CLOSE_TIMEOUT_MS = 2_000;

export async function startReceiverThread(): Promise<ReceiverThread> {
  const worker = new Worker(new URL("./receiver-worker.ts", import.meta.url));
  const waiting: ((reply: ReceiverReply) => void)[] = [];
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure = error;
    for (const resolve of waiting.splice(0)) resolve({ type: "closed" });
  };
  worker.on("message", (reply: ReceiverReply) => waiting.shift()?.(reply));
  worker.on("error", fail);
  worker.on("exit", () => fail(failure ?? new Error("receiver worker exited")));
  const next = () =>
    new Promise<ReceiverReply>((resolve, reject) => {
      if (failure) reject(failure);
      else waiting.push(resolve);
    });

  const ready = await next();
  if (ready.type !== "ready") {
    await worker.terminate();
    throw failure ?? new Error(`receiver worker: unexpected ${ready.type}`);
  }
  let closing: Promise<void> | undefined;
  return {
    url: ready.url,
    async take() {
      const answer = next();
      worker.postMessage({ type: "take" });
      const reply = await answer;
      if (reply.type !== "taken") throw failure ?? new Error(`receiver worker: unexpected ${reply.type}`);
      return reply;
    },
    close() {
      closing ??= (async () => {
        if (failure === undefined) {
          const answer = next().catch(() => undefined);
          worker.postMessage({ type: "close" });
          const timeout = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref());
          await Promise.race([answer, timeout]);
        }
        await worker.terminate();
      })();
      return closing;
    },
  };
}

/** The same receiver on the calling thread: its decoding then shares the exporting thread's time. */
export async function startReceiverInline(): Promise<ReceiverThread> {
  const receiver = await startOtlpReceiver();
  return {
    url: receiver.url,
    take() {
      const taken = {
        count: receiver.records.length,
        malformed: receiver.malformedRequests,
        rejected: receiver.rejectedRequests,
      };
      receiver.clear();
      return Promise.resolve(taken);
    },
    close: () => receiver.close(),
  };
}
