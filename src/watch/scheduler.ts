/** Timing of {@link BurstScheduler}; every value in milliseconds. */
export interface BurstTiming {
  /** Delay before the first flush after a quiet spell: gathers an atomic save's event pair. */
  settleMs: number;
  /** An event this soon after the previous one starts a burst (a save storm). */
  burstGapMs: number;
  /** Within a burst, flush once nothing happened for twice the widest gap seen, at least this… */
  stormMs: number;
  /** …and at most this. */
  maxStormMs: number;
  /** A burst that never pauses still flushes this often. */
  maxWaitMs: number;
}

export const DEFAULT_TIMING: BurstTiming = Object.freeze({
  settleMs: 5,
  // chokidar passes at most one `change` per file per 50 ms, so a storm's events arrive 50–100 ms
  // apart, and several times that on a busy machine, which the trailing delay follows.
  burstGapMs: 150,
  stormMs: 150,
  maxStormMs: 600,
  maxWaitMs: 5000,
});

/**
 * Leading edge plus trailing edge: the first event after a quiet spell flushes almost at once
 * (save-to-served latency, DECISIONS 19: no fixed settle delay), while a burst of events (50
 * writes in a second) collapses into one more flush after it ends, so a storm costs at most
 * two reloads and the last one reads the last content.
 */
export class BurstScheduler {
  #timer: NodeJS.Timeout | undefined;
  /** What the pending timer is for: the leading flush, a storm's trailing one, or a recheck. */
  #mode: 'idle' | 'leading' | 'storm' | 'recheck' = 'idle';
  #lastEvent = -Infinity;
  #burstStart = 0;
  #widestGap = 0;
  #closed = false;

  constructor(
    private readonly timing: BurstTiming,
    private readonly flush: () => void,
  ) {}

  /** A file event: starts or extends a burst. */
  event(): void {
    if (this.#closed) return;
    const now = performance.now();
    const gap = now - this.#lastEvent;
    this.#lastEvent = now;
    if (this.#mode === 'leading') return;
    if (this.#mode !== 'storm' && gap >= this.timing.burstGapMs) {
      return this.#arm(this.timing.settleMs, 'leading');
    }
    if (this.#mode !== 'storm') this.#burstStart = now;
    this.#widestGap = Math.max(this.#widestGap, Math.min(gap, this.timing.maxStormMs));
    const { stormMs, maxStormMs, maxWaitMs } = this.timing;
    const quiet = Math.min(maxStormMs, Math.max(stormMs, 2 * this.#widestGap));
    this.#arm(Math.max(0, Math.min(quiet, this.#burstStart + maxWaitMs - now)), 'storm');
  }

  /**
   * A second look (not a new event): flush soon, unless a flush is already due. Right after an
   * event it waits as long as a storm would, so a recheck never splits a storm in two.
   */
  poke(): void {
    if (this.#closed || this.#mode !== 'idle') return;
    const recent = performance.now() - this.#lastEvent < this.timing.burstGapMs;
    this.#arm(recent ? this.timing.stormMs : this.timing.settleMs, 'recheck');
  }

  /** A flush is scheduled. */
  get pending(): boolean {
    return this.#timer !== undefined;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number, mode: 'leading' | 'storm' | 'recheck'): void {
    clearTimeout(this.#timer);
    this.#mode = mode;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#mode = 'idle';
      this.#widestGap = 0;
      this.flush();
    }, ms);
  }
}
