// The OTLP/HTTP test receiver (test/support/otlp-receiver.ts) in a worker thread of the benchmark process, so
// that decoding what the exporter sends runs beside the exporting thread instead of on it. Messages:
// → { type: "take" } answers { type: "taken", count } (records accepted since the last take, then forgotten);
// → { type: "close" } closes the receiver, answers { type: "closed" } and lets the worker exit.
import { parentPort } from "node:worker_threads";
import { startOtlpReceiver } from "../../support/otlp-receiver.ts";

export type ReceiverRequest = { readonly type: "take" } | { readonly type: "close" };
export type ReceiverReply =
  | { readonly type: "ready"; readonly url: string }
  | { readonly type: "taken"; readonly count: number; readonly malformed: number; readonly rejected: number }
  | { readonly type: "closed" };

const port = parentPort;
if (port === null) throw new Error("receiver-worker.ts must run as a worker thread");

const receiver = await startOtlpReceiver();
const reply = (message: ReceiverReply) => port.postMessage(message);

port.on("message", (message: ReceiverRequest) => {
  if (message.type === "take") {
    const count = receiver.records.length;
    const { malformedRequests: malformed, rejectedRequests: rejected } = receiver;
    receiver.clear();
    reply({ type: "taken", count, malformed, rejected });
  } else {
    void receiver.close().then(() => {
      reply({ type: "closed" });
      port.close();
    });
  }
});
reply({ type: "ready", url: receiver.url });
