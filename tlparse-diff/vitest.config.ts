// `npm run test:tlparse`: `trace` side by side with the real tlparse (see tlparse-diff/README.md). Not part of
// `npm test`: it needs python3 and tlparse 0.4.3 (installed from PyPI when missing).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: [
      { find: /^torch-logs-otel$/, replacement: fileURLToPath(new URL("../src/index.ts", import.meta.url)) },
    ],
  },
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["tlparse-diff/**/*.tlparse.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 900_000,
  },
});
