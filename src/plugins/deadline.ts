/**
 * Awaits a plugin's promise for at most `ms`; a plugin that never settles must not hold up a
 * load or a chain build forever. The timer is always cleared; it stays ref'd so that a stuck
 * plugin cannot make a process with nothing else to do exit with the load still pending.
 */
export function withDeadline<T>(value: T | Promise<T>, ms: number, what: string): Promise<T> {
  if (!(value instanceof Promise) && !isThenable(value)) return Promise.resolve(value);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([Promise.resolve(value), deadline]).finally(() => clearTimeout(timer));
}

/** What `await` and `Promise.resolve` adopt: an object or a function with a `then` method. */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}
