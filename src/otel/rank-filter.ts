// The processor's `ranks` option: which distributed ranks' records pass.
import type { ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import { parseRanks, type RankSelection } from "../language/rank-selection.ts";
import { RANK_ATTRIBUTE } from "./attributes.ts";

type Resource = ReadWriteLogRecord["resource"];

/**
 * Admits a record when its rank is selected. Its rank: its `torch.rank` attribute (what PyTorch's `[rankN]:`
 * and `ingest` write), else its resource's `torch.rank` attribute, else the process rank given. A record with
 * no rank is not admitted: a job's log reduced to rank 0 keeps exactly rank 0's records.
 */
export class RankFilter {
  readonly selection: RankSelection;
  readonly #processRank: number | undefined;
  /** The resource last asked about and its rank: one provider, one resource. */
  #resource: Resource | undefined;
  #resourceRank: number | undefined;

  /** Throws TorchLogsError (`invalid-ranks`) for a list that does not parse. */
  constructor(ranks: string | RankSelection, processRank?: number) {
    this.selection = typeof ranks === "string" ? parseRanks(ranks) : ranks;
    this.#processRank = processRank;
    this.#resourceRank = processRank;
  }

  admits(record: ReadWriteLogRecord): boolean {
    const rank = rankOf(record.attributes[RANK_ATTRIBUTE]) ?? this.#rankOfResource(record.resource);
    return rank !== undefined && this.selection.has(rank);
  }

  #rankOfResource(resource: Resource | undefined): number | undefined {
    if (resource !== this.#resource) {
      this.#resource = resource;
      this.#resourceRank = rankOf(resource?.attributes[RANK_ATTRIBUTE]) ?? this.#processRank;
    }
    return this.#resourceRank;
  }
}

/** A rank attribute: an integer from 0, or its decimal digits (a resource attribute set from `RANK`). */
export function rankOf(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  return typeof value === "string" && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}
