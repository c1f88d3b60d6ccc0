// Argument parsing shared by the commands: node's parseArgs, with TORCH_LOGS values allowed to start with "-".
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";

/** A command line the user can fix; the CLI prints it with the usage text and exits 2. */
export class UsageError extends Error {}

/**
 * TORCH_LOGS values often start with "-" (`-dynamo,+inductor`): an argument that starts with a single "-" and
 * is not one of the command's short options is a positional, so no "--" separator is needed.
 */
export function parseCommandArgs<T extends ParseArgsOptionsConfig>(args: readonly string[], options: T) {
  const shorts = new Set(Object.values(options).flatMap((o) => (o.short ? [`-${o.short}`] : [])));
  const prepared: string[] = [];
  const dashed: string[] = [];
  for (const arg of args) {
    if (arg.startsWith("-") && !arg.startsWith("--") && !shorts.has(arg)) dashed.push(arg);
    else prepared.push(arg);
  }
  try {
    const parsed = parseArgs({ args: prepared, options, allowPositionals: true, strict: true });
    return { values: parsed.values, positionals: [...parsed.positionals, ...dashed] };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
