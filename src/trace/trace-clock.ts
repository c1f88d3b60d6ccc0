// Turns a trace line's prefix time (`MMDD HH:MM:SS.uuuuuu`, the producer's local time, no year, no zone)
// into an instant. Chromium events carry epoch microseconds (`ts`), and the envelope that carries one is
// written right after that instant, so the first chromium event of a file tells its year and UTC offset
// (torch-trace-format.md §2.2: `simple.log` prefix 15:18:15.925 vs ts 23:18:15.925 UTC ⇒ UTC−8).
import type { PytorchLogTime } from "../pytorch-line/pytorch-log-line.ts";
import { type HrTime, resolveLogTime } from "../pytorch-line/resolve-log-time.ts";

export interface TraceClockFallback {
  /** The producer's UTC offset, minutes or by instant (a zone), for files without chromium events. */
  readonly utcOffsetMinutes: number | ((epochMs: number) => number);
  /** The year for files without chromium events. Default: the latest not ahead of `reference`. */
  readonly year?: number;
  /** When the file was read, epoch ms. */
  readonly reference: number;
}

const HOUR_MS = 3_600_000;
const QUARTER_HOUR_MINUTES = 15;

/** The year and offset of one file, learnt from its chromium events; the fallback until then. */
export class TraceClock {
  #offsetMinutes: number | undefined;
  #latestMs = 0;

  /** Whether a chromium event has fixed the offset. */
  get inferred(): boolean {
    return this.#offsetMinutes !== undefined;
  }

  /** The inferred UTC offset in minutes, once known. */
  get utcOffsetMinutes(): number | undefined {
    return this.#offsetMinutes;
  }

  /** Learns from an envelope time and the epoch-µs `ts` of the chromium event it carried. */
  observe(time: PytorchLogTime, tsMicros: number): void {
    if (!Number.isFinite(tsMicros)) return;
    const tsMs = tsMicros / 1000;
    if (tsMs > this.#latestMs) this.#latestMs = tsMs;
    if (this.#offsetMinutes !== undefined) return;
    const utcYear = new Date(tsMs).getUTCFullYear();
    for (const year of [utcYear, utcYear - 1, utcYear + 1]) {
      const local = Date.UTC(year, time.month - 1, time.day, time.hour, time.minute, time.second);
      const diff = local + time.microsecond / 1000 - tsMs;
      // Zones run from −12:00 to +14:00; a few seconds of logging delay do not move a quarter hour.
      if (Math.abs(diff) <= 15 * HOUR_MS) {
        this.#offsetMinutes = Math.round(diff / 60_000 / QUARTER_HOUR_MINUTES) * QUARTER_HOUR_MINUTES || 0;
        return;
      }
    }
  }

  /** The instant of a prefix time; `undefined` for a date no year makes valid. */
  resolve(time: PytorchLogTime, fallback: TraceClockFallback): HrTime | undefined {
    if (this.#offsetMinutes !== undefined) {
      return resolveLogTime(time, { reference: this.#latestMs, utcOffsetMinutes: this.#offsetMinutes });
    }
    const dated = fallback.year === undefined ? time : { ...time, year: fallback.year };
    return resolveLogTime(dated, fallback);
  }
}
