// The generated part of docs/benchmarks.md: what `npm run bench -- --write` puts between the two markers. The
// prose around them names rows ("6d") and never copies a figure, so no figure on the page can disagree with a run.

export const RESULTS_START = "<!-- bench:start: `npm run bench -- --write` writes from here to bench:end -->";
export const RESULTS_END = "<!-- bench:end -->";

/** One full run, as `test/bench/run.ts` prints it. */
export interface BenchRun {
  /** Date, Node, CPU, total time, targets met: one "- …" line each. */
  readonly environment: readonly string[];
  /** How to read the table. */
  readonly explanation: readonly string[];
  /** The Markdown table. */
  readonly table: string;
  /** One "- …" line per scenario note. */
  readonly notes: readonly string[];
}

/** The section between the markers, markers included. */
export function formatResultsSection(run: BenchRun): string {
  return [
    RESULTS_START,
    "",
    ...run.environment,
    "",
    ...run.explanation,
    "",
    run.table,
    "",
    ...run.notes,
    "",
    RESULTS_END,
  ].join("\n");
}

/** `document` with its section replaced by `run`'s; throws when the markers are missing or out of order. */
export function replaceResultsSection(document: string, run: BenchRun): string {
  const start = document.indexOf(RESULTS_START);
  const end = document.indexOf(RESULTS_END);
  if (start < 0 || end < start) {
    throw new Error(
      `the document has no "${RESULTS_START}" … "${RESULTS_END}" section to write the results into`,
    );
  }
  return document.slice(0, start) + formatResultsSection(run) + document.slice(end + RESULTS_END.length);
}
