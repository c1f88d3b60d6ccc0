// Attribute keys this library reads and writes on OTel log records.

/** The log-record attribute that makes a record an artifact record: `torch.artifact = "graph_code"`. */
export const ARTIFACT_ATTRIBUTE = "torch.artifact";

/** Written on passing records when `componentAttribute` is enabled: the record's component alias. */
export const COMPONENT_ATTRIBUTE = "torch.component";

/**
 * The distributed rank a record comes from (PyTorch's `[rankN]:` prefix, torchrun's `[rankN]: `): an integer
 * from 0. The processor's `ranks` option selects on it.
 */
export const RANK_ATTRIBUTE = "torch.rank";

/** PyTorch's compile id (its "trace id") as printed, without brackets: `0/0`, `1/0_1`, `!0/5/0`. */
export const COMPILE_ID_ATTRIBUTE = "torch.compile_id";
