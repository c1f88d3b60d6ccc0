// TraceClock's fallback for files without chromium events: a zone's offset is the one at the record's instant.
import { describe, expect, it } from "vitest";
import type { PytorchLogTime } from "../../src/pytorch-line/pytorch-log-line.ts";
import { TraceClock } from "../../src/trace/trace-clock.ts";

/** Central Europe in 2024: UTC+1, UTC+2 from 31 March 01:00 UTC. */
const SUMMER_FROM = Date.UTC(2024, 2, 31, 1);
const centralEurope = (epochMs: number) => (epochMs < SUMMER_FROM ? 60 : 120);

const time = (month: number, day: number, hour: number): PytorchLogTime => ({
  month,
  day,
  hour,
  minute: 0,
  second: 0,
  microsecond: 0,
  precision: "microsecond",
});

describe("TraceClock fallback with a zone", () => {
  it.each([
    ["before the change, read after it", time(3, 30, 12), Date.UTC(2024, 3, 2), Date.UTC(2024, 2, 30, 11)],
    ["after the change, read after it", time(4, 1, 12), Date.UTC(2024, 3, 2), Date.UTC(2024, 3, 1, 10)],
    [
      "after the change, read before it",
      time(3, 31, 12),
      Date.UTC(2024, 2, 31, 0),
      Date.UTC(2024, 2, 31, 10),
    ],
  ])("%s: the offset at the record's instant", (_name, printed, reference, expected) => {
    const resolved = new TraceClock().resolve(printed, { utcOffsetMinutes: centralEurope, reference });
    expect(resolved).toEqual([expected / 1000, 0]);
  });
});
