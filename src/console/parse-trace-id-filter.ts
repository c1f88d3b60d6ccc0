// TORCH_LOGS_TRACE_ID_FILTER: "a comma list, items trimmed, empty items dropped" (torch-logs-semantics.md
// §7), compared with the record's bracketed trace id, e.g. `[0/0]`.

/**
 * The set of bracketed trace ids to keep. Takes the variable's value (`"[0/0], [1/0_1]"`) or a list.
 * PyTorch compares the items with `[0/0]` as printed, so `0/0` without brackets never matches there; here
 * an unbracketed item is bracketed, since it can only have meant that id.
 */
export function parseTraceIdFilter(value: string | readonly string[]): ReadonlySet<string> {
  const items = typeof value === "string" ? value.split(",") : value;
  const ids = new Set<string>();
  for (const item of items) {
    const id = item.trim();
    if (id === "") continue;
    ids.add(id.startsWith("[") && id.endsWith("]") ? id : `[${id}]`);
  }
  return ids;
}
