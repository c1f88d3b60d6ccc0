// What `trace --format jsonl` printed for one input, indexed as tlparse groups its output: by rank and by compile
// directory (`{compiled_autograd_id}_{frame_id}_{frame_compile_id}_{attempt}`, `-` for absent keys).

export type Attributes = Readonly<Record<string, unknown>>;

export interface TraceLog {
  readonly timeUnixNano: string;
  readonly eventName: string;
  readonly body: string;
  readonly attributes: Attributes;
  /** The envelope's event key (`artifact` for every artifact). */
  readonly key: string;
  readonly rank: number | undefined;
  /** tlparse's compile directory name, the attempt of a compile id without one read as 0 (as tlparse does). */
  readonly dir: string;
  /** Position in the output. */
  readonly index: number;
}

export interface TraceSpanEvent {
  readonly name: string;
  readonly timeUnixNano: string;
  readonly attributes: Attributes;
}

export interface TraceSpan {
  readonly name: string;
  readonly traceId: string;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: Attributes;
  readonly events: readonly TraceSpanEvent[];
}

export interface TraceMetric {
  readonly name: string;
  readonly kind: string;
  readonly value: number;
  readonly attributes: Attributes;
}

/** The counts of the summary `trace` prints on stderr. */
export interface TraceSummary {
  readonly envelopes: number;
  readonly envelopesByKey: ReadonlyMap<string, number>;
  readonly md5Mismatches: number;
  readonly badJson: number;
  readonly otherLines: number;
  readonly unknownKinds: number | undefined;
}

const COMPILE_KEYS = [
  "torch.compile.compiled_autograd_id",
  "torch.compile.frame_id",
  "torch.compile.frame_compile_id",
  "torch.compile.attempt",
] as const;

/** tlparse's directory name of a compile id (its four numbers, each `undefined` when absent). */
export function compileDir(
  compiledAutogradId: unknown,
  frameId: unknown,
  frameCompileId: unknown,
  attempt: unknown,
): string {
  const part = (value: unknown) => (typeof value === "number" ? String(value) : "-");
  const collapsed =
    typeof attempt === "number" ? attempt : typeof frameCompileId === "number" ? 0 : undefined;
  return [part(compiledAutogradId), part(frameId), part(frameCompileId), part(collapsed)].join("_");
}

export class TraceOutputIndex {
  readonly logs: TraceLog[] = [];
  readonly spans: TraceSpan[] = [];
  readonly metrics: TraceMetric[] = [];
  readonly summary: TraceSummary;
  readonly #byDir = new Map<string, TraceLog[]>();

  constructor(jsonl: string, stderr: string) {
    for (const line of jsonl.split("\n")) {
      if (line === "") continue;
      const item = JSON.parse(line) as { signal: string } & Record<string, unknown>;
      if (item.signal === "span") this.spans.push(item as unknown as TraceSpan);
      else if (item.signal === "metric") this.metrics.push(item as unknown as TraceMetric);
      else if (item.signal === "log") this.#addLog(item);
    }
    this.summary = parseSummary(stderr);
  }

  #addLog(item: Record<string, unknown>): void {
    const attributes = item.attributes as Attributes;
    const [ca, f, fc, a] = COMPILE_KEYS.map((key) => attributes[key]);
    const rank = attributes["torch.rank"];
    const log: TraceLog = {
      timeUnixNano: String(item.timeUnixNano),
      eventName: String(item.eventName),
      body: String(item.body),
      attributes,
      key: String(attributes["torch.trace.event"]),
      rank: typeof rank === "number" ? rank : undefined,
      dir: compileDir(ca, f, fc, a),
      index: this.logs.length,
    };
    this.logs.push(log);
    const key = dirKey(log.rank, log.dir);
    const list = this.#byDir.get(key) ?? [];
    list.push(log);
    this.#byDir.set(key, list);
    // An input of one file: tlparse does not know its rank, so the records are found under "any rank" too.
    const any = dirKey(undefined, log.dir);
    if (any !== key) this.#byDir.set(any, [...(this.#byDir.get(any) ?? []), log]);
  }

  /** The log records of one compile directory of `rank` (`undefined`: of any rank), in output order. */
  logsIn(rank: number | undefined, dir: string): readonly TraceLog[] {
    return this.#byDir.get(dirKey(rank, dir)) ?? [];
  }

  logsOfRank(rank: number | undefined): readonly TraceLog[] {
    return rank === undefined ? this.logs : this.logs.filter((log) => log.rank === rank);
  }

  spansOfRank(rank: number | undefined): readonly TraceSpan[] {
    return rank === undefined ? this.spans : this.spans.filter((s) => s.attributes["torch.rank"] === rank);
  }
}

function dirKey(rank: number | undefined, dir: string): string {
  return `${rank ?? "*"}|${dir}`;
}

function count(text: string, pattern: RegExp): number {
  const m = pattern.exec(text);
  return m === null ? 0 : Number(m[1]);
}

function parseSummary(stderr: string): TraceSummary {
  const envelopes = /(\d+) envelopes? \(([^)]*)\)/.exec(stderr);
  const byKey = new Map<string, number>();
  for (const part of (envelopes?.[2] ?? "").split(", ")) {
    const m = /^(.*) (\d+)$/.exec(part);
    if (m !== null) byKey.set(m[1] as string, Number(m[2]));
  }
  const unknown = /(\d+) envelopes? of unknown kinds?/.exec(stderr);
  return {
    envelopes: Number(envelopes?.[1] ?? 0),
    envelopesByKey: byKey,
    md5Mismatches: count(stderr, /(\d+) MD5 mismatch/),
    badJson: count(stderr, /(\d+) bad JSON line/),
    otherLines: count(stderr, /(\d+) other lines? skipped/),
    unknownKinds: unknown === null ? undefined : Number(unknown[1]),
  };
}
