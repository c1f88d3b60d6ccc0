import { type LogRecord, SeverityNumber } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { formatTorchLogLines } from "../../src/console/format-torch-line.ts";
import type { TorchConsoleLogRecordExporterOptions } from "../../src/console/torch-console-log-record-exporter.ts";
import { PID, setup, TIME } from "./console-pipeline.ts";

// Every case goes through a real LoggerProvider and SimpleLogRecordProcessor into the exporter, at a fixed
// time (2024-03-18 11:31:05.468129 UTC, printed in UTC) and pid 4242.

interface Case {
  readonly name: string;
  readonly scope?: string;
  readonly record: LogRecord;
  readonly options?: TorchConsoleLogRecordExporterOptions;
  readonly expected: readonly string[];
}

async function linesFor({
  scope = "torch._dynamo",
  record,
  options,
}: Omit<Case, "name" | "expected">): Promise<string[]> {
  const { provider, lines } = setup(options);
  provider.getLogger(scope).emit({ timestamp: TIME, ...record });
  return lines();
}

const T = `0318 11:31:05.468129 ${PID}`;
const WARN = { severityNumber: SeverityNumber.WARN, severityText: "WARN" } as const;

describe("PyTorch's line format", () => {
  const cases: Case[] = [
    // Levels: one glog letter per OTel band; TRACE has no Python level and prints as V.
    {
      name: "TRACE",
      record: { severityNumber: SeverityNumber.TRACE, body: "m" },
      expected: [`V${T} torch._dynamo:0] m`],
    },
    {
      name: "DEBUG",
      record: { severityNumber: SeverityNumber.DEBUG, body: "m" },
      expected: [`V${T} torch._dynamo:0] m`],
    },
    {
      name: "DEBUG3",
      record: { severityNumber: SeverityNumber.DEBUG3, body: "m" },
      expected: [`V${T} torch._dynamo:0] m`],
    },
    {
      name: "INFO",
      record: { severityNumber: SeverityNumber.INFO, body: "m" },
      expected: [`I${T} torch._dynamo:0] m`],
    },
    {
      name: "WARN",
      record: { severityNumber: SeverityNumber.WARN, body: "m" },
      expected: [`W${T} torch._dynamo:0] m`],
    },
    {
      name: "ERROR",
      record: { severityNumber: SeverityNumber.ERROR, body: "m" },
      expected: [`E${T} torch._dynamo:0] m`],
    },
    {
      name: "FATAL",
      record: { severityNumber: SeverityNumber.FATAL, body: "m" },
      expected: [`C${T} torch._dynamo:0] m`],
    },
    {
      name: "FATAL4",
      record: { severityNumber: SeverityNumber.FATAL4, body: "m" },
      expected: [`C${T} torch._dynamo:0] m`],
    },
    {
      name: "UNSPECIFIED with a level in severityText",
      record: { severityText: "warning", body: "m" },
      expected: [`W${T} torch._dynamo:0] m`],
    },
    {
      name: "UNSPECIFIED without a level: Python's NOTSET, printed in full",
      record: { body: "m" },
      expected: [`NOTSET${T} torch._dynamo:0] m`],
    },
    // Multi-line: every line gets the identical prefix; an empty line keeps the separator space.
    {
      name: "multi-line body",
      record: { ...WARN, body: "first\n\n  indented\t tab\nlast " },
      expected: [
        `W${T} torch._dynamo:0] first`,
        `W${T} torch._dynamo:0] `,
        `W${T} torch._dynamo:0]   indented\t tab`,
        `W${T} torch._dynamo:0] last `,
      ],
    },
    { name: "absent body", record: { ...WARN }, expected: [`W${T} torch._dynamo:0] `] },
    // Custom level names (as ingest keeps them in severityText) print in full, as PyTorch prints them.
    {
      name: "custom level name NOTICE",
      record: { severityNumber: SeverityNumber.INFO4, severityText: "NOTICE", body: "m" },
      expected: [`NOTICE${T} torch._dynamo:0] m`],
    },
    {
      name: "unnamed level 15",
      record: { severityNumber: SeverityNumber.DEBUG4, severityText: "Level 15", body: "m" },
      expected: [`Level 15${T} torch._dynamo:0] m`],
    },
    {
      name: "OTel short names stay letters",
      record: { severityNumber: SeverityNumber.INFO2, severityText: "INFO2", body: "m" },
      expected: [`I${T} torch._dynamo:0] m`],
    },
    // Paths: relative to the sys.path entry that holds them, as make_module_path_relative prints them.
    {
      name: "absolute path in site-packages",
      record: {
        ...WARN,
        body: "m",
        attributes: { "code.file.path": "/opt/venv/lib/python3.11/site-packages/torch/_dynamo/guards.py" },
      },
      expected: [`W${T} torch/_dynamo/guards.py:0] m`],
    },
    {
      name: "absolute path in dist-packages (Debian)",
      record: {
        ...WARN,
        body: "m",
        attributes: { "code.file.path": "/usr/lib/python3/dist-packages/mypkg/sub.py" },
      },
      expected: [`W${T} mypkg/sub.py:0] m`],
    },
    {
      name: "absolute path under a given sys.path entry",
      record: { ...WARN, body: "m", attributes: { "code.file.path": "/home/me/app/shop/cart.py" } },
      options: { sysPath: ["/home/me/app"] },
      expected: [`W${T} shop/cart.py:0] m`],
    },
    {
      name: "absolute path outside sys.path stays absolute",
      record: { ...WARN, body: "m", attributes: { "code.file.path": "/tmp/run.py" } },
      expected: [`W${T} /tmp/run.py:0] m`],
    },
    // Artifacts, rank, compile id.
    {
      name: "artifact record",
      scope: "torch._dynamo.guards",
      record: {
        severityNumber: SeverityNumber.DEBUG,
        body: "GUARDS:",
        attributes: { "torch.artifact": "guards" },
      },
      expected: [`V${T} torch._dynamo.guards:0] [__guards] GUARDS:`],
    },
    {
      name: "artifact under a custom attribute key",
      record: { ...WARN, body: "m", attributes: { "my.artifact": "graph_code", "torch.artifact": "guards" } },
      options: { artifactAttribute: "my.artifact" },
      expected: [`W${T} torch._dynamo:0] [__graph_code] m`],
    },
    {
      name: "rank option",
      record: { ...WARN, body: "m" },
      options: { rank: 3 },
      expected: [`[rank3]:W${T} torch._dynamo:0] m`],
    },
    {
      name: "rank attribute wins over the option",
      record: { ...WARN, body: "m", attributes: { "torch.rank": 1 } },
      options: { rank: 3 },
      expected: [`[rank1]:W${T} torch._dynamo:0] m`],
    },
    {
      name: "compile id and artifact",
      scope: "torch._dynamo.symbolic_convert",
      record: {
        severityNumber: SeverityNumber.DEBUG,
        body: "Graph break: skip",
        attributes: { "torch.compile_id": "0/0_1", "torch.artifact": "graph_breaks" },
      },
      expected: [`V${T} torch._dynamo.symbolic_convert:0] [0/0_1] [__graph_breaks] Graph break: skip`],
    },
    {
      name: "bracketed compile id",
      record: { ...WARN, body: "m", attributes: { "torch.compile_id": "[!0/5/0]" } },
      expected: [`W${T} torch._dynamo:0] [!0/5/0] m`],
    },
    // Source location.
    {
      name: "code.file.path / code.line.number",
      record: {
        ...WARN,
        body: "m",
        attributes: { "code.file.path": "torch/_dynamo/convert_frame.py", "code.line.number": 1213 },
      },
      expected: [`W${T} torch/_dynamo/convert_frame.py:1213] m`],
    },
    {
      name: "older code.filepath / code.lineno",
      record: {
        ...WARN,
        body: "m",
        attributes: { "code.filepath": "Lib\\site-packages\\torch\\_dynamo\\utils.py", "code.lineno": "77" },
      },
      expected: [`W${T} Lib\\site-packages\\torch\\_dynamo\\utils.py:77] m`],
    },
    {
      name: "process.pid attribute",
      record: { ...WARN, body: "m", attributes: { "process.pid": 177 } },
      expected: [`W0318 11:31:05.468129 177 torch._dynamo:0] m`],
    },
    // Exceptions: appended to the message before the split, so every traceback line is prefixed.
    {
      name: "exception with a Python stacktrace",
      record: {
        severityNumber: SeverityNumber.ERROR,
        body: "Error while compiling",
        attributes: {
          "exception.type": "ValueError",
          "exception.message": "bad",
          "exception.stacktrace":
            'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\nValueError: bad\n',
        },
      },
      expected: [
        `E${T} torch._dynamo:0] Error while compiling`,
        `E${T} torch._dynamo:0] Traceback (most recent call last):`,
        `E${T} torch._dynamo:0]   File "x.py", line 1, in <module>`,
        `E${T} torch._dynamo:0] ValueError: bad`,
      ],
    },
    {
      name: "exception type and message only",
      record: {
        severityNumber: SeverityNumber.ERROR,
        body: "failed\n",
        attributes: { "exception.type": "RuntimeError", "exception.message": "boom" },
      },
      expected: [`E${T} torch._dynamo:0] failed`, `E${T} torch._dynamo:0] RuntimeError: boom`],
    },
    // Bodies that are not strings.
    {
      name: "map body as JSON",
      record: { ...WARN, body: { a: 1, b: [true, null, "x"] } },
      expected: [`W${T} torch._dynamo:0] {"a":1,"b":[true,null,"x"]}`],
    },
    { name: "number body", record: { ...WARN, body: 42 }, expected: [`W${T} torch._dynamo:0] 42`] },
    {
      name: "bytes body as base64",
      record: { ...WARN, body: new Uint8Array([104, 105]) },
      expected: [`W${T} torch._dynamo:0] aGk=`],
    },
    // Control sequences from the record never reach the terminal raw.
    {
      name: "control sequences in the body",
      record: {
        ...WARN,
        body: "\x1b[31mred\x1b[0m \x1b]0;title\x07 a\rb\bc\x00 \x7f\x9b2J \u202eevil\u2066 ok\tok",
      },
      expected: [
        `W${T} torch._dynamo:0] \\x1b[31mred\\x1b[0m \\x1b]0;title\\x07 a\\x0db\\x08c\\x00 \\x7f\\x9b2J \\u202eevil\\u2066 ok\tok`,
      ],
    },
    {
      name: "control sequences and line breaks in prefix fields",
      scope: "torch.\x1b[2Jx",
      record: {
        ...WARN,
        body: "m",
        attributes: {
          "code.file.path": "a.py\nW0101 00:00:00.000000 1 forged.py",
          "torch.artifact": "g\x1b",
        },
      },
      expected: [`W${T} a.py\\x0aW0101 00:00:00.000000 1 forged.py:0] [__g\\x1b] m`],
    },
  ];

  it.each(cases)("$name", async (c) => {
    expect(await linesFor(c)).toEqual(c.expected);
  });

  // The one-line regex of pytorch-log-format.md §1.2 (variant A), which log parsers are written against.
  const VARIANT_A =
    /^(?<rank>\[rank(?<rankId>\d+)\]:)?(?<level>[VIWEC])(?<month>\d{2})(?<day>\d{2}) (?<time>\d{2}:\d{2}:\d{2})\.(?<usec>\d{6}) (?<id>\d+) (?<path>.+?):(?<lineno>\d+)\](?: \[(?<traceId>!?\d+(?:\/\d+){0,2}(?:_\d+)?)\])?(?: \[__(?<artifact>[A-Za-z0-9_]+)\])?(?: (?<message>.*))?$/;

  // Names printed in full (NOTSET, custom levels) are outside variant A, as in PyTorch.
  it.each(cases.filter((c) => !/NOTSET|^custom level|^unnamed level/.test(c.name)))(
    "$name: every line matches the variant-A regex of the spec",
    (c) => {
      for (const line of c.expected) expect(line).toMatch(VARIANT_A);
    },
  );

  it("prints local time by default", async () => {
    // Node re-reads TZ when it changes; India (+05:30, no DST) makes local and UTC differ by a half hour.
    const saved = process.env.TZ;
    process.env.TZ = "Asia/Kolkata";
    try {
      expect(await linesFor({ record: { ...WARN, body: "m" }, options: { utc: false } })).toEqual([
        `W0318 17:01:05.468129 ${PID} torch._dynamo:0] m`,
      ]);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("keeps microseconds and rounds nothing up into the next second", async () => {
    const record = { ...WARN, body: "m", timestamp: [TIME[0], 999_999_999] as [number, number] };
    const { provider, lines } = setup();
    provider.getLogger("torch._dynamo").emit(record);
    expect(await lines()).toEqual([`W0318 11:31:05.999999 ${PID} torch._dynamo:0] m`]);
  });

  it("is a pure function of the record and options", () => {
    const record = {
      hrTime: TIME,
      severityNumber: SeverityNumber.INFO,
      body: "direct",
      attributes: { "torch.compile_id": "1/0" },
      instrumentationScope: { name: "torch._inductor" },
    };
    expect(formatTorchLogLines(record, { pid: 1, utc: true, rank: 0 })).toBe(
      "[rank0]:I0318 11:31:05.468129 1 torch._inductor:0] [1/0] direct",
    );
  });
});

describe("TORCH_LOGS_FORMAT", () => {
  const cases: Case[] = [
    {
      // Python's created 1710761465.4681296 prints .468130: the sixth digit rounds, it is not truncated.
      name: "%(created)f rounds as Python does",
      record: { ...WARN, body: "m", timestamp: [TIME[0], 468_129_600] as [number, number] },
      options: { format: "%(created)f %(message)s" },
      expected: [`${TIME[0]}.468130 m`],
    },
    {
      name: "short",
      record: { ...WARN, body: "hello" },
      options: { format: "short" },
      expected: ["WARNING:torch._dynamo:hello"],
    },
    {
      name: "basic, artifact record: the artifact logger's name",
      scope: "torch._dynamo.guards",
      record: {
        severityNumber: SeverityNumber.INFO,
        body: "guard",
        attributes: { "torch.artifact": "guards" },
      },
      options: { format: "basic" },
      expected: ["INFO:torch._dynamo.guards.__guards:guard"],
    },
    {
      name: "short adds no rank, trace id or artifact prefix",
      record: { severityNumber: SeverityNumber.FATAL, body: "x", attributes: { "torch.compile_id": "0/0" } },
      options: { format: "short", rank: 2 },
      expected: ["CRITICAL:torch._dynamo:x"],
    },
    {
      name: "%(levelname)s: %(message)s",
      record: { severityNumber: SeverityNumber.INFO, body: "hello" },
      options: { format: "%(levelname)s: %(message)s" },
      expected: ["INFO: hello"],
    },
    {
      name: "a multi-line message is not prefixed per line (Python's Formatter)",
      record: { severityNumber: SeverityNumber.DEBUG, body: "a\nb" },
      options: { format: "%(levelname)s: %(message)s" },
      expected: ["DEBUG: a", "b"],
    },
    {
      name: "the exception follows the formatted line, unprefixed",
      record: {
        severityNumber: SeverityNumber.ERROR,
        body: "boom",
        attributes: { "exception.stacktrace": "Traceback (most recent call last):\nValueError: bad\n" },
      },
      options: { format: "%(levelname)s: %(message)s" },
      expected: ["ERROR: boom", "Traceback (most recent call last):", "ValueError: bad"],
    },
    {
      name: "%(name)-12s|%(message)s",
      scope: "torch.fx",
      record: { ...WARN, body: "hello" },
      options: { format: "%(name)-12s|%(message)s" },
      expected: ["torch.fx    |hello"],
    },
    {
      name: "time, process and location fields",
      record: {
        severityNumber: SeverityNumber.INFO,
        body: "m",
        attributes: {
          "code.file.path": "/opt/torch/_dynamo/guards.py",
          "code.line.number": 1213,
          "code.function.name": "build",
        },
      },
      options: {
        format:
          "%(asctime)s|%(msecs)03d|%(created)f|%(process)d|%(levelno)s|%(pathname)s|%(filename)s|%(module)s|%(funcName)s|%(lineno)5d",
      },
      expected: [
        `2024-03-18 11:31:05,468|468|1710761465.468129|${PID}|20|/opt/torch/_dynamo/guards.py|guards.py|guards|build| 1213`,
      ],
    },
    {
      name: "without a file attribute the scope stands in for the file",
      scope: "torch._dynamo.guards",
      record: { ...WARN, body: "m" },
      options: { format: "%(pathname)s:%(lineno)d %(module)s %(funcName)s" },
      expected: ["torch._dynamo.guards:0 guards (unknown function)"],
    },
    {
      name: "control sequences are escaped in fields but not in the format's own text",
      scope: "torch.\x1b[2J",
      record: { ...WARN, body: "a\x1b[31m\nb\u202e" },
      options: { format: "\x1b[1m%(name)s\x1b[0m %(message)s" },
      expected: ["\x1b[1mtorch.\\x1b[2J\x1b[0m a\\x1b[31m", "b\\u202e"],
    },
  ];

  it.each(cases)("$name", async (c) => {
    expect(await linesFor(c)).toEqual(c.expected);
  });
});
