import type { Dispatcher } from 'undici';
import type { CancelSignal } from './cancel.js';
import { canonicalKey } from './headers.js';
import type { HeaderMap } from './types.js';

/**
 * One backend exchange read whole by a raw undici dispatch handler (the legacy callbacks, as the
 * no-op path uses): no `BodyReadable`, no async iterator, no `AbortController` of its own. The
 * caller's signal gets one listener (this object, no closure) for the life of the exchange.
 */
export interface Collected {
  statusCode: number;
  /** Canonical names, as `toHeaderMap` gives them; built on first read. */
  readonly headers: HeaderMap;
  /** The first value of one header, found without building {@link headers}. */
  header(lowerName: string): string | undefined;
  chunks: Buffer[];
  size: number;
  /** The body passed the cap: the rest was dropped and the connection closed. */
  tooLarge: boolean;
  /** The exchange failed after the headers (what a body read would have thrown). */
  failure: Error | undefined;
}

/**
 * The answer as undici handed it over. Most callers never look at a JSON backend's headers (the
 * pipe keeps only status and body), so the map is built on first read: building it for every
 * call was ~1.5 KB and a dozen megamorphic stores per backend call.
 */
class CollectedAnswer implements Collected {
  chunks: Buffer[] = [];
  size = 0;
  tooLarge = false;
  failure: Error | undefined = undefined;
  private map: HeaderMap | undefined = undefined;

  constructor(
    readonly statusCode: number,
    private readonly raw: Buffer[],
  ) {}

  get headers(): HeaderMap {
    if (this.map !== undefined) return this.map;
    const headers = Object.create(null) as HeaderMap;
    const raw = this.raw;
    for (let i = 0; i < raw.length; i += 2) {
      const key = canonicalKey(raw[i]!.toString('latin1').toLowerCase());
      (headers[key] ??= []).push(raw[i + 1]!.toString('latin1'));
    }
    return (this.map = headers);
  }

  header(lowerName: string): string | undefined {
    if (this.map !== undefined) return this.map[canonicalKey(lowerName)]?.[0];
    const raw = this.raw;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      if (name.length === lowerName.length && name.toString('latin1').toLowerCase() === lowerName) {
        return raw[i + 1]!.toString('latin1');
      }
    }
    return undefined;
  }
}

class CollectHandler implements Dispatcher.DispatchHandler {
  private abortFn: ((err?: Error) => void) | undefined;
  private result: Collected | undefined;
  private settled = false;

  constructor(
    private readonly signal: CancelSignal,
    private readonly limit: number,
    private readonly resolve: (c: Collected) => void,
    private readonly reject: (err: unknown) => void,
  ) {
    signal.addEventListener('abort', this);
  }

  /** The caller's signal: a queued call (no socket yet) answers at once, as `raceSignal` did. */
  handleEvent(): void {
    const reason = this.signal.reason as Error;
    this.settle(undefined, reason);
    this.abortFn?.(reason);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortFn = abort;
    if (this.signal.aborted) abort(this.signal.reason as Error);
  }

  onHeaders(statusCode: number, raw: Buffer[], _resume: () => void): boolean {
    if (statusCode < 200) return true;
    this.result = new CollectedAnswer(statusCode, raw);
    return true;
  }

  onData(chunk: Buffer): boolean {
    const r = this.result!;
    if (r.tooLarge) return true;
    r.size += chunk.length;
    if (r.size > this.limit) {
      r.tooLarge = true;
      r.chunks = [];
      this.abortFn?.();
      return true;
    }
    r.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.settle(this.result);
  }

  onError(err: Error): void {
    const r = this.result;
    if (r !== undefined && !r.tooLarge) r.failure = err;
    this.settle(r, r === undefined ? err : undefined);
  }

  private settle(result: Collected | undefined, err?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.signal.removeEventListener('abort', this);
    if (err !== undefined || result === undefined) this.reject(err);
    else this.resolve(result);
  }
}

/** Dispatches one request and collects its answer, body capped at `limit` bytes. */
export function collect(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal: CancelSignal,
  limit: number,
): Promise<Collected> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<Collected>((resolve, reject) => {
    const handler = new CollectHandler(signal, limit, resolve, reject);
    try {
      dispatcher.dispatch(options, handler);
    } catch (err) {
      handler.onError(err as Error);
    }
  });
}
