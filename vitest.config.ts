import { defineConfig } from "vitest/config";

export default defineConfig({
  // `torch-logs-otel` imports (README examples) resolve to src/ through the package's "development" export.
  resolve: { conditions: ["development"] },
  ssr: { resolve: { conditions: ["development"] } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
