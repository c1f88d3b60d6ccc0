// A group of overlapping chromium spans → finished spans (torch-trace-format.md §6): parents from time
// containment (the innermost span containing a span; one that only partly overlaps hangs from the group's
// root), and each instant event on the innermost span containing it. Spans still open count as lasting
// forever: a group may be released in part (only its closed spans) and the rest later.
//
// Both are sweeps over the spans in start order with a stack of the spans that may still contain what comes
// next, so a group of S spans and I instants costs O((S + I) log(S + I)): matching each instant against every
// span made the release of a large group (a file whose one `B` never ends) quadratic.
import type { Attributes } from "@opentelemetry/api";
import type { HrTime } from "../pytorch-line/resolve-log-time.ts";

export interface TraceSpanEvent {
  readonly name: string;
  readonly time: HrTime;
  readonly attributes: Attributes;
}

/** A finished span, ready for an exporter. Ids are lowercase hex (32 and 16 digits). */
export interface TraceSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly attributes: Attributes;
  readonly events: readonly TraceSpanEvent[];
}

/** A span being built: `end` is set by its `E` (`open` until then). */
export interface SpanDraft {
  readonly name: string;
  readonly spanId: string;
  readonly start: number;
  end: number;
  open: boolean;
  readonly attributes: Attributes;
  readonly compileId: string | undefined;
  readonly events: TraceSpanEvent[];
}

export interface Instant {
  readonly ts: number;
  readonly event: TraceSpanEvent;
  readonly compileId: string | undefined;
}

export interface GroupRelease {
  readonly spans: TraceSpan[];
  /** What stays in the group: its open spans and the instants that fall on them. */
  readonly openSpans: SpanDraft[];
  readonly openInstants: Instant[];
}

/** The closed spans of a group (all of them when none is open), in start order. */
export function releaseSpanGroup(
  traceId: string,
  drafts: readonly SpanDraft[],
  instants: readonly Instant[],
): GroupRelease {
  const endOf = (span: SpanDraft) => (span.open ? Number.POSITIVE_INFINITY : span.end);
  const spans = [...drafts].sort((x, y) => x.start - y.start || endOf(y) - endOf(x));
  const root = spans[0];
  if (root === undefined) return { spans: [], openSpans: [], openInstants: [...instants] };
  const parents = new Map<SpanDraft, SpanDraft | undefined>();
  const ancestors: SpanDraft[] = [];
  for (const span of spans) {
    while (ancestors.length > 0) {
      const top = ancestors[ancestors.length - 1] as SpanDraft;
      if (top.start <= span.start && endOf(span) <= endOf(top)) break;
      ancestors.pop();
    }
    // A helper thread's span that only partly overlaps: attached to the group's root.
    parents.set(span, span === root ? undefined : (ancestors[ancestors.length - 1] ?? root));
    ancestors.push(span);
  }
  // Instants in time order onto the innermost span containing them (the latest-starting one; none: the root).
  const openInstants: Instant[] = [];
  const containing: SpanDraft[] = [];
  let next = 0;
  for (const instant of [...instants].sort((x, y) => x.ts - y.ts)) {
    for (; next < spans.length && (spans[next] as SpanDraft).start <= instant.ts; next++)
      containing.push(spans[next] as SpanDraft);
    while (containing.length > 0 && endOf(containing[containing.length - 1] as SpanDraft) < instant.ts)
      containing.pop();
    const target = containing[containing.length - 1] ?? root;
    if (target.open) openInstants.push(instant);
    else target.events.push(instant.event);
  }
  const released: TraceSpan[] = [];
  const openSpans: SpanDraft[] = [];
  for (const span of spans) {
    if (span.open) {
      openSpans.push(span);
      continue;
    }
    released.push({
      name: span.name,
      traceId,
      spanId: span.spanId,
      parentSpanId: parents.get(span)?.spanId,
      startTime: toHrTime(span.start),
      endTime: toHrTime(span.end),
      attributes: span.attributes,
      events: span.events.sort((x, y) => x.time[0] - y.time[0] || x.time[1] - y.time[1]),
    });
  }
  return { spans: released, openSpans, openInstants };
}

/** Epoch µs (float) → HrTime, without the precision a single ns number would lose. */
export function toHrTime(micros: number): HrTime {
  const seconds = Math.floor(micros / 1e6);
  const nanos = Math.round((micros - seconds * 1e6) * 1000);
  return nanos >= 1e9 ? [seconds + 1, nanos - 1e9] : [seconds, nanos];
}
