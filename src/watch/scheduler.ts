/** Timing of {@link BurstScheduler}; every value in milliseconds. */
export interface BurstTiming {
  /** Delay before the first flush after a quiet spell: gathers an atomic save's event pair. */
  settleMs: number;
  /** An event this soon after the previous one belongs to a burst (a save storm). */
  burstGapMs: number;
  /** Within a burst, flush once nothing happened for this long (trailing edge). */
  stormMs: number;
  /** A burst that never pauses still flushes this often. */
  maxWaitMs: number;
}

export const DEFAULT_TIMING: BurstTiming = Object.freeze({
  settleMs: 5,
  // chokidar passes at most one `change` per file per 50 ms, so a storm's events arrive 50–90 ms
  // apart: both values need a margin over that or a storm flushes at every event.
  burstGapMs: 120,
  stormMs: 120,
  maxWaitMs: 2000,
});

/**
 * Leading edge plus trailing edge: the first event after a quiet spell flushes almost at once
 * (save-to-served latency, DECISIONS 19: no fixed settle delay), while a burst of events (50
 * writes in a second) collapses into one more flush after it ends, so a storm costs at most
 * two reloads and the last one reads the last content.
 */
export class BurstScheduler {
  #timer: NodeJS.Timeout | undefined;
  #trailing = false;
  #lastEvent = -Infinity;
  #burstStart = 0;
  #closed = false;

  constructor(
    private readonly timing: BurstTiming,
    private readonly flush: () => void,
  ) {}

  /** A file event: starts or extends a burst. */
  event(): void {
    if (this.#closed) return;
    const now = performance.now();
    const inBurst = now - this.#lastEvent < this.timing.burstGapMs;
    this.#lastEvent = now;
    if (this.#timer && !this.#trailing) return;
    if (!this.#timer) this.#burstStart = now;
    if (!inBurst && !this.#timer) return this.#arm(this.timing.settleMs, false);
    const cap = this.#burstStart + this.timing.maxWaitMs - now;
    this.#arm(Math.max(0, Math.min(this.timing.stormMs, cap)), true);
  }

  /** A second look (not a new event): flush soon unless a flush is already due. */
  poke(): void {
    if (this.#closed || this.#timer) return;
    this.#burstStart = performance.now();
    this.#arm(this.timing.settleMs, false);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number, trailing: boolean): void {
    clearTimeout(this.#timer);
    this.#trailing = trailing;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, ms);
  }
}
