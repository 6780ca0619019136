/** A signal that aborts with its parent or after `ms` with `reason()`, whichever comes first. */
export interface ChildSignal {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function childSignal(parent: AbortSignal, ms: number, reason: () => Error): ChildSignal {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, dispose() {} };
  }
  const onParent = (): void => controller.abort(parent.reason);
  parent.addEventListener('abort', onParent, { once: true });
  const timer = ms > 0 ? setTimeout(() => controller.abort(reason()), ms) : undefined;
  if (ms <= 0) controller.abort(reason());
  return {
    signal: controller.signal,
    dispose() {
      if (timer) clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
}

/** Rejects with the signal's reason once it aborts; resolves with `p` otherwise. */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
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
