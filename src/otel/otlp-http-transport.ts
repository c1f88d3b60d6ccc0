// One OTLP/HTTP request, bounded as a whole by its timeout: connecting, sending, the answer and its body.
//
// The transport inside `@opentelemetry/otlp-exporter-base` bounds a request with `req.setTimeout`, which is
// Node's socket *idle* timeout: a backend that answers 200 and then sends its body one byte a second resets
// it with every byte, so the export, the exporter's `forceFlush()` and its `shutdown()` (which wait for every
// request in flight) never end, and the open socket keeps the process alive. The OTLP exporter specification
// means the timeout for the whole export (opentelemetry-specification#2346: "timeout for the entire export",
// as the Go and Java exporters apply it). So this transport sets a wall-clock deadline per request and
// destroys the request when it passes. Everything else is as the stock transport does it, from the same
// configuration (`convertLegacyHttpOptions`: URL, headers, compression, agent with the certificates from the
// environment, User-Agent): the same retryable statuses and network errors, `Retry-After`, the 4 MiB limit
// on the answer's body.

import type { Agent, ClientRequest, IncomingMessage } from "node:http";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import {
  type ExportResponse,
  type IExporterTransport,
  OTLPExporterError,
} from "@opentelemetry/otlp-exporter-base";
import type { convertLegacyHttpOptions } from "@opentelemetry/otlp-exporter-base/node-http";
import { packageVersion } from "./package-version.ts";

/** The stock exporters' configuration, as `convertLegacyHttpOptions` merges it from options and environment. */
export type OtlpHttpConfiguration = ReturnType<typeof convertLegacyHttpOptions>;

/** The stock transport's limit on an answer's body: past it the request is given up (never retried). */
const MAX_RESPONSE_BODY_BYTES = 4 * 1024 * 1024;
/** Statuses OTLP/HTTP says to retry (otlp.md, "Failures"). */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
/** Network errors worth another attempt, as the stock transport retries them. */
const RETRYABLE_NETWORK_ERRORS = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

const gzipAsync = promisify(gzip);

/** An OTLP/HTTP transport whose every request ends, answered or not, within the timeout it is sent with. */
export class OtlpHttpTransport implements IExporterTransport {
  readonly #config: OtlpHttpConfiguration;
  readonly #userAgent: string;
  #connection: Promise<{ agent: Agent; request: typeof import("node:http").request }> | undefined;

  constructor(config: OtlpHttpConfiguration) {
    this.#config = config;
    const own = `OTel-OTLP-Exporter-JavaScript/${packageVersion()} (torch-logs-otel)`;
    this.#userAgent = config.userAgent ? `${config.userAgent} ${own}` : own;
  }

  async send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    const started = Date.now();
    const { agent, request } = await this.#connect();
    const headers: Record<string, string> = { ...(await this.#config.headers()) };
    headers["User-Agent"] = this.#userAgent;
    let body = data;
    if (this.#config.compression === "gzip") {
      body = await gzipAsync(data);
      headers["Content-Encoding"] = "gzip";
    }
    headers["Content-Length"] = String(body.byteLength);
    const left = timeoutMillis - (Date.now() - started);
    if (left <= 0) return { status: "retryable", error: timeoutError(timeoutMillis) };
    return new Promise<ExportResponse>((resolve) => {
      let settled = false;
      let req: ClientRequest | undefined;
      let answer: ExportResponse | undefined;
      const settle = (response: ExportResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(response);
      };
      const timer = setTimeout(() => {
        // A 2xx status already says the backend took the records; only its body (partial success) is lost.
        settle(
          answer?.status === "success"
            ? { status: "success" }
            : (answer ?? {
                status: "retryable",
                error: timeoutError(timeoutMillis),
              }),
        );
        req?.destroy();
      }, left);
      req = request(this.#config.url, { method: "POST", headers, agent }, (res) => {
        answer = classify(res, undefined);
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BODY_BYTES) {
            settle({
              status: "failure",
              error: new Error(`OTLP export response body exceeded ${MAX_RESPONSE_BODY_BYTES} bytes`),
            });
            res.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => settle(classify(res, Buffer.concat(chunks))));
        // The connection broke mid-answer: the status decides, as the stock transport does.
        res.on("error", () => settle(answer ?? { status: "retryable", error: new Error("answer aborted") }));
      });
      req.on("error", (error: NodeJS.ErrnoException) => {
        settle(
          error.code !== undefined && RETRYABLE_NETWORK_ERRORS.has(error.code)
            ? { status: "retryable", error }
            : { status: "failure", error },
        );
      });
      req.end(body);
    });
  }

  shutdown(): void {
    // The agent is the configuration's (shared keep-alive sockets); idle sockets do not hold the process.
  }

  #connect(): Promise<{ agent: Agent; request: typeof import("node:http").request }> {
    this.#connection ??= (async () => {
      const protocol = new URL(this.#config.url).protocol;
      const [agent, module] = await Promise.all([
        this.#config.agentFactory(protocol),
        protocol === "http:" ? import("node:http") : import("node:https"),
      ]);
      return { agent, request: module.request as typeof import("node:http").request };
    })();
    return this.#connection;
  }
}

/** An answer's status as an export response; `body` is the whole body (undefined while it is still coming). */
function classify(res: IncomingMessage, body: Buffer | undefined): ExportResponse {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status <= 299)
    return body === undefined ? { status: "success" } : { status: "success", data: body };
  const error = new OTLPExporterError(
    `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ""}`,
    status,
    body?.toString(),
  );
  if (!RETRYABLE_STATUSES.has(status)) return { status: "failure", error };
  const retryInMillis = retryAfterMillis(res.headers["retry-after"]);
  return { status: "retryable", error, ...(retryInMillis !== undefined && { retryInMillis }) };
}

/** `Retry-After`: seconds, or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
function retryAfterMillis(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function timeoutError(timeoutMillis: number): Error {
  return new Error(`no complete answer within ${timeoutMillis} ms`);
}
