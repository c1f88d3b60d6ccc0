import { TorchLogsError } from "../../src/index.ts";

/** Runs `fn` and returns the TorchLogsError it throws; fails the test for anything else. */
export function errorOf(fn: () => unknown): TorchLogsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TorchLogsError) return error;
    throw error;
  }
  throw new Error("expected a TorchLogsError");
}
