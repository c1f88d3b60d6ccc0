import { describe, expect, it } from "vitest";
import type { PytorchLogTime } from "../../src/pytorch-line/pytorch-log-line.ts";
import { resolveLogTime } from "../../src/pytorch-line/resolve-log-time.ts";

function glogTime(
  month: number,
  day: number,
  hms: [number, number, number],
  microsecond = 0,
): PytorchLogTime {
  const [hour, minute, second] = hms;
  return { month, day, hour, minute, second, microsecond, precision: "microsecond" };
}

const at = (iso: string) => Date.parse(iso);

describe("resolveLogTime", () => {
  it.each([
    {
      name: "same year as the reference",
      time: glogTime(3, 18, [11, 31, 3], 682_039),
      reference: at("2025-03-20T00:00:00Z"),
      offset: 0,
      iso: "2025-03-18T11:31:03.682Z",
      nanos: 682_039_000,
    },
    {
      name: "December line read in January belongs to the previous year",
      time: glogTime(12, 31, [23, 59, 59], 999_999),
      reference: at("2025-01-01T00:10:00Z"),
      offset: 0,
      iso: "2024-12-31T23:59:59.999Z",
      nanos: 999_999_000,
    },
    {
      name: "a few hours ahead of the reference (zone or clock skew) stays in the same year",
      time: glogTime(1, 1, [10, 0, 0]),
      reference: at("2025-01-01T02:00:00Z"),
      offset: 0,
      iso: "2025-01-01T10:00:00.000Z",
      nanos: 0,
    },
    {
      name: "the UTC offset is subtracted (UTC+2 local 10:00 is 08:00Z)",
      time: glogTime(6, 18, [10, 0, 0]),
      reference: at("2025-07-01T00:00:00Z"),
      offset: 120,
      iso: "2025-06-18T08:00:00.000Z",
      nanos: 0,
    },
    {
      name: "29 February goes back to the last leap year",
      time: glogTime(2, 29, [12, 0, 0]),
      reference: at("2026-03-01T00:00:00Z"),
      offset: 0,
      iso: "2024-02-29T12:00:00.000Z",
      nanos: 0,
    },
    {
      name: "the bracket format's year is used as printed",
      time: { ...glogTime(1, 16, [22, 29, 36], 221_000), year: 2024, precision: "millisecond" as const },
      reference: at("2030-01-01T00:00:00Z"),
      offset: -300,
      iso: "2024-01-17T03:29:36.221Z",
      nanos: 221_000_000,
    },
  ])("$name", ({ time, reference, offset, iso, nanos }) => {
    const resolved = resolveLogTime(time, { reference, utcOffsetMinutes: offset });
    expect(resolved).toStrictEqual([Math.floor(at(iso) / 1000), nanos]);
  });

  it("returns undefined for a date no year has", () => {
    expect(resolveLogTime(glogTime(4, 31, [0, 0, 0]), { reference: 0, utcOffsetMinutes: 0 })).toBeUndefined();
  });
});

describe("resolveLogTime with a zone (offset by instant)", () => {
  // Central Europe in 2024: UTC+1, UTC+2 from 31 March 01:00 UTC.
  const zone = (epochMs: number) => (epochMs < Date.UTC(2024, 2, 31, 1) ? 60 : 120);

  it("takes the offset at the printed time, not at the reference", () => {
    const reference = at("2024-04-02T00:00:00Z");
    expect(resolveLogTime(glogTime(3, 30, [12, 0, 0]), { reference, utcOffsetMinutes: zone })).toEqual([
      at("2024-03-30T11:00:00Z") / 1000,
      0,
    ]);
    expect(resolveLogTime(glogTime(4, 1, [12, 0, 0]), { reference, utcOffsetMinutes: zone })).toEqual([
      at("2024-04-01T10:00:00Z") / 1000,
      0,
    ]);
  });
});

describe("resolveLogTime remembers the last second resolved", () => {
  const time = glogTime(12, 31, [23, 59, 59], 5);
  const resolve = (reference: string, offset: number | ((ms: number) => number), t = time) =>
    resolveLogTime(t, { reference: at(reference), utcOffsetMinutes: offset });

  it("gives each line its own microseconds from the same second", () => {
    const first = resolve("2025-01-01T00:10:00Z", 0);
    const second = resolve("2025-01-01T00:10:00Z", 0, { ...time, microsecond: 7 });
    expect(first).toEqual([second?.[0], 5_000]);
    expect(second?.[1]).toBe(7_000);
  });

  it.each([
    ["another reference (a year later)", () => resolve("2026-01-01T00:10:00Z", 0)],
    ["another offset", () => resolve("2025-01-01T00:10:00Z", 60)],
    ["an offset function", () => resolve("2025-01-01T00:10:00Z", () => 60)],
    ["a leap second", () => resolve("2025-01-01T00:10:00Z", 0, { ...time, second: 60 })],
  ])("resolves again with %s", (_name, again) => {
    const before = resolve("2025-01-01T00:10:00Z", 0);
    const after = again();
    expect(after).not.toEqual(before);
    // The same call as the first one still gives the first answer.
    expect(resolve("2025-01-01T00:10:00Z", 0)).toEqual(before);
  });

  it("remembers a date no year has as such", () => {
    const april31 = glogTime(4, 31, [0, 0, 0]);
    expect(resolve("2025-05-01T00:00:00Z", 0, april31)).toBeUndefined();
    expect(resolve("2025-05-01T00:00:00Z", 0, april31)).toBeUndefined();
    expect(resolve("2025-05-01T00:00:00Z", 0, glogTime(4, 30, [0, 0, 0]))).toBeDefined();
  });
});

describe("resolveLogTime tells a printed year 0000 from no year", () => {
  it("resolves each on its own", () => {
    const options = { reference: at("2025-05-01T00:00:00Z"), utcOffsetMinutes: 0 };
    const noYear = glogTime(3, 18, [11, 31, 3]);
    const withoutYear = resolveLogTime(noYear, options);
    expect(resolveLogTime({ ...noYear, year: 0 }, options)).not.toEqual(withoutYear);
    expect(resolveLogTime(noYear, options)).toEqual(withoutYear);
  });
});
