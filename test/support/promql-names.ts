// Parses a PromQL query with Prometheus' own grammar (@prometheus-io/lezer-promql, what the Prometheus UI and
// Grafana's PromQL editor use) and lists the series it selects, with the label names each selector matches on,
// and the label names it groups or matches by.

import { parser } from "@prometheus-io/lezer-promql";

/** @lezer/common's SyntaxNode, taken from the parser so no undeclared package is imported. */
type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

export interface PromqlSelector {
  readonly metric: string;
  readonly matcherLabels: readonly string[];
}

export interface PromqlNames {
  /** Offsets of syntax errors; empty when the query parses. */
  readonly errorsAt: readonly number[];
  readonly selectors: readonly PromqlSelector[];
  /** `by (…)`, `without (…)`, `on (…)`, `ignoring (…)`, `group_left (…)`, `group_right (…)`. */
  readonly groupingLabels: readonly string[];
}

function childrenNamed(node: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const cursor = node.cursor();
  if (!cursor.firstChild()) return out;
  do {
    if (cursor.name === name) out.push(cursor.node);
    else out.push(...childrenNamed(cursor.node, name));
  } while (cursor.nextSibling());
  return out;
}

export function promqlNames(query: string): PromqlNames {
  const tree = parser.parse(query);
  const text = (n: SyntaxNode) => query.slice(n.from, n.to);
  const errorsAt: number[] = [];
  const selectors: PromqlSelector[] = [];
  const grouping = new Set<string>();
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) errorsAt.push(ref.from);
      if (ref.name === "VectorSelector") {
        const metric = ref.node.getChild("Identifier");
        const matchers = ref.node.getChild("LabelMatchers");
        selectors.push({
          metric: metric ? text(metric) : "",
          matcherLabels: matchers ? childrenNamed(matchers, "LabelName").map(text) : [],
        });
      }
      if (ref.name === "GroupingLabels")
        for (const l of childrenNamed(ref.node, "LabelName")) grouping.add(text(l));
    },
  });
  return { errorsAt, selectors, groupingLabels: [...grouping] };
}
