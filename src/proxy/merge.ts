import { bufferBody } from './body.js';
import { isMap, setKey, type DataMap } from './data.js';
import { childSignal } from './deadline.js';
import { deadlineExceeded, MultiError, nullResult, toError } from './errors.js';
import { copyParams } from './request.js';
import { NO_HEADERS, type Proxy, type ProxyRequest, type ProxyResponse } from './types.js';

/**
 * Several backends in parallel (lura `proxy/merging.go`, behaviour §3.4) under 85 % of the
 * endpoint timeout. A shallow merge; on a key clash the later backend in config order wins
 * (DECISIONS.md 15). Complete only when every backend answered complete and on time; no success
 * at all is an error.
 */
export interface Part {
  response?: ProxyResponse | null;
  error?: Error;
}

/** Every backend gets its own copy: a buffered body and its own params. */
export async function cloneFor(req: ProxyRequest): Promise<ProxyRequest> {
  const body = await bufferBody(req.body);
  return { ...req, body, params: copyParams(req.params) };
}

export class MergeAccumulator {
  private data: DataMap | null | undefined = undefined;
  private complete = true;
  private readonly errors: Error[] = [];
  private readonly streams: NonNullable<ProxyResponse['io']>[] = [];

  constructor(private pending: number) {}

  add(part: Part): void {
    this.pending--;
    if (part.response?.io) this.streams.push(part.response.io);
    if (part.error || !part.response) {
      this.errors.push(part.error ?? nullResult());
      this.complete = false;
      return;
    }
    const r = part.response;
    if (r.error) this.errors.push(r.error);
    if (!isMap(r.data)) {
      this.complete = false;
      if (this.data === undefined) this.data = null;
      return;
    }
    this.complete &&= r.isComplete;
    if (!isMap(this.data)) this.data = {};
    // Key by key, not Object.assign: the builtin's fast path only copies into an empty literal,
    // and into a filled object it took ~5-10 µs per merge in the bench's profile. setKey keeps an
    // own `__proto__` key (JSON.parse makes them) as data.
    const target = this.data;
    const source = r.data;
    for (const k of Object.keys(source)) setKey(target, k, source[k]);
  }

  result(): ProxyResponse {
    for (const s of this.streams) s.destroy();
    const error = this.errors.length > 0 ? new MultiError(this.errors) : undefined;
    if (this.data === undefined) throw error ?? nullResult();
    return {
      data: this.data,
      isComplete: this.complete && this.pending === 0 && this.errors.length === 0,
      metadata: { statusCode: 0, headers: NO_HEADERS },
      error,
    };
  }
}

export function parallelMerge(stages: readonly Proxy[], timeoutMs: number): Proxy {
  const budget = Math.floor((timeoutMs * 85) / 100);
  return async function mergeParallel(ctx, req) {
    // Stages get their own copies below; only a streamed body needs reading first.
    const base = req.body === null || Buffer.isBuffer(req.body) ? req : await cloneFor(req);
    const local = childSignal(ctx.signal, budget, deadlineExceeded);
    const branchCtx = { signal: local.signal, calls: ctx.calls };
    try {
      const parts = await Promise.all(
        stages.map(async (stage): Promise<Part> => {
          try {
            const response = await stage(branchCtx, { ...base, params: copyParams(base.params) });
            if (local.signal.aborted) {
              response?.io?.destroy();
              return { error: toError(local.signal.reason) };
            }
            return { response };
          } catch (err) {
            return { error: toError(err) };
          }
        }),
      );
      const acc = new MergeAccumulator(parts.length);
      for (const p of parts) acc.add(p);
      return acc.result();
    } finally {
      local.dispose();
    }
  };
}
