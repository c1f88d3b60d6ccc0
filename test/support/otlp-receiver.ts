// A real OTLP/HTTP logs receiver for tests: a node:http server on 127.0.0.1 that decodes what the
// OpenTelemetry exporters actually put on the wire (JSON or protobuf, optionally gzip-compressed), with
// run-time fault injection so retry and timeout paths can be exercised against real sockets.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { promisify } from "node:util";
import { gunzip, inflate } from "node:zlib";
import {
  normalizeExportLogsRequest,
  OtlpDecodeError,
  type OtlpEncoding,
  type ReceivedLogRecord,
} from "./otlp-logs-normalize.ts";
import {
  decodeExportLogsServiceRequest,
  encodePartialSuccessResponse,
  encodeRpcStatus,
} from "./otlp-logs-schema.ts";
import { decodeExportTraceServiceRequest } from "./otlp-traces-schema.ts";

export type {
  OtlpAttributes,
  OtlpEncoding,
  OtlpValue,
  ReceivedLogRecord,
  ReceivedScope,
} from "./otlp-logs-normalize.ts";

const LOGS_PATH = "/v1/logs";
const DEFAULT_WAIT_MS = 2_000;

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/** How the receiver answers well-formed export requests. Malformed requests always get 400/404/405/415. */
export interface ReceiverBehaviour {
  /** HTTP status to answer with. 2xx accepts the records; anything else rejects them. Default 200. */
  readonly status?: number;
  /** Sent as a `Retry-After` header on non-2xx answers. */
  readonly retryAfterSeconds?: number;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Never answer; the request is re-handled when `setBehaviour` is called again, or dropped on close. */
  readonly hang?: boolean;
  /** Apply to the next `times` well-formed requests only, then revert to plain 200. Default: until changed. */
  readonly times?: number;
  /**
   * On a 2xx answer, refuse the last `rejectedLogRecords` records of each request (at most all of them) with
   * an OTLP partial success carrying `errorMessage`; the others are accepted. Default: accept all.
   */
  readonly partialSuccess?: { readonly rejectedLogRecords: number; readonly errorMessage: string };
  /**
   * Send the status line and headers, then the body one byte every `intervalMs` (default 1000), never
   * finishing it: a backend that answers and then stalls inside its answer. Stops when the client (or
   * `close()`) drops the connection.
   */
  readonly dribble?: { readonly intervalMs?: number };
  /**
   * The reason phrase of a non-2xx status line, written byte for byte (latin1) on the socket, control
   * characters included, as a hostile backend or proxy could send it.
   */
  readonly reasonPhrase?: string;
  /** Apply this behaviour to `/v1/traces` and `/v1/metrics` too (with `tracesAndMetrics`). Default: logs only. */
  readonly allSignals?: boolean;
}

/**
 * - `pending`: delayed or hanging, no answer yet.
 * - `accepted`: answered 2xx; its records are in `receiver.records`.
 * - `rejected`: answered with an injected non-2xx status; counted in `rejectedRequests`.
 * - `malformed`: wrong method/path/content type or undecodable body; counted in `malformedRequests`.
 * - `aborted`: the client or `close()` tore the connection down before an answer.
 */
export type RequestOutcome = "pending" | "accepted" | "rejected" | "malformed" | "aborted";

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  /** Node's lower-cased request headers, e.g. `headers.authorization`. */
  readonly headers: IncomingHttpHeaders;
  /** Media type without parameters, lower-cased. */
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  readonly encoding: OtlpEncoding | undefined;
  /** Records decoded from the body, whether or not they were accepted. */
  readonly recordCount: number;
  /** Records refused with a partial success (the request's outcome is still `accepted`). */
  readonly rejectedCount: number;
  /** Status sent, undefined while pending or if the connection was torn down first. */
  readonly status: number | undefined;
  readonly outcome: RequestOutcome;
  /** Why the request was malformed or aborted. */
  readonly error: string | undefined;
}

export interface OtlpReceiverOptions {
  readonly behaviour?: ReceiverBehaviour;
  /** Also accept `/v1/traces` and `/v1/metrics` (decoded into `signals`). Default: logs only, others 404. */
  readonly tracesAndMetrics?: boolean;
}

export interface OtlpReceiver {
  /** Full logs endpoint, e.g. `http://127.0.0.1:PORT/v1/logs` (exporter `url` option). */
  readonly url: string;
  /** Base endpoint, e.g. `http://127.0.0.1:PORT` (OTEL_EXPORTER_OTLP_ENDPOINT style). */
  readonly endpoint: string;
  /** Records of accepted requests, in the order the requests were answered. */
  readonly records: readonly ReceivedLogRecord[];
  /** Every request that reached the server, in arrival order. */
  readonly requests: readonly ReceivedRequest[];
  /** Well-formed requests answered with an injected non-2xx status. */
  readonly rejectedRequests: number;
  /** Requests answered 400/404/405/415. */
  readonly malformedRequests: number;
  /** Changes how subsequent requests are answered, and re-handles currently hanging requests with it. */
  setBehaviour(behaviour: ReceiverBehaviour): void;
  /** Resolves with the records once at least `count` are in; rejects after `timeoutMs` (default 2000). */
  waitForRecords(count: number, timeoutMs?: number): Promise<readonly ReceivedLogRecord[]>;
  /** Resolves once at least `count` requests have arrived (answered or not). */
  waitForRequests(count: number, timeoutMs?: number): Promise<readonly ReceivedRequest[]>;
  /**
   * Decoded bodies of accepted `/v1/traces` and `/v1/metrics` requests (OTLP/JSON shape; traces also from
   * protobuf, ids in hex; metrics protobuf bodies are counted in `requests` but not decoded).
   */
  readonly signals: {
    readonly traces: Record<string, unknown>[];
    readonly metrics: Record<string, unknown>[];
  };
  /** Forgets records, requests and counters; keeps the behaviour. */
  clear(): void;
  /** Stops listening and destroys every socket, including hanging requests. Idempotent. */
  close(): Promise<void>;
}

/**
 * An endpoint where nothing listens (a backend that is down): a port the OS just handed out and that was
 * closed again, so connecting is refused at once.
 */
export async function unusedEndpoint(): Promise<string> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Starts a receiver on 127.0.0.1 with an ephemeral port. Always `close()` it (afterEach/finally). */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const receiver = new LogsReceiver(options.behaviour ?? {}, options.tracesAndMetrics ?? false);
  await receiver.listen();
  return receiver;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Exchange {
  readonly entry: Mutable<ReceivedRequest>;
  readonly response: ServerResponse;
  readonly records: readonly ReceivedLogRecord[];
  /** Keeps what an accepted traces or metrics request carried (logs keep `records`). */
  readonly keep?: () => void;
  timer?: NodeJS.Timeout;
}

interface Waiter {
  readonly isSatisfied: () => boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

class LogsReceiver implements OtlpReceiver {
  #server = createServer((request, response) => {
    void this.#handle(request, response);
  });
  #behaviour: ReceiverBehaviour;
  #remainingTimes: number | undefined;
  #records: ReceivedLogRecord[] = [];
  readonly signals = { traces: [] as Record<string, unknown>[], metrics: [] as Record<string, unknown>[] };
  #requests: Mutable<ReceivedRequest>[] = [];
  #rejected = 0;
  #malformed = 0;
  #waiting = new Set<Exchange>();
  #waiters = new Set<Waiter>();
  #closing: Promise<void> | undefined;
  #endpoint = "";

  readonly #tracesAndMetrics: boolean;

  constructor(behaviour: ReceiverBehaviour, tracesAndMetrics: boolean) {
    this.#tracesAndMetrics = tracesAndMetrics;
    this.#behaviour = behaviour;
    this.#remainingTimes = behaviour.times;
  }

  get url(): string {
    return `${this.#endpoint}${LOGS_PATH}`;
  }
  get endpoint(): string {
    return this.#endpoint;
  }
  get records(): readonly ReceivedLogRecord[] {
    return this.#records;
  }
  get requests(): readonly ReceivedRequest[] {
    return this.#requests;
  }
  get rejectedRequests(): number {
    return this.#rejected;
  }
  get malformedRequests(): number {
    return this.#malformed;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(0, "127.0.0.1", () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
    const { port } = this.#server.address() as AddressInfo;
    this.#endpoint = `http://127.0.0.1:${port}`;
  }

  setBehaviour(behaviour: ReceiverBehaviour): void {
    this.#behaviour = behaviour;
    this.#remainingTimes = behaviour.times;
    const hanging = [...this.#waiting].filter((exchange) => exchange.timer === undefined);
    for (const exchange of hanging) {
      this.#waiting.delete(exchange);
      this.#dispatch(exchange);
    }
  }

  waitForRecords(count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<readonly ReceivedLogRecord[]> {
    return this.#waitUntil(
      () => this.#records.length >= count,
      () => `expected >= ${count} log records within ${timeoutMs} ms, got ${this.#records.length}`,
      timeoutMs,
    ).then(() => this.#records);
  }

  waitForRequests(count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<readonly ReceivedRequest[]> {
    return this.#waitUntil(
      () => this.#requests.length >= count,
      () => `expected >= ${count} requests within ${timeoutMs} ms, got ${this.#requests.length}`,
      timeoutMs,
    ).then(() => this.#requests);
  }

  clear(): void {
    this.#records = [];
    this.#requests = [];
    this.#rejected = 0;
    this.#malformed = 0;
  }

  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      for (const exchange of this.#waiting) {
        clearTimeout(exchange.timer);
        abortedByClose(exchange.entry);
      }
      this.#waiting.clear();
      for (const waiter of this.#waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error("OTLP receiver closed while waiting"));
      }
      this.#waiters.clear();
      // close() stops accepting; closeAllConnections() destroys keep-alive and in-flight (hung) sockets,
      // which close() alone would wait for.
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://receiver");
    const entry: Mutable<ReceivedRequest> = {
      method: request.method ?? "",
      path: url.pathname,
      headers: request.headers,
      contentType: request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase(),
      contentEncoding: request.headers["content-encoding"]?.trim().toLowerCase(),
      encoding: undefined,
      recordCount: 0,
      rejectedCount: 0,
      status: undefined,
      outcome: "pending",
      error: undefined,
    };
    this.#requests.push(entry);
    this.#notify();

    if (this.#tracesAndMetrics && (entry.path === "/v1/traces" || entry.path === "/v1/metrics"))
      return this.#other(request, response, entry);
    if (entry.path !== LOGS_PATH) return this.#malformedReply(entry, response, 404, `no route ${entry.path}`);
    if (entry.method !== "POST") return this.#malformedReply(entry, response, 405, `method ${entry.method}`);
    entry.encoding = encodingOf(entry.contentType);

    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      entry.outcome = "aborted";
      entry.error = String(error);
      return;
    }
    if (this.#closing) return abortedByClose(entry);
    if (entry.encoding === undefined) {
      return this.#malformedReply(entry, response, 415, `unsupported content-type ${entry.contentType}`);
    }

    let records: ReceivedLogRecord[];
    try {
      const payload = await decompress(body, entry.contentEncoding);
      const decoded =
        entry.encoding === "json"
          ? (JSON.parse(payload.toString("utf8")) as unknown)
          : decodeExportLogsServiceRequest(payload);
      records = normalizeExportLogsRequest(decoded, entry.encoding);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return this.#malformedReply(entry, response, 400, reason);
    }
    if (this.#closing) return abortedByClose(entry);
    entry.recordCount = records.length;

    this.#dispatch(this.#exchange(entry, response, records));
  }

  #exchange(
    entry: Mutable<ReceivedRequest>,
    response: ServerResponse,
    records: readonly ReceivedLogRecord[],
    keep?: () => void,
  ): Exchange {
    const exchange: Exchange = { entry, response, records, ...(keep !== undefined && { keep }) };
    // A client that gives up (exporter timeout) must not leave a hanging exchange behind.
    response.once("close", () => {
      clearInterval(exchange.timer);
      if (response.writableFinished || entry.outcome !== "pending") return;
      clearTimeout(exchange.timer);
      this.#waiting.delete(exchange);
      entry.outcome = "aborted";
      entry.error = "client closed the connection before the answer";
    });
    return exchange;
  }

  /** Traces and metrics: decoded and accepted (fault injection only with `allSignals`). */
  async #other(
    request: IncomingMessage,
    response: ServerResponse,
    entry: Mutable<ReceivedRequest>,
  ): Promise<void> {
    entry.encoding = encodingOf(entry.contentType);
    let decoded: Record<string, unknown> | undefined;
    const traces = entry.path === "/v1/traces";
    try {
      const payload = await decompress(await readBody(request), entry.contentEncoding);
      if (entry.encoding === "json") decoded = JSON.parse(payload.toString("utf8"));
      else if (traces) decoded = decodeExportTraceServiceRequest(payload);
    } catch (error) {
      return this.#malformedReply(entry, response, 400, String(error));
    }
    const keep = () => {
      if (decoded !== undefined) (traces ? this.signals.traces : this.signals.metrics).push(decoded);
    };
    if (this.#behaviour.allSignals) {
      this.#dispatch(this.#exchange(entry, response, [], keep));
      return;
    }
    keep();
    entry.status = 200;
    entry.outcome = "accepted";
    reply(response, 200, entry.encoding, undefined, {});
    this.#notify();
  }

  /** Applies the current behaviour to a decoded request: answer now, later, or not at all. */
  #dispatch(exchange: Exchange): void {
    const behaviour = this.#takeBehaviour();
    if (behaviour.hang) {
      this.#waiting.add(exchange);
    } else if (behaviour.delayMs !== undefined && behaviour.delayMs > 0) {
      this.#waiting.add(exchange);
      exchange.timer = setTimeout(() => {
        this.#waiting.delete(exchange);
        this.#answer(exchange, behaviour);
      }, behaviour.delayMs);
    } else {
      this.#answer(exchange, behaviour);
    }
  }

  #takeBehaviour(): ReceiverBehaviour {
    if (this.#remainingTimes === undefined) return this.#behaviour;
    if (this.#remainingTimes <= 0) return {};
    this.#remainingTimes -= 1;
    return this.#behaviour;
  }

  #answer(exchange: Exchange, behaviour: ReceiverBehaviour): void {
    const { entry, response, records } = exchange;
    if (entry.outcome !== "pending") return;
    if (response.destroyed) {
      entry.outcome = "aborted";
      entry.error = "client closed the connection before the answer";
      return;
    }
    const status = behaviour.status ?? 200;
    const accepted = status >= 200 && status < 300;
    const headers: Record<string, string> = {};
    if (!accepted && behaviour.retryAfterSeconds !== undefined) {
      headers["retry-after"] = String(behaviour.retryAfterSeconds);
    }
    entry.status = status;
    entry.outcome = accepted ? "accepted" : "rejected";
    const partial = accepted ? behaviour.partialSuccess : undefined;
    if (accepted) {
      const refused = Math.min(records.length, partial?.rejectedLogRecords ?? 0);
      entry.rejectedCount = refused;
      this.#records.push(...records.slice(0, records.length - refused));
      exchange.keep?.();
    } else {
      this.#rejected += 1;
    }
    if (behaviour.dribble !== undefined) {
      dribble(exchange, status, behaviour.dribble.intervalMs ?? 1000);
    } else if (!accepted && behaviour.reasonPhrase !== undefined) {
      replyRaw(response, status, behaviour.reasonPhrase, headers);
    } else if (partial !== undefined) {
      replyPartialSuccess(response, status, entry.encoding, entry.rejectedCount, partial.errorMessage);
    } else {
      reply(response, status, entry.encoding, accepted ? undefined : `injected status ${status}`, headers);
    }
    this.#notify();
  }

  #malformedReply(
    entry: Mutable<ReceivedRequest>,
    response: ServerResponse,
    status: number,
    reason: string,
  ): void {
    entry.status = status;
    entry.outcome = "malformed";
    entry.error = reason;
    this.#malformed += 1;
    // Drain whatever is left of the body so the keep-alive connection stays usable.
    response.req.resume();
    reply(response, status, entry.encoding, reason, {});
    this.#notify();
  }

  #waitUntil(isSatisfied: () => boolean, describe: () => string, timeoutMs: number): Promise<void> {
    if (isSatisfied()) return Promise.resolve();
    if (this.#closing) return Promise.reject(new Error("OTLP receiver is closed"));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        isSatisfied,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(new Error(`OTLP receiver: ${describe()}; ${summarize(this.#requests)}`));
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  #notify(): void {
    for (const waiter of this.#waiters) {
      if (!waiter.isSatisfied()) continue;
      clearTimeout(waiter.timer);
      this.#waiters.delete(waiter);
      waiter.resolve();
    }
  }
}

/** Headers, then one body byte per `intervalMs`, never the end: the exchange's timer is the interval. */
function dribble(exchange: Exchange, status: number, intervalMs: number): void {
  const { response } = exchange;
  response.writeHead(status, { "content-type": "application/json", "content-length": "1000000" });
  response.flushHeaders();
  exchange.timer = setInterval(() => {
    if (!response.destroyed) response.write(" ");
  }, intervalMs);
}

/** A status line written raw (latin1), so the reason phrase reaches the client byte for byte. */
function replyRaw(
  response: ServerResponse,
  status: number,
  reasonPhrase: string,
  headers: Record<string, string>,
): void {
  const body = "{}";
  const lines = [
    `HTTP/1.1 ${status} ${reasonPhrase}`,
    "content-type: application/json",
    `content-length: ${body.length}`,
    "connection: close",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  response.socket?.end(`${lines.join("\r\n")}\r\n\r\n${body}`, "latin1");
}

function abortedByClose(entry: Mutable<ReceivedRequest>): void {
  entry.outcome = "aborted";
  entry.error = "receiver closed";
}

function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  if (contentType === "application/json") return "json";
  if (contentType === "application/x-protobuf") return "protobuf";
  return undefined;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.once("end", () => resolve(Buffer.concat(chunks)));
    request.once("error", reject);
    request.once("close", () => {
      if (!request.complete) reject(new Error("client aborted the request body"));
    });
  });
}

async function decompress(body: Buffer, contentEncoding: string | undefined): Promise<Buffer> {
  switch (contentEncoding) {
    case undefined:
    case "":
    case "identity":
      return body;
    case "gzip":
    case "x-gzip":
      return gunzipAsync(body);
    case "deflate":
      return inflateAsync(body);
    default:
      throw new OtlpDecodeError(`unsupported content-encoding ${contentEncoding}`);
  }
}

/** Answers in the request's encoding: an empty ExportLogsServiceResponse, or a google.rpc.Status on errors. */
function reply(
  response: ServerResponse,
  status: number,
  encoding: OtlpEncoding | undefined,
  errorMessage: string | undefined,
  headers: Record<string, string>,
): void {
  let body: Uint8Array | string;
  if (encoding === "protobuf") {
    headers["content-type"] = "application/x-protobuf";
    // The empty response message encodes to zero bytes.
    body = errorMessage === undefined ? new Uint8Array() : encodeRpcStatus(rpcCodeFor(status), errorMessage);
  } else {
    headers["content-type"] = "application/json";
    body = JSON.stringify(
      errorMessage === undefined ? {} : { code: rpcCodeFor(status), message: errorMessage },
    );
  }
  response.writeHead(status, headers);
  response.end(body);
}

/** A 2xx ExportLogsServiceResponse with `partialSuccess` (int64 as a decimal string in JSON, as proto3 maps it). */
function replyPartialSuccess(
  response: ServerResponse,
  status: number,
  encoding: OtlpEncoding | undefined,
  rejectedLogRecords: number,
  errorMessage: string,
): void {
  const protobuf = encoding === "protobuf";
  response.writeHead(status, { "content-type": protobuf ? "application/x-protobuf" : "application/json" });
  response.end(
    protobuf
      ? encodePartialSuccessResponse(rejectedLogRecords, errorMessage)
      : JSON.stringify({ partialSuccess: { rejectedLogRecords: String(rejectedLogRecords), errorMessage } }),
  );
}

/** google.rpc.Code closest to an HTTP status (OTLP/HTTP puts a Status in error bodies). */
function rpcCodeFor(status: number): number {
  if (status === 400 || status === 415) return 3; // INVALID_ARGUMENT
  if (status === 404 || status === 405) return 12; // UNIMPLEMENTED
  if (status === 429) return 8; // RESOURCE_EXHAUSTED
  if (status === 503) return 14; // UNAVAILABLE
  return status < 300 ? 0 : 13; // OK / INTERNAL
}

function summarize(requests: readonly ReceivedRequest[]): string {
  if (requests.length === 0) return "no requests arrived";
  const parts = requests.map(
    (r) => `${r.method} ${r.path} → ${r.status ?? r.outcome}${r.error ? ` (${r.error})` : ""}`,
  );
  return `requests: ${parts.join("; ")}`;
}
