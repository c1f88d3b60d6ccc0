// Inside this repository only: `node --import ./test/support/resolve-self.ts examples/x.ts` resolves the
// package's own name, `torch-logs-otel`, to src/index.ts, so the README examples run from source without a
// build. The published package has no such route (its exports point at dist/ only); Vitest (vitest.config.ts)
// and TypeScript (tsconfig.json "paths") get the same mapping their own way.
import { registerHooks } from "node:module";

const SOURCE = new URL("../../src/index.ts", import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === "torch-logs-otel")
      return { url: SOURCE, format: "module-typescript", shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
