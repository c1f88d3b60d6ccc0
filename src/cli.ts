#!/usr/bin/env node
// The `torch-logs-otel` bin. The only module that touches argv, process.stdout/stderr and the exit code.
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { runCli } from "./cli/run-cli.ts";
import { SafeOutput } from "./cli/safe-output.ts";

/** True when this module is the program node was asked to run (directly, or through the npm bin link). */
function isMainModule(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

const isMain = isMainModule();
if (isMain) {
  // Never crash on a closed stdout or stderr (`… 2>&1 | head -1`): the commands go on without them.
  const stdout = new SafeOutput(process.stdout);
  const stderr = new SafeOutput(process.stderr);
  runCli({
    argv: process.argv.slice(2),
    env: process.env,
    stdout: (text) => stdout.write(text),
    stderr: (text) => stderr.write(text),
    stdoutBytes: (bytes) => (stdout.write(bytes) ? undefined : stdout.drained()),
    stdoutUtf8: (bytes) => {
      stdout.write(bytes);
    },
    stdoutDrained: () => stdout.drained(),
    stdoutClosed: stdout.closed,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      stderr.write(`torch-logs-otel: internal error: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
