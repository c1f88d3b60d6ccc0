// Captures what torch-logs-otel's own exporters put on the wire: the real CLI, in process, against the OTLP/HTTP
// test receiver on 127.0.0.1. Three sources, so every kind of record the Grafana dashboards query is there:
//  * `ingest` of every PyTorch log sample in test/fixtures/pytorch-logs/ (real console output: scopes from module
//    paths, torch.rank, torch.compile_id, torch.artifact = graph_breaks / recompiles / guards / …, severities);
//  * `demo` (startTorchLogs, the facade and the raw OTel API, records inside spans → trace_id / span_id);
//  * `trace` of the real TORCH_TRACE files in test/fixtures/torch-trace/ (torch.trace.event, compile ids, ranks
//    from file names, each record in its compile's trace).
// Add a source here and every query test checks against it too.

import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runCli } from "../../src/cli/run-cli.ts";
import { type ReceivedLogRecord, startOtlpReceiver } from "./otlp-receiver.ts";

const SAMPLES_DIR = fileURLToPath(new URL("../fixtures/pytorch-logs/", import.meta.url));
const TRACE_DIR = fileURLToPath(new URL("../fixtures/torch-trace/", import.meta.url));

export interface CapturedSource {
  /** The command line that produced the records, for messages. */
  readonly command: string;
  readonly records: readonly ReceivedLogRecord[];
}

async function capture(argv: readonly string[], env: Record<string, string>): Promise<CapturedSource> {
  const receiver = await startOtlpReceiver({ tracesAndMetrics: true });
  try {
    let stderr = "";
    const code = await runCli({
      argv,
      env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
      stdout: () => {},
      stderr: (text) => {
        stderr += text;
      },
    });
    if (code !== 0) throw new Error(`${argv.join(" ")} exited ${code}: ${stderr}`);
    if (receiver.records.length === 0) throw new Error(`${argv.join(" ")} exported nothing: ${stderr}`);
    return { command: argv.join(" "), records: [...receiver.records] };
  } finally {
    await receiver.close();
  }
}

/** Runs the sources; each against its own receiver, one after the other. */
export async function captureTorchLogsOtlp(): Promise<readonly CapturedSource[]> {
  const samples = readdirSync(SAMPLES_DIR)
    .filter((f) => f.endsWith(".log"))
    .sort()
    .map((f) => `${SAMPLES_DIR}${f}`);
  const ingest = await capture(["ingest", "--service-name", "trainer", "--utc-offset", "Z", ...samples], {});
  const demo = await capture(["demo", "--frames", "3"], {
    TORCH_LOGS: "+dynamo,+aot,+inductor,guards,recompiles,graph_breaks,output_code",
  });
  const traces = readdirSync(TRACE_DIR)
    .filter((f) => f.endsWith(".log"))
    .sort()
    .map((f) => `${TRACE_DIR}${f}`);
  const trace = await capture(
    ["trace", "--service-name", "trainer", "--utc-offset", "Z", ...traces, `${TRACE_DIR}multi_rank_schedule`],
    {},
  );
  return [ingest, demo, trace];
}
