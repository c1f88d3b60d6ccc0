// A whole-line pattern, matched in time linear in the line whatever the pattern: the line is read once,
// left to right, carrying every way the pattern can have matched so far (a Thompson NFA simulated as
// Pike's VM: at most one thread per pattern state, kept in priority order). A backtracking regular
// expression engine tries those ways one after another instead, and a pattern with two open-ended parts
// (a message, then a path) tried each split of a long line afresh: a custom TORCH_LOGS_FORMAT whose
// `%(message)s` is not last took 27 s on a 500 KB line.
//
// The result is the one a backtracking engine gives for the same pattern anchored at both ends (`^…$`):
// threads are kept in the order that engine would try them, and the first to reach the end wins, so a lazy
// part takes as little as it can and a greedy part as much. The patterns are small trees of character
// classes, literals, repetitions, alternatives and captures (see the builders below).

/** A pattern: build one with the functions below. */
export type LinePattern =
  | { readonly kind: "class"; readonly test: (code: number) => boolean }
  | { readonly kind: "sequence"; readonly items: readonly LinePattern[] }
  | { readonly kind: "either"; readonly options: readonly LinePattern[] }
  | { readonly kind: "repeat"; readonly item: LinePattern; readonly min: number; readonly lazy: boolean }
  | { readonly kind: "optional"; readonly item: LinePattern }
  | { readonly kind: "capture"; readonly item: LinePattern }
  | { readonly kind: "rest" };

/** One character for which `test(charCode)` holds. */
export function charClass(test: (code: number) => boolean): LinePattern {
  return { kind: "class", test };
}

/** The characters of `text`, in order. */
export function literal(text: string): LinePattern {
  return sequence(...Array.from(text, (char) => charClass((code) => code === char.charCodeAt(0))));
}

export function sequence(...items: readonly LinePattern[]): LinePattern {
  return { kind: "sequence", items };
}

/** The first option that lets the whole line match. */
export function either(...options: readonly LinePattern[]): LinePattern {
  return { kind: "either", options };
}

/** `item` `min` or more times: as many as can be (`*`, `+`), or with `lazy` as few (`*?`, `+?`). */
export function repeat(item: LinePattern, min: number, lazy = false): LinePattern {
  return { kind: "repeat", item, min, lazy };
}

/** `item` or nothing, `item` preferred (`?`). */
export function optional(item: LinePattern): LinePattern {
  return { kind: "optional", item };
}

/** Captures what `item` matched, numbered from 1 in the order captures start in the pattern. */
export function capture(item: LinePattern): LinePattern {
  return { kind: "capture", item };
}

/**
 * The rest of the line, whatever it is (`.*$` with the `s` flag): once reached, the line matches, so reading
 * stops there unless a way tried first is still open. It ends the pattern.
 */
export const REST: LinePattern = { kind: "rest" };

/** A compiled pattern: `match(line)` gives each capture's text (`undefined` when it took no part), or `null`. */
export interface CompiledLinePattern {
  readonly captures: number;
  match(line: string): (string | undefined)[] | null;
}

type Instruction =
  | { readonly op: "char"; readonly test: (code: number) => boolean }
  | { op: "split"; first: number; second: number }
  | { op: "jump"; to: number }
  | { readonly op: "save"; readonly slot: number }
  | { readonly op: "rest"; readonly slot: number }
  | { readonly op: "match" };

/**
 * The compiled program, flattened for the loop that runs it. Jumps, splits and saves are resolved at compile
 * time: from each instruction, `steps` lists where a thread can go without reading a character, in the order
 * a backtracking engine would try, each place once (an instruction that reads a character, `rest` or the
 * end), with the captures set on the way there.
 */
interface Machine {
  readonly size: number;
  readonly captures: number;
  /** CHAR, REST or MATCH for the instructions steps lead to. */
  readonly kind: Uint8Array;
  /** For a CHAR instruction `pc`: 1 at `pc * 128 + code` for each ASCII code it reads. */
  readonly ascii: Uint8Array;
  /** For a CHAR instruction: its test, for codes past ASCII. */
  readonly tests: readonly (((code: number) => boolean) | undefined)[];
  /** For a REST instruction: its capture's first slot, or -1. */
  readonly restSlot: Int32Array;
  /** Steps from `pc` are `stepPc[stepStart[pc]] … stepPc[stepStart[pc + 1] - 1]`. */
  readonly stepStart: Int32Array;
  readonly stepPc: Int32Array;
  readonly stepSaves: readonly (readonly number[])[];
  /**
   * Scratch space of `run`, reused from call to call (a call never runs inside another): the position at which
   * each instruction last received a thread, and two thread lists (instruction, capture slots).
   */
  readonly seen: Int32Array;
  readonly lists: readonly [Int32Array, (readonly number[])[], Int32Array, (readonly number[])[]];
}

const CHAR = 0;
const REST_OP = 1;
const MATCH = 2;
const NO_SAVES: readonly number[] = [];

/** Compiles a pattern that must match the whole line (as `^…$`). */
export function compileLinePattern(pattern: LinePattern): CompiledLinePattern {
  const program: Instruction[] = [];
  let captures = 0;
  const emit = (node: LinePattern): void => {
    switch (node.kind) {
      case "class":
        program.push({ op: "char", test: node.test });
        return;
      case "sequence":
        for (const item of node.items) emit(item);
        return;
      case "either": {
        const jumps: { op: "jump"; to: number }[] = [];
        node.options.forEach((option, index) => {
          if (index === node.options.length - 1) {
            emit(option);
            return;
          }
          const split: Instruction = { op: "split", first: program.length + 1, second: 0 };
          program.push(split);
          emit(option);
          const jump = { op: "jump" as const, to: 0 };
          program.push(jump);
          jumps.push(jump);
          split.second = program.length;
        });
        for (const jump of jumps) jump.to = program.length;
        return;
      }
      case "optional": {
        const split: Instruction = { op: "split", first: program.length + 1, second: 0 };
        program.push(split);
        emit(node.item);
        split.second = program.length;
        return;
      }
      case "repeat": {
        for (let i = 0; i < node.min; i++) emit(node.item);
        // Then a loop: try the item again (greedy) or leave (lazy) first.
        const loop = program.length;
        const split: Instruction = { op: "split", first: 0, second: 0 };
        program.push(split);
        emit(node.item);
        program.push({ op: "jump", to: loop });
        const body = loop + 1;
        const exit = program.length;
        split.first = node.lazy ? exit : body;
        split.second = node.lazy ? body : exit;
        return;
      }
      case "capture": {
        const slot = 2 * captures++;
        if (node.item.kind === "rest") {
          program.push({ op: "rest", slot });
          return;
        }
        program.push({ op: "save", slot });
        emit(node.item);
        program.push({ op: "save", slot: slot + 1 });
        return;
      }
      case "rest":
        program.push({ op: "rest", slot: -1 });
        return;
    }
  };
  emit(pattern);
  program.push({ op: "match" });
  const machine = link(program, captures);
  return { captures, match: (line) => run(machine, line) };
}

function link(program: readonly Instruction[], captures: number): Machine {
  const size = program.length;
  const kind = new Uint8Array(size);
  const ascii = new Uint8Array(size * 128);
  const tests: (((code: number) => boolean) | undefined)[] = [];
  const restSlot = new Int32Array(size).fill(-1);
  program.forEach((instruction, pc) => {
    if (instruction.op === "char") {
      for (let code = 0; code < 128; code++) if (instruction.test(code)) ascii[pc * 128 + code] = 1;
      tests[pc] = instruction.test;
    } else if (instruction.op === "rest") {
      kind[pc] = REST_OP;
      restSlot[pc] = instruction.slot;
    } else if (instruction.op === "match") {
      kind[pc] = MATCH;
    }
  });
  const stepStart = new Int32Array(size + 1);
  const stepPc: number[] = [];
  const stepSaves: (readonly number[])[] = [];
  for (let pc = 0; pc < size; pc++) {
    stepStart[pc] = stepPc.length;
    for (const step of stepsFrom(program, pc)) {
      stepPc.push(step.pc);
      stepSaves.push(step.saves.length === 0 ? NO_SAVES : step.saves);
    }
  }
  stepStart[size] = stepPc.length;
  return {
    size,
    captures,
    kind,
    ascii,
    tests,
    restSlot,
    stepStart,
    stepPc: Int32Array.from(stepPc),
    stepSaves,
    seen: new Int32Array(size),
    lists: [new Int32Array(size), new Array(size), new Int32Array(size), new Array(size)],
  };
}

function stepsFrom(
  program: readonly Instruction[],
  from: number,
): { pc: number; saves: readonly number[] }[] {
  const steps: { pc: number; saves: readonly number[] }[] = [];
  const visited = new Set<number>();
  const visit = (pc: number, saves: readonly number[]): void => {
    if (visited.has(pc)) return;
    visited.add(pc);
    const instruction = program[pc] as Instruction;
    switch (instruction.op) {
      case "jump":
        visit(instruction.to, saves);
        return;
      case "split":
        visit(instruction.first, saves);
        visit(instruction.second, saves);
        return;
      case "save":
        visit(pc + 1, [...saves, instruction.slot]);
        return;
      default:
        steps.push({ pc, saves });
    }
  };
  visit(from, []);
  return steps;
}

function run(machine: Machine, line: string): (string | undefined)[] | null {
  const { captures, kind, ascii, tests, restSlot, stepStart, stepPc, stepSaves, seen } = machine;
  const length = line.length;
  // One thread per instruction and position.
  seen.fill(-1);
  // The threads at the current position and at the next, in priority order: instruction and capture slots.
  let [pcs, slotsOf, nextPcs, nextSlotsOf] = machine.lists;
  // The best match found so far: a thread that reached `rest` (it matches whatever follows) or the end.
  let bestSlots: readonly number[] | undefined;
  let bestRestSlot = -1;
  let bestAt = 0;

  // Adds the threads a thread at `from` becomes before reading the character at `at` (`code`, -1 at the
  // end) to the next list; one that cannot read it is dropped here, before its captures are copied.
  let nextCount = 0;
  const add = (from: number, slots: readonly number[], at: number, code: number): void => {
    const end = stepStart[from + 1] as number;
    for (let k = stepStart[from] as number; k < end; k++) {
      const pc = stepPc[k] as number;
      if (seen[pc] === at) continue;
      seen[pc] = at;
      const op = kind[pc];
      if (op === CHAR) {
        if (code === -1) continue;
        if (code < 128 ? ascii[pc * 128 + code] === 0 : !(tests[pc] as (code: number) => boolean)(code))
          continue;
      } else if (op === MATCH && code !== -1) {
        continue;
      }
      const saves = stepSaves[k] as readonly number[];
      let copy = slots;
      if (saves.length > 0) {
        const changed = slots.slice();
        for (const slot of saves) changed[slot] = at;
        copy = changed;
      }
      nextPcs[nextCount] = pc;
      nextSlotsOf[nextCount] = copy;
      nextCount++;
    }
  };

  add(0, new Array<number>(2 * captures).fill(-1), 0, length > 0 ? line.charCodeAt(0) : -1);
  for (let at = 0; nextCount > 0; at++) {
    const swapPcs = pcs;
    pcs = nextPcs;
    nextPcs = swapPcs;
    const swapSlots = slotsOf;
    slotsOf = nextSlotsOf;
    nextSlotsOf = swapSlots;
    const count = nextCount;
    nextCount = 0;
    const code = at + 1 < length ? line.charCodeAt(at + 1) : -1;
    for (let i = 0; i < count; i++) {
      const pc = pcs[i] as number;
      const slots = slotsOf[i] as readonly number[];
      if (kind[pc] === CHAR) {
        add(pc + 1, slots, at + 1, code);
        continue;
      }
      // `rest`, or the end of the pattern at the end of the line: every thread after this one would be tried
      // later, so none of them can win any more.
      bestSlots = slots;
      bestRestSlot = restSlot[pc] as number;
      bestAt = at;
      break;
    }
  }
  if (bestSlots === undefined) return null;
  const slots = bestSlots.slice();
  if (bestRestSlot !== -1) {
    slots[bestRestSlot] = bestAt;
    slots[bestRestSlot + 1] = length;
  }
  const texts: (string | undefined)[] = [];
  for (let i = 0; i < captures; i++) {
    const start = slots[2 * i] as number;
    const end = slots[2 * i + 1] as number;
    texts.push(start === -1 || end === -1 ? undefined : line.slice(start, end));
  }
  return texts;
}
