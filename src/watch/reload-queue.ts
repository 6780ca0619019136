/**
 * Resolves `true` as soon as a newer request arrives, else `false` once `ms` has passed and
 * `quiet` (when given) has settled.
 */
export type NewerWithin = (ms: number, quiet?: Promise<unknown>) => Promise<boolean>;

export interface ReloadQueue<T> {
  /**
   * Asks for a run with these changed paths. Runs never overlap; requests made while one is
   * waiting to start join it (their paths merged) and share its result.
   */
  request(changed: readonly string[]): Promise<T>;
  /** Settles once nothing is running or waiting. */
  idle(): Promise<void>;
}

/**
 * One reload at a time, bursts folded into the next one. A run may ask whether a newer request
 * came in (`newerWithin`): a build that failed on a half-written save can then stay quiet and let
 * the newer one report (DECISIONS 19: retry briefly before reporting).
 */
export function createReloadQueue<T>(
  run: (changed: string[], newerWithin: NewerWithin) => Promise<T>,
  after: Promise<unknown> = Promise.resolve(),
): ReloadQueue<T> {
  let tail: Promise<unknown> = after.catch(() => undefined);
  interface Waiting {
    changed: Set<string>;
    result: Promise<T>;
  }
  let waiting: Waiting | undefined;
  let requests = 0;
  let wake: (() => void) | undefined;

  function newerAfter(seen: number): NewerWithin {
    return (ms, quiet) =>
      new Promise<boolean>((resolve) => {
        if (requests > seen) return resolve(true);
        let done = false;
        const finish = (newer: boolean) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          wake = undefined;
          resolve(newer);
        };
        const timer = setTimeout(() => {
          if (quiet) void quiet.then(() => finish(false));
          else finish(false);
        }, ms);
        wake = () => finish(true);
      });
  }

  return {
    request(changed) {
      requests++;
      wake?.();
      if (waiting) {
        for (const p of changed) waiting.changed.add(p);
        return waiting.result;
      }
      const entry = { changed: new Set(changed) } as Waiting;
      entry.result = tail.then(() => {
        if (waiting === entry) waiting = undefined;
        return run([...entry.changed], newerAfter(requests));
      });
      waiting = entry;
      tail = entry.result.catch(() => undefined);
      return entry.result;
    },
    async idle() {
      let seen: Promise<unknown>;
      do {
        seen = tail;
        await seen;
      } while (seen !== tail);
    },
  };
}
