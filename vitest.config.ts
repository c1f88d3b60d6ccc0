import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // `torch-logs-otel` imports (README examples) resolve to src/ inside this repo only; the published exports
  // point at dist/ (tsconfig.json "paths" and test/support/resolve-self.ts do the same for tsc and node).
  resolve: {
    alias: [
      { find: /^torch-logs-otel$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
    ],
  },
  test: {
    // The end-to-end suite (e2e/**/*.e2e.test.ts) runs with e2e/vitest.config.ts; its tooling is tested here.
    include: ["test/**/*.test.ts", "e2e/backends/**/*.test.ts"],
    reporters: ["default", "./test/support/closing-line-reporter.ts"],
    // A TorchLogsWarning no test took, or a child process a test file left running, fails the run.
    setupFiles: ["./test/support/guard-torch-logs-warnings.ts", "./test/support/guard-child-processes.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
