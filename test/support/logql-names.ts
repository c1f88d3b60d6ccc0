// Parses a LogQL query with Grafana's own grammar (@grafana/lezer-logql, what Grafana's Loki query editor uses)
// and lists the label names it relies on: those in the stream selector (they must be Loki index labels) and those
// the pipeline filters, groups by, keeps, drops or formats (index labels or structured metadata).

import { parser } from "@grafana/lezer-logql";

/** @lezer/common's SyntaxNode, taken from the parser so no undeclared package is imported. */
type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

export interface LogqlNames {
  /** Offsets of syntax errors; empty when the query parses. */
  readonly errorsAt: readonly number[];
  readonly selectorLabels: readonly string[];
  readonly pipelineLabels: readonly string[];
}

/** `{{.name}}` / `{{ .name }}` references in line_format and label_format templates. */
const TEMPLATE_FIELD = /\{\{-?\s*\.([A-Za-z_][A-Za-z0-9_]*)/g;

function inside(node: SyntaxNode, name: string): boolean {
  for (let p = node.parent; p; p = p.parent) if (p.name === name) return true;
  return false;
}

export function logqlNames(query: string): LogqlNames {
  const tree = parser.parse(query);
  const errorsAt: number[] = [];
  const selector = new Set<string>();
  const pipeline = new Set<string>();
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) errorsAt.push(ref.from);
      const node = ref.node;
      const text = query.slice(ref.from, ref.to);
      if (ref.name === "Identifier") {
        // label_format new=…: the first identifier names a label the stage creates, it does not use one.
        const created = node.parent?.name === "LabelFormatMatcher" && node.prevSibling === null;
        if (inside(node, "Selector")) selector.add(text);
        else if (!created) pipeline.add(text);
      }
      if (ref.name === "String" && (inside(node, "LineFormatExpr") || inside(node, "LabelFormatMatcher"))) {
        for (const m of text.matchAll(TEMPLATE_FIELD)) pipeline.add(m[1] ?? "");
      }
    },
  });
  return { errorsAt, selectorLabels: [...selector], pipelineLabels: [...pipeline] };
}
