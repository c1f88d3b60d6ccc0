// The processor path, every part real: an application (e2e/apps/processor-path-app.ts) logging through the raw
// OpenTelemetry API, the logger facade, winston and pino under startTorchLogs → the agent collector
// (collector/otelcol-config.yaml) → the logs store. Exactly the records TORCH_LOGS admits arrive, with their
// scope, severity, body, artifact and trace context, and as many as the app's stats().exported.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJsonApp } from "./support/run-json-app.ts";
import { type Stack, startStack } from "./support/stack.ts";
import { awaitLogs } from "./support/victoria-logs-client.ts";

const APP = new URL("apps/processor-path-app.ts", import.meta.url).pathname;

/** What the app emits (one record each, inside a span of its own): body → scope, severity, artifact. */
const EMITTED: Readonly<
  Record<string, { scope: string; severity: number; artifact?: string; event?: string }>
> = {
  "api torch._dynamo debug": { scope: "torch._dynamo", severity: 5 },
  "api torch._dynamo info": { scope: "torch._dynamo", severity: 9 },
  "api torch._dynamo warn": { scope: "torch._dynamo", severity: 13 },
  "api torch._inductor.codegen info": { scope: "torch._inductor.codegen", severity: 9 },
  "api torch._inductor.codegen error": { scope: "torch._inductor.codegen", severity: 17 },
  "api graph_breaks debug": {
    scope: "torch._dynamo.symbolic_convert",
    severity: 5,
    artifact: "graph_breaks",
  },
  "api output_code debug": { scope: "torch._inductor.graph", severity: 5, artifact: "output_code" },
  "api recompiles event debug": { scope: "torch._dynamo.guards", severity: 5, event: "recompiles" },
  "api my-service info": { scope: "my-service", severity: 9 },
  "facade torch._inductor.scheduler debug": { scope: "torch._inductor.scheduler", severity: 5 },
  "facade torch._inductor.scheduler warning": { scope: "torch._inductor.scheduler", severity: 13 },
  "facade torch._inductor.scheduler error": { scope: "torch._inductor.scheduler", severity: 17 },
  "facade guards debug": { scope: "torch._dynamo.guards", severity: 5, artifact: "guards" },
  ...Object.fromEntries(
    (["debug", "info", "warn", "error"] as const).flatMap((level, i) => [
      [`winston ${level}`, { scope: "@opentelemetry/winston-transport", severity: 5 + 4 * i }],
      [`pino ${level}`, { scope: "@opentelemetry/instrumentation-pino", severity: 5 + 4 * i }],
    ]),
  ),
};

/** TORCH_LOGS values and what each admits, worked out from PyTorch's rules (winston and pino are components). */
const CASES: readonly { value: string; admitted: readonly string[] }[] = [
  {
    // Every component at WARNING, artifacts off, ungoverned scopes pass.
    value: "",
    admitted: [
      "api torch._dynamo warn",
      "api torch._inductor.codegen error",
      "api my-service info",
      "facade torch._inductor.scheduler warning",
      "facade torch._inductor.scheduler error",
      "winston warn",
      "winston error",
      "pino warn",
      "pino error",
    ],
  },
  {
    // dynamo at DEBUG (so its artifacts that are on by default follow it), inductor at ERROR, graph_breaks on,
    // output_code off by default, winston at DEBUG.
    value: "+dynamo,-inductor,graph_breaks,+winston",
    admitted: [
      "api torch._dynamo debug",
      "api torch._dynamo info",
      "api torch._dynamo warn",
      "api torch._inductor.codegen error",
      "api graph_breaks debug",
      "api recompiles event debug",
      "api my-service info",
      "facade torch._inductor.scheduler error",
      "facade guards debug",
      "winston debug",
      "winston info",
      "winston warn",
      "winston error",
      "pino warn",
      "pino error",
    ],
  },
  {
    // dynamo at ERROR, output_code and recompiles named (so at DEBUG wherever they come from), pino at ERROR, one
    // inductor module at DEBUG.
    value: "-dynamo,output_code,recompiles,-pino,+torch._inductor.scheduler",
    admitted: [
      "api torch._inductor.codegen error",
      "api output_code debug",
      "api recompiles event debug",
      "api my-service info",
      "facade torch._inductor.scheduler debug",
      "facade torch._inductor.scheduler warning",
      "facade torch._inductor.scheduler error",
      "winston warn",
      "winston error",
      "pino error",
    ],
  },
];

interface AppOutput {
  readonly stats: {
    passed: number;
    filtered: number;
    exported: number;
    failed: number;
    droppedQueueFull: number;
  };
  readonly emitted: readonly { body: string; traceId: string; spanId: string }[];
}

describe("startTorchLogs → agent collector → logs store", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack("processor-path", { jaeger: false, prometheus: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it.each(CASES)(
    "TORCH_LOGS=$value: exactly the admitted records arrive, as many as stats().exported",
    async ({ value, admitted }) => {
      for (const body of admitted) expect(EMITTED[body], body).toBeDefined();
      const run = randomUUID();
      const output = await runJsonApp<AppOutput>(APP, {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: stack.agent.otlpHttpUrl, TORCH_LOGS: value, E2E_RUN: run },
      });
      expect(output.emitted.map((e) => e.body).sort()).toEqual(Object.keys(EMITTED).sort());
      expect(output.stats).toMatchObject({ failed: 0, droppedQueueFull: 0, exported: admitted.length });

      const stored = await awaitLogs(stack.logs.url, `e2e.run:=${JSON.stringify(run)}`, admitted.length);
      expect(stored.map((row) => row._msg).sort()).toEqual([...admitted].sort());
      expect(stored).toHaveLength(output.stats.exported);
      const context = new Map(output.emitted.map((e) => [e.body, e]));
      for (const row of stored) {
        const body = row._msg ?? "";
        const emitted = EMITTED[body];
        expect(row["scope.name"], body).toBe(emitted?.scope);
        expect(Number(row.severity_number), body).toBe(emitted?.severity);
        expect(row["torch.artifact"], body).toBe(emitted?.artifact);
        expect(row.trace_id, body).toBe(context.get(body)?.traceId);
        expect(row.span_id, body).toBe(context.get(body)?.spanId);
        expect(row["service.name"], body).toBe("e2e-app");
      }
    },
  );
});
