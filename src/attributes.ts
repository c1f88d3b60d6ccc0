// Attribute keys this library reads and writes on OTel log records.

/** The log-record attribute that makes a record an artifact record: `torch.artifact = "graph_code"`. */
export const ARTIFACT_ATTRIBUTE = "torch.artifact";

/** Written on passing records when `componentAttribute` is enabled: the record's component alias. */
export const COMPONENT_ATTRIBUTE = "torch.component";
