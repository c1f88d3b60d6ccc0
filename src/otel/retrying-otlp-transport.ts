import { setTimeout as sleep } from "node:timers/promises";
import type { ExportResponse, IExporterTransport } from "@opentelemetry/otlp-exporter-base";
import type { OtlpRetryPolicy } from "./otlp-retry-policy.ts";

/**
 * Sends an export's data through `transport`, attempt after attempt, as `policy` decides: each attempt bounded
 * by the time the policy gives it, the waits between them by the policy too. `timeoutMillis` (the exporter's
 * export timeout) is handed to the policy, which decides what it bounds.
 */
export class RetryingOtlpTransport implements IExporterTransport {
  readonly #transport: IExporterTransport;
  readonly #policy: OtlpRetryPolicy;

  constructor(transport: IExporterTransport, policy: OtlpRetryPolicy) {
    this.#transport = transport;
    this.#policy = policy;
  }

  async send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    const policy = this.#policy;
    const exportStartedAt = Date.now();
    for (let attempt = 1; ; attempt++) {
      const refused = policy.refuse();
      if (refused !== undefined) return { status: "failure", error: refused };
      const response = await this.#transport.send(
        data,
        policy.attemptTimeout(exportStartedAt, timeoutMillis),
      );
      const wait = policy.next({ response, attempt, exportStartedAt, timeoutMillis });
      if (wait === undefined) return response;
      await (policy.wait === undefined ? sleep(wait) : policy.wait(wait));
    }
  }

  shutdown(): void {
    this.#transport.shutdown();
  }
}
