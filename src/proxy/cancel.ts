/**
 * The pipe's cancellation: what the stages read of an `AbortSignal` (`aborted`, `reason`, abort
 * listeners) without its cost. In Node 20 an `AbortController` whose `signal` is read costs
 * several µs (an `EventTarget` built per request), and each listener add/remove goes through
 * `EventTarget`'s machinery; a request made one for the endpoint, one per merge, and a listener
 * per backend call. A real `AbortSignal` is still made, lazily, for APIs that check the type
 * (fetch's `Request` in client plugins): {@link toAbortSignal}.
 *
 * Listeners run once, in the order added, when the signal aborts (as `{ once: true }` would);
 * one added after that never runs, as with `EventTarget`.
 */
export type CancelListener = (() => void) | { handleEvent(): void };

/** The part of `AbortSignal` the pipe uses; a real `AbortSignal` is one too. */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: CancelListener, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: CancelListener): void;
}

export class Cancel implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: CancelListener[] | undefined = undefined;
  private real: AbortController | undefined = undefined;

  addEventListener(_type: 'abort', listener: CancelListener): void {
    if (this.aborted) return;
    const list = (this.listeners ??= []);
    if (!list.includes(listener)) list.push(listener);
  }

  removeEventListener(_type: 'abort', listener: CancelListener): void {
    const list = this.listeners;
    if (list === undefined) return;
    const i = list.indexOf(listener);
    if (i !== -1) list.splice(i, 1);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const list = this.listeners;
    this.listeners = undefined;
    if (list !== undefined) {
      for (const listener of list) {
        try {
          if (typeof listener === 'function') listener();
          else listener.handleEvent();
        } catch (err) {
          // As EventTarget does: a throwing listener is reported, the others still run.
          process.nextTick(() => {
            throw err;
          });
        }
      }
    }
    this.real?.abort(reason);
  }

  /** A real `AbortSignal` that aborts with this one (made on first use). */
  toAbortSignal(): AbortSignal {
    if (this.real === undefined) {
      this.real = new AbortController();
      if (this.aborted) this.real.abort(this.reason);
    }
    return this.real.signal;
  }
}

/** A real `AbortSignal` for `signal`, for APIs that check the type. */
export function toAbortSignal(signal: CancelSignal): AbortSignal {
  if (signal instanceof AbortSignal) return signal;
  if (signal instanceof Cancel) return signal.toAbortSignal();
  const controller = new AbortController();
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', () => controller.abort(signal.reason));
  return controller.signal;
}
