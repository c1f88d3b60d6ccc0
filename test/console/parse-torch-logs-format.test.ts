import { describe, expect, it } from "vitest";
import { BASIC_FORMAT, parseTorchLogsFormat } from "../../src/console/parse-torch-logs-format.ts";
import { TorchLogsError } from "../../src/language/torch-logs-error.ts";

function errorOf(value: string): TorchLogsError {
  try {
    parseTorchLogsFormat(value);
  } catch (error) {
    if (error instanceof TorchLogsError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
}

describe("parseTorchLogsFormat", () => {
  it.each([
    ["short", BASIC_FORMAT],
    ["basic", BASIC_FORMAT],
    ["SHORT %(message)s", "SHORT %(message)s"],
    ["", "%(message)s"],
  ])("%j uses %j", (value, source) => {
    expect(parseTorchLogsFormat(value).source).toBe(source);
  });

  it.each([
    {
      value: "%(asctime)s %(levlname)s",
      item: "%(levlname)s",
      offset: 12,
      suggestions: ["levelname", "name"],
      message:
        'TORCH_LOGS_FORMAT="%(asctime)s %(levlname)s": %(levlname)s at offset 12 names an unknown field "levlname" (did you mean %(levelname)s?); valid fields: name, levelname, levelno, message, pathname, filename, module, funcName, lineno, asctime, created, msecs, process, thread',
    },
    {
      value: "hello",
      item: "hello",
      offset: undefined,
      suggestions: [],
      message:
        'TORCH_LOGS_FORMAT="hello": the format names no field (Python\'s logging.Formatter rejects it); valid fields: name, levelname, levelno, message, pathname, filename, module, funcName, lineno, asctime, created, msecs, process, thread',
    },
    {
      value: "%(message)d",
      item: "%(message)d",
      offset: 0,
      suggestions: [],
      message:
        'TORCH_LOGS_FORMAT="%(message)d": %(message)d at offset 0 cannot format the str field "message" with %d (Python raises TypeError)',
    },
  ])("rejects $value with an actionable error", ({ value, item, offset, suggestions, message }) => {
    const error = errorOf(value);
    expect(error.kind).toBe("invalid-settings");
    expect({ item: error.item, offset: error.offset, suggestions: error.suggestions }).toEqual({
      item,
      offset,
      suggestions,
    });
    expect(error.message).toBe(message);
  });
});
