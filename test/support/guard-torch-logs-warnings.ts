// Vitest setup file (vitest.config.ts): a TorchLogsWarning the test did not take (takeTorchLogsWarnings) fails it.
// Node's own printer is kept for every other process warning; TorchLogsWarnings are collected instead of printed.
import { afterAll, afterEach } from "vitest";
import { WARNING_TYPE } from "../../src/otel/warn-once.ts";
import { collectedTorchLogsWarnings, takeTorchLogsWarnings } from "./torch-logs-warnings.ts";

const nodePrinters = process.listeners("warning");
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name === WARNING_TYPE) collectedTorchLogsWarnings().push(warning.message);
  else for (const print of nodePrinters) print.call(process, warning);
});

async function failOnUntaken(when: string): Promise<void> {
  const left = await takeTorchLogsWarnings();
  if (left.length > 0) {
    throw new Error(
      `${left.length} TorchLogsWarning(s) ${when} that no test took: take them with takeTorchLogsWarnings() ` +
        `(test/support/torch-logs-warnings.ts) in the test that causes them, and assert them:\n${left.join("\n")}`,
    );
  }
}

afterEach(() => failOnUntaken("raised during this test"));
afterAll(() => failOnUntaken("raised after the last test of this file"));
