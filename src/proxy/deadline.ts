import { Cancel, type CancelSignal } from './cancel.js';

/** A signal that aborts with its parent or after `ms` with `reason()`, whichever comes first. */
export interface ChildSignal {
  readonly signal: CancelSignal;
  dispose(): void;
}

const DONE: ChildSignal['dispose'] = () => {};

/** The parent's listener and the timer of one child: no closures per request. */
class Link implements ChildSignal {
  readonly signal = new Cancel();
  timer: NodeJS.Timeout | undefined = undefined;

  constructor(
    private readonly parent: CancelSignal,
    private readonly reason: () => Error,
  ) {}

  /** The parent aborted. */
  handleEvent(): void {
    this.signal.abort(this.parent.reason);
  }

  expire(): void {
    this.timer = undefined;
    this.signal.abort(this.reason());
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.parent.removeEventListener('abort', this);
  }
}

function expire(link: Link): void {
  link.expire();
}

export function childSignal(parent: CancelSignal, ms: number, reason: () => Error): ChildSignal {
  if (parent.aborted || ms <= 0) {
    const signal = new Cancel();
    signal.abort(parent.aborted ? parent.reason : reason());
    return { signal, dispose: DONE };
  }
  const link = new Link(parent, reason);
  parent.addEventListener('abort', link);
  link.timer = setTimeout(expire, ms, link);
  return link;
}

/** Rejects with the signal's reason once it aborts; resolves with `p` otherwise. */
export function raceSignal<T>(p: Promise<T>, signal: CancelSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
