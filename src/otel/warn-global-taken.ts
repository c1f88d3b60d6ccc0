import { warnOnce } from "./warn-once.ts";

/**
 * Where the warning "a logs global is taken by another provider" goes: `diag.warn` when a diag logger is
 * installed, else a Node process warning (once per message; see warn-once.ts).
 */
export function warnGlobalTaken(message: string): void {
  warnOnce(message);
}
