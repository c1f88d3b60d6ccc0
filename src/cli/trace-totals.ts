// The counts `torch-logs-otel trace` sums over the files it reads, and the first line of its summary.
import { escapeControlCharacters as shown } from "../language/escape-control-characters.ts";
import type { HrTime } from "../pytorch-line/resolve-log-time.ts";
import { ChromiumSpanBuilder } from "../trace/chromium-span-builder.ts";
import { TorchTraceReader } from "../trace/torch-trace-reader.ts";
import type { TraceFileMapper } from "../trace/trace-file-mapper.ts";
import { countNoun } from "./count-noun.ts";

export class TraceTotals {
  files = 0;
  notTrace = 0;
  rankMismatches = 0;
  withoutCompileId = 0;
  badNumbers = 0;
  /** Files `--ranks` left out, and those of them with no rank in their name. */
  filesOfOtherRanks = 0;
  filesWithoutRank = 0;
  readonly unknownKinds = new Map<string, number>();
  /** The readers' and span builders' counts, summed over the files. */
  readonly reader = new TorchTraceReader().stats;
  readonly spans = new ChromiumSpanBuilder({ fileKey: "", attributes: {} }).stats;
  /** The latest record time of the files read (the time of what the run's end derives). */
  lastTime: HrTime | undefined;

  /** Adds a file's counts, once it is read. */
  add(mapper: TraceFileMapper): void {
    const { envelopes, ...counts } = mapper.reader.stats;
    for (const [key, count] of envelopes)
      this.reader.envelopes.set(key, (this.reader.envelopes.get(key) ?? 0) + count);
    addCounts(this.reader, counts);
    addCounts(this.spans, mapper.spans.stats);
    this.rankMismatches += mapper.rankMismatches;
    this.withoutCompileId += mapper.withoutCompileId;
    this.badNumbers += mapper.badNumbers;
    for (const [kind, count] of mapper.unknownKinds)
      this.unknownKinds.set(kind, (this.unknownKinds.get(kind) ?? 0) + count);
    const last = mapper.lastTime;
    const now = this.lastTime;
    if (
      last !== undefined &&
      (now === undefined || last[0] > now[0] || (last[0] === now[0] && last[1] > now[1]))
    )
      this.lastTime = [last[0], last[1]];
  }

  /** `trace: 3 files, 7357 lines, 483 envelopes (…); 1 MD5 mismatch, …` and a newline; `ranks`: `--ranks`'s list. */
  format(ranks?: string): string {
    const t = { ...this, ...this.reader, ...this.spans };
    const total = [...t.envelopes.values()].reduce((a, b) => a + b, 0);
    // Event keys and file names are the input's: printed with their terminal controls escaped.
    const kinds = [...t.envelopes].sort((a, b) => b[1] - a[1]).map(([key, n]) => `${shown(key)} ${n}`);
    const problems = [
      countNoun(t.md5Mismatches, "MD5 mismatch", "MD5 mismatches"),
      countNoun(t.badJson, "bad JSON line"),
      `${countNoun(t.badLines + t.strayPayloadLines, "other line")} skipped`,
      countNoun(t.badEvents, "unreadable chromium event"),
      `${countNoun(t.unmatchedEnds + t.unclosed, "unbalanced chromium event")} (${t.unmatchedEnds} E without B, ${t.unclosed} B without E)`,
    ];
    if (t.withoutCompileId > 0)
      problems.push(`${countNoun(t.withoutCompileId, "record")} without a compile id`);
    if (t.badNumbers > 0) problems.push(`${countNoun(t.badNumbers, "number")} out of range left out`);
    // Event kinds trace-event-kinds.ts does not know: what a new PyTorch release writes that is new.
    const unknown = [...this.unknownKinds].sort((a, b) => b[1] - a[1]);
    const list = unknown.length === 0 ? "" : ` (${unknown.map(([k, n]) => `${shown(k)} ${n}`).join(", ")})`;
    problems.push(
      `${countNoun(
        unknown.reduce((sum, [, n]) => sum + n, 0),
        "envelope",
      )} of unknown kinds${list}`,
    );
    if (t.rankMismatches > 0)
      problems.push(`${countNoun(t.rankMismatches, "envelope")} whose rank differs from the file name`);
    if (t.notTrace > 0) problems.push(`${countNoun(t.notTrace, "file")} not a trace`);
    if (ranks !== undefined) {
      problems.push(
        `${countNoun(t.filesOfOtherRanks, "file")} not of ranks ${ranks} (${t.filesWithoutRank} without a rank) left out`,
      );
    }
    return `trace: ${countNoun(t.files, "file")}, ${countNoun(t.lines, "line")}, ${countNoun(total, "envelope")} (${kinds.join(", ")}); ${problems.join(", ")}\n`;
  }
}

function addCounts<T extends object>(into: T, add: Readonly<Partial<T>>): void {
  const target = into as Record<string, number>;
  for (const [key, value] of Object.entries(add))
    if (typeof value === "number") target[key] = (target[key] ?? 0) + value;
}
