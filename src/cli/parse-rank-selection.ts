// `--ranks LIST` of the commands that read multi-rank output (`ingest`, `trace`): the rank grammar of
// language/rank-selection.ts, its errors as usage errors that name the option.
import { parseRanks, type RankSelection } from "../language/rank-selection.ts";
import { isTorchLogsError } from "../language/torch-logs-error.ts";
import { UsageError } from "./parse-command-args.ts";

export type { RankSelection } from "../language/rank-selection.ts";

/**
 * `"0,2-3"` → the selection of ranks 0, 2 and 3. Throws a UsageError (`--ranks: "2-x" at item 2 is not a
 * rank or a range of ranks: …`) for a list that does not parse.
 */
export function parseRankSelection(text: string): RankSelection {
  try {
    return parseRanks(text);
  } catch (error) {
    if (isTorchLogsError(error) && error.kind === "invalid-ranks") {
      throw new UsageError(`--ranks: ${error.message}`);
    }
    throw error;
  }
}
