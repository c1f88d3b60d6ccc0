// Scenario 1: a disabled call through the logger facade, against pino's call below its level and a bare empty
// function call. Target: within 2 ns/op of pino's disabled call.
//
// Each call twice: at a call site on a constant logger (V8 may inline a no-op to nothing: mitata then flags dead
// code), and with the logger (or function) read from a mitata computed parameter, so its load stays in the loop.
import { pino } from "pino";
import { getArtifactLogger, getLogger, TorchLogs } from "../../src/index.ts";
import { atMost, formatNs, type MicroScenario, type Row } from "./harness.ts";

const MARGIN_NS = 2;

const direct = {
  empty: "bare empty function call",
  pino: 'pino({ level: "warn" }).debug("x %s", obj)',
  component: 'getLogger("torch._dynamo.guards").debug("x %s", obj)',
  artifact: 'getArtifactLogger("torch._inductor.graph", "output_code").debug("x %s", obj)',
};
const param = {
  empty: `${direct.empty}, function as computed parameter`,
  pino: `${direct.pino}, logger as computed parameter`,
  component: `${direct.component}, logger as computed parameter`,
  artifact: `${direct.artifact}, logger as computed parameter`,
};

function empty(_message: string, ..._args: unknown[]): void {
  // A bare call: the floor any disabled log call sits on.
}

export const scenario: MicroScenario = {
  kind: "micro",
  id: "1",
  title: 'Facade call, disabled (`log.debug("x %s", obj)`), TORCH_LOGS unset',

  setup() {
    const obj = { step: 1, shape: [8, 16] };
    // pino at warn, writing to a no-op destination: debug is pino's own no-op method.
    const pinoLogger = pino({ level: "warn" }, { write: (_line: string) => undefined });
    const torchLogs = new TorchLogs({ env: {} });
    // dynamo is at WARNING by default: DEBUG is off. output_code is an off-by-default artifact.
    const component = getLogger("torch._dynamo.guards", { torchLogs });
    const artifact = getArtifactLogger("torch._inductor.graph", "output_code", { torchLogs });
    if (component.isEnabledFor(10) || artifact.isEnabledFor(10) || pinoLogger.isLevelEnabled("debug")) {
      throw new Error("scenario 1: the calls under test must be disabled");
    }

    // One function literal per case: closures of one literal share V8's type feedback.
    function* emptyViaParameter() {
      yield { 0: () => empty, bench: (f: typeof empty) => f("x %s", obj) };
    }
    function* pinoViaParameter() {
      yield { 0: () => pinoLogger, bench: (l: typeof pinoLogger) => l.debug("x %s", obj) };
    }
    function* componentViaParameter() {
      yield { 0: () => component, bench: (l: typeof component) => l.debug("x %s", obj) };
    }
    function* artifactViaParameter() {
      yield { 0: () => artifact, bench: (l: typeof artifact) => l.debug("x %s", obj) };
    }
    return {
      cases: [
        { name: direct.empty, fn: () => empty("x %s", obj) },
        { name: direct.pino, fn: () => pinoLogger.debug("x %s", obj) },
        { name: direct.component, fn: () => component.debug("x %s", obj) },
        { name: direct.artifact, fn: () => artifact.debug("x %s", obj) },
        { name: param.empty, fn: emptyViaParameter },
        { name: param.pino, fn: pinoViaParameter },
        { name: param.component, fn: componentViaParameter },
        { name: param.artifact, fn: artifactViaParameter },
      ],
    };
  },

  report(results) {
    const base = (label: string, name: string): Row => ({
      label,
      case: name,
      ns: results.spread(name),
      verdict: "baseline",
    });
    const row = (label: string, name: string, pinoLabel: string, pinoName: string): Row => {
      const ns = results.spread(name);
      const delta = results.difference(name, pinoName);
      return {
        label,
        case: name,
        ns,
        baseline: pinoLabel,
        ratio: results.ratio(name, pinoName),
        target: `≤ ${pinoLabel} + ${MARGIN_NS} ns`,
        verdict: atMost(delta, MARGIN_NS),
        detail: `${delta >= 0 ? "+" : "−"}${formatNs(Math.abs(delta))} ns vs pino`,
      };
    };
    return {
      rows: [
        base("1a", direct.empty),
        base("1b", direct.pino),
        row("1c", direct.component, "1b", direct.pino),
        row("1d", direct.artifact, "1b", direct.pino),
        base("1e", param.empty),
        base("1f", param.pino),
        row("1g", param.component, "1f", param.pino),
        row("1h", param.artifact, "1f", param.pino),
      ],
      notes: [
        "Scenario 1: sub-nanosecond figures mean V8 inlined the no-op call to (nearly) nothing (mitata flags dead code); 1e–1h keep the logger load in the loop.",
      ],
    };
  },
};
