// The shipped collector/pytorch-filelog.yaml run as it is: only its `${env:…}` values differ (which files, from
// where, the time zone, where the offsets and the records go), plus, for measuring, an overlay that replaces
// its exporter by a `file` exporter whose output readCollectorRecords reads.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Collector, startCollector } from "./backends.ts";
import { type CollectorRecord, readCollectorRecords } from "./otlp-file-records.ts";
import { waitFor } from "./wait-for.ts";

export const FILELOG_CONFIG = "pytorch-filelog.yaml";

export interface FilelogCollectorOptions {
  readonly name: string;
  readonly workDir: string;
  /** Another config file (absolute path) instead of the shipped one: a variant being measured. */
  readonly config?: string;
  /** The glob of files to read (PYTORCH_LOG_PATH). */
  readonly logPath: string;
  /** PYTORCH_LOG_START_AT; default `beginning`. */
  readonly startAt?: "beginning" | "end";
  /** PYTORCH_LOG_TIMEZONE; default `UTC` (what `ingest --utc-offset Z` assumes). */
  readonly timezone?: string;
  /** Config files merged over it (absolute paths): a processor added to its pipeline. */
  readonly overlays?: readonly string[];
  /** Send to this OTLP/HTTP base URL (LOKI_OTLP_ENDPOINT), or write to this file with the `file` exporter. */
  readonly to: { readonly otlpEndpoint: string } | { readonly file: string };
}

/** Starts the collector with the shipped config; the offsets are kept in `workDir/<name>-storage`. */
export async function startFilelogCollector(options: FilelogCollectorOptions): Promise<Collector> {
  const storage = join(options.workDir, `${options.name.replaceAll(/\W+/g, "-")}-storage`);
  mkdirSync(storage, { recursive: true });
  const overlays: string[] = [...(options.overlays ?? [])];
  if ("file" in options.to) {
    const overlay = join(options.workDir, `${options.name.replaceAll(/\W+/g, "-")}-file-exporter.yaml`);
    writeFileSync(
      overlay,
      [
        "exporters:",
        "  file/records:",
        `    path: ${JSON.stringify(options.to.file)}`,
        "service:",
        "  pipelines:",
        "    logs:",
        "      exporters: [file/records]",
        "",
      ].join("\n"),
    );
    overlays.push(overlay);
  }
  return startCollector({
    name: options.name,
    config: options.config ?? FILELOG_CONFIG,
    overlays,
    workDir: options.workDir,
    env: {
      PYTORCH_LOG_PATH: options.logPath,
      PYTORCH_LOG_START_AT: options.startAt ?? "beginning",
      PYTORCH_LOG_TIMEZONE: options.timezone ?? "UTC",
      OTELCOL_STORAGE_DIR: storage,
      // Unused with the file overlay; a closed port otherwise never answers.
      LOKI_OTLP_ENDPOINT: "otlpEndpoint" in options.to ? options.to.otlpEndpoint : "http://127.0.0.1:9",
    },
  });
}

/** A counter of the collector's own metrics (otelcol_*), summed over its label sets. */
export async function collectorCounter(collector: Collector, name: string): Promise<number> {
  const text = await (await fetch(collector.telemetryUrl, { signal: AbortSignal.timeout(5_000) })).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

export interface QuietResult {
  /** Records the receiver had emitted when it went quiet. */
  readonly records: number;
  /** When the count last grew (performance.now()). */
  readonly lastGrowthAt: number;
}

/**
 * Waits until the receiver has emitted at least `atLeast` records and then none for `quietMs` (it has read
 * what there is, and its multi-line batches have been flushed), polling its own metrics every 100 ms.
 */
export async function awaitReceiverQuiet(
  collector: Collector,
  options: { readonly atLeast?: number; readonly quietMs?: number; readonly timeoutMs?: number } = {},
): Promise<QuietResult> {
  const quietMs = options.quietMs ?? 3_000;
  let records = -1;
  let lastGrowthAt = performance.now();
  await waitFor(
    async () => {
      const now = await collectorCounter(collector, "otelcol_receiver_accepted_log_records");
      if (now !== records) {
        records = now;
        lastGrowthAt = performance.now();
        return undefined;
      }
      return records >= (options.atLeast ?? 1) && performance.now() - lastGrowthAt >= quietMs
        ? true
        : undefined;
    },
    {
      what: `${collector.process.name}: the receiver going quiet (records so far: ${records})`,
      timeoutMs: options.timeoutMs ?? 600_000,
      intervalMs: 100,
    },
  );
  return { records, lastGrowthAt };
}

/** Stops the collector (which flushes every batch and closes the file) and returns the file's text. */
export async function stopAndReadFile(collector: Collector, file: string): Promise<string> {
  await collector.process.stop(30_000);
  return readFileSync(file, "utf8");
}

/**
 * Runs the collector over the files of `logPath` from their beginning, with a `file` exporter, until the receiver
 * goes quiet, stops it, and returns what it exported in file order.
 */
export async function collectFilelogRecords(
  options: Omit<FilelogCollectorOptions, "to" | "startAt"> & { readonly quietMs?: number },
): Promise<CollectorRecord[]> {
  const file = join(options.workDir, `${options.name.replaceAll(/\W+/g, "-")}.jsonl`);
  const collector = await startFilelogCollector({ ...options, to: { file } });
  await awaitReceiverQuiet(collector, options.quietMs === undefined ? {} : { quietMs: options.quietMs });
  return readCollectorRecords(await stopAndReadFile(collector, file));
}
