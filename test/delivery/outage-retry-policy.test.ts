// OutageRetryPolicy's decisions, on a clock the test moves: when a failing backend is retried, how long the
// waits are, when a batch run gives up, what --follow does until it is finished, and what it reports.
import type { ExportResponse } from "@opentelemetry/otlp-exporter-base";
import { describe, expect, it } from "vitest";
import { type OutageEvent, OutageRetryPolicy } from "../../src/delivery/outage-retry-policy.ts";

const DOWN: ExportResponse = { status: "retryable", error: new Error("connect ECONNREFUSED 127.0.0.1:4318") };
const UP: ExportResponse = { status: "success" };
const REFUSED: ExportResponse = { status: "failure", error: new Error("HTTP 400 Bad Request") };

function setup(options: { retryForMillis?: number; untilFinished?: boolean } = {}) {
  let now = 1_000_000;
  const events: OutageEvent[] = [];
  const policy = new OutageRetryPolicy({
    retryForMillis: options.retryForMillis ?? 20_000,
    untilFinished: options.untilFinished ?? false,
    onEvent: (event) => events.push(event),
    now: () => now,
  });
  /** One attempt of an export, `at` ms after the start; returns the policy's wait. */
  const attempt = (response: ExportResponse, number: number, at: number) => {
    now = 1_000_000 + at;
    return policy.next({ response, attempt: number, exportStartedAt: 1_000_000, timeoutMillis: 10_000 });
  };
  return { policy, events, attempt };
}

describe("OutageRetryPolicy, a batch run", () => {
  it("retries with doubling waits capped at 5 s, reports the start once, and gives up after the retry time", () => {
    const { policy, events, attempt } = setup();
    const waits = [0, 500, 1500, 3500, 7500, 12_500, 17_500].map((at, i) => attempt(DOWN, i + 1, at));
    expect(waits).toEqual([500, 1000, 2000, 4000, 5000, 5000, 2500]);
    expect(events).toEqual([{ kind: "began", error: "connect ECONNREFUSED 127.0.0.1:4318" }]);
    expect(policy.status()).toMatchObject({ downForMillis: 17_500, givesUpInMillis: 2500, givenUp: false });
    expect(attempt(DOWN, 8, 20_000)).toBeUndefined();
    expect(events.at(-1)).toEqual({ kind: "gave-up", downForMillis: 20_000 });
    // From then on every export fails unsent, and waits end at once.
    expect(policy.refuse()?.message).toMatch(/gave up on the backend \(--retry-for\)/);
    expect(policy.status().givenUp).toBe(true);
  });

  it("counts the retry time from the outage's start, across exports, and starts over after a success", () => {
    const { policy, events, attempt } = setup({ retryForMillis: 1000 });
    expect(attempt(DOWN, 1, 0)).toBe(500);
    expect(attempt(DOWN, 1, 800)).toBe(200); // another export: not past the give-up time
    expect(attempt(UP, 2, 900)).toBeUndefined();
    expect(events.map((e) => e.kind)).toEqual(["began", "recovered"]);
    expect(attempt(DOWN, 1, 5000)).toBe(500); // a new outage, a new retry time
    expect(policy.refuse()).toBeUndefined();
  });

  it("takes the backend's Retry-After, but never a wait past 5 s or past the give-up time", () => {
    const { attempt } = setup();
    expect(attempt({ ...DOWN, retryInMillis: 2000 }, 1, 0)).toBe(2000);
    expect(attempt({ ...DOWN, retryInMillis: 3_600_000 }, 2, 2000)).toBe(5000);
    expect(attempt({ ...DOWN, retryInMillis: 4000 }, 3, 18_000)).toBe(2000);
  });

  it("does not retry what another attempt cannot change, and that is no outage", () => {
    const { policy, events, attempt } = setup();
    expect(attempt(REFUSED, 1, 0)).toBeUndefined();
    expect(events).toEqual([]);
    expect(policy.status().downForMillis).toBeUndefined();
  });

  it("--retry-for 0 gives up at the first failure", () => {
    const { policy, attempt } = setup({ retryForMillis: 0 });
    expect(attempt(DOWN, 1, 0)).toBeUndefined();
    expect(policy.status().givenUp).toBe(true);
  });

  it("bounds what the batch processor must allow one export", () => {
    expect(setup({ retryForMillis: 20_000 }).policy.exportBudgetMillis(10_000)).toBe(45_000);
  });
});

describe("OutageRetryPolicy, --follow", () => {
  it("retries past the retry time until finished, then for the retry time more", () => {
    const { policy, events, attempt } = setup({ retryForMillis: 1000, untilFinished: true });
    expect(policy.exportBudgetMillis(10_000)).toBe(2 ** 31 - 1);
    for (let i = 1; i <= 10; i++) expect(attempt(DOWN, i, i * 5000)).toBe(Math.min(500 * 2 ** (i - 1), 5000));
    expect(policy.status()).toMatchObject({ givesUpInMillis: undefined, givenUp: false });
    policy.finish(); // at 50 s
    expect(policy.status().givesUpInMillis).toBe(1000);
    expect(attempt(DOWN, 11, 50_500)).toBe(500);
    expect(attempt(DOWN, 12, 51_000)).toBeUndefined();
    expect(events.map((e) => e.kind)).toEqual(["began", "gave-up"]);
  });

  it("a wait between attempts ends when the run gives up", async () => {
    const { policy, attempt } = setup({ retryForMillis: 0, untilFinished: true });
    attempt(DOWN, 1, 0);
    const waiting = policy.wait(60_000);
    policy.finish();
    attempt(DOWN, 2, 1);
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      waiting.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), 5000);
      }),
    ]);
    clearTimeout(timer);
    expect(ended).toBe(true);
  });
});
