// How pipelines deliver what they accepted when the process ends: the event loop runs dry (beforeExit), a
// signal asks it to stop (SIGTERM, SIGINT), or it crashes (an uncaught exception, or an unhandled rejection
// under Node's default `--unhandled-rejections=throw`).
//
// One set of listeners serves every pipeline of the process. With one set per pipeline, each pipeline saw the
// others' listeners on a signal, took them for the application's, and left the signal alone: only the last one
// delivered. The set lives on `globalThis` under a registry symbol, so the ESM and the CommonJS build of this
// package (two module instances in one process) share it too.
//
// Node's own behaviour is kept whenever the application has a say: a signal or crash the application listens
// to itself is left to it (it calls `shutdown()`); otherwise every pipeline is shut down, bounded by the longest
// `shutdownTimeoutMillis`, and the process then ends as Node would have ended it: re-raising the signal, or
// re-raising the error so that Node prints it and exits with code 1 (see `reraise`).

import { types } from "node:util";
import { diag } from "@opentelemetry/api";
import { readUnhandledRejectionsMode } from "../otel/env.ts";

/** A pipeline, as the process hooks see it. */
export interface ExitParticipant {
  /** The event loop ran dry: export what was accepted since last time (a no-op when nothing was). */
  flushAtExit(): void;
  /** The process is ending (a signal, a crash): deliver everything accepted and stop. */
  shutdown(): Promise<void>;
  /** How long `shutdown` may take before the process ends anyway. */
  readonly shutdownTimeoutMillis: number;
}

const SIGNALS = ["SIGTERM", "SIGINT"] as const;
const HOOKS_KEY = Symbol.for("torch-logs-otel.process-hooks.v1");

/** Adds a pipeline to the process hooks (installing them with the first); returns its removal. */
export function addExitParticipant(participant: ExitParticipant): () => void {
  const holder = globalThis as { [HOOKS_KEY]?: ProcessHooks };
  holder[HOOKS_KEY] ??= new ProcessHooks();
  return holder[HOOKS_KEY].add(participant);
}

class ProcessHooks {
  readonly #participants = new Set<ExitParticipant>();
  #installed = false;

  add(participant: ExitParticipant): () => void {
    this.#participants.add(participant);
    this.#install();
    return () => {
      this.#participants.delete(participant);
      if (this.#participants.size === 0) this.#uninstall();
    };
  }

  readonly #onBeforeExit = (): void => {
    for (const participant of [...this.#participants]) participant.flushAtExit();
  };

  readonly #onSignal = (signal: NodeJS.Signals): void => {
    // Ours is one listener; any other is the application's, and it decides (and calls `shutdown()`).
    if (process.listenerCount(signal) > 1) return;
    // A second signal during the shutdown ends the process at once, with the default action.
    this.#uninstall();
    void this.#shutdownAll(signal).then(() => process.kill(process.pid, signal));
  };

  readonly #onUncaughtException = (error: unknown, origin: NodeJS.UncaughtExceptionOrigin): void => {
    if (process.listenerCount("uncaughtException") > 1) return; // the application handles its errors
    this.#uninstall();
    void this.#shutdownAll(origin).then(() => reraise(error));
  };

  #install(): void {
    if (this.#installed) return;
    this.#installed = true;
    process.on("beforeExit", this.#onBeforeExit);
    for (const signal of SIGNALS) process.on(signal, this.#onSignal);
    process.on("uncaughtException", this.#onUncaughtException);
  }

  #uninstall(): void {
    if (!this.#installed) return;
    this.#installed = false;
    process.off("beforeExit", this.#onBeforeExit);
    for (const signal of SIGNALS) process.off(signal, this.#onSignal);
    process.off("uncaughtException", this.#onUncaughtException);
  }

  /** Shuts every pipeline down in parallel, for at most the longest `shutdownTimeoutMillis`. Never rejects. */
  async #shutdownAll(reason: string): Promise<void> {
    const participants = [...this.#participants];
    const timeoutMillis = Math.max(0, ...participants.map((p) => p.shutdownTimeoutMillis));
    let timer: NodeJS.Timeout | undefined;
    // A referenced timer: the process must stay up until the shutdown ends or times out, even when an
    // exporter that never answers leaves nothing else on the event loop.
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMillis);
    });
    const all = Promise.all(
      participants.map((p) =>
        Promise.resolve()
          .then(() => p.shutdown())
          .catch((error: unknown) =>
            diag.error(`startTorchLogs: shutdown on ${reason} failed: ${String(error)}`),
          ),
      ),
    );
    await Promise.race([all, timeout]);
    clearTimeout(timer);
  }
}

/**
 * Ends the process the way Node would have ended it for `error`, now that no listener of ours is left.
 *
 * Node prints a fatal error as: the source line it was raised at with a caret under it, the error (its stack,
 * through `util.inspect`), and `Node.js <version>`; then it exits with code 1. That source line comes from the
 * V8 message of the throw, which Node never hands to JavaScript, so a plain `throw error` from here would
 * quote this file instead. An Error is therefore re-raised as an unhandled rejection: Node then builds the
 * message from the error's own stack, as it does for rejections and for errors thrown while an ES module is
 * evaluated. The output is the same byte for byte for those, and for an unhandled rejection of a non-Error
 * (which reaches us already wrapped by Node). For an Error thrown synchronously in CommonJS or a callback, the
 * caret points where the error was created rather than at the `throw`. Anything else (a thrown string, or a
 * lenient `--unhandled-rejections` mode in which a rejection would not end the process) is thrown again from
 * a line Node does not quote: the same text without the source excerpt.
 */
function reraise(error: unknown): void {
  if (types.isNativeError(error) && rejectionsAreFatal()) {
    void Promise.reject(error);
    return;
  }
  process.nextTick(throwAgain, error);
}

function throwAgain(error: unknown): never {
  throw error; // node-do-not-add-exception-line
}

/** Whether an unhandled rejection ends the process (`--unhandled-rejections` is `throw`, the default, or `strict`). */
function rejectionsAreFatal(): boolean {
  const mode = readUnhandledRejectionsMode(process.execArgv);
  return mode === undefined || mode === "throw" || mode === "strict";
}
