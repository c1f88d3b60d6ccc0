import { describe, expect, it } from "vitest";
import { parseUtcOffset } from "../../src/pytorch-line/parse-utc-offset.ts";

describe("parseUtcOffset", () => {
  it.each([
    ["Z", 0],
    ["utc", 0],
    ["+02:00", 120],
    ["-0530", -330],
    ["+09", 540],
    ["-00:00", 0],
    ["+18:00", 1080],
  ])("%s → %d minutes", (text, minutes) => {
    expect(Object.is(parseUtcOffset(text), minutes)).toBe(true);
  });

  it.each(["", "2", "+2", "+02:60", "+18:01", "02:00", "+02:00:00", "GMT+2"])("rejects %j", (text) => {
    expect(parseUtcOffset(text)).toBeUndefined();
  });
});
