import { bufferBody } from './body.js';
import { isMap, setKey, type DataMap } from './data.js';
import { childSignal } from './deadline.js';
import { deadlineExceeded, MultiError, nullResult, toError } from './errors.js';
import { copyParams } from './request.js';
import { dropStream } from './response.js';
import {
  NO_HEADERS,
  type Proxy,
  type ProxyContext,
  type ProxyRequest,
  type ProxyResponse,
} from './types.js';

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
    for (const s of this.streams) dropStream(s);
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

/**
 * The stages run at once; their answers are added in config order once all have settled. One
 * promise and a counter instead of `Promise.all` over an `async` function per branch: that was
 * ~1 KB per merged request (docs/performance.md).
 */
export function parallelMerge(stages: readonly Proxy[], timeoutMs: number): Proxy {
  const budget = Math.floor((timeoutMs * 85) / 100);

  function run(ctx: ProxyContext, base: ProxyRequest): Promise<ProxyResponse> {
    const local = childSignal(ctx.signal, budget, deadlineExceeded);
    const branchCtx = { signal: local.signal, calls: ctx.calls };
    const parts: Part[] = new Array<Part>(stages.length);
    let pending = stages.length;
    return new Promise<ProxyResponse>((resolve, reject) => {
      const settle = (i: number, part: Part): void => {
        parts[i] = part;
        if (--pending > 0) return;
        local.dispose();
        const acc = new MergeAccumulator(parts.length);
        try {
          for (const p of parts) acc.add(p);
          resolve(acc.result());
        } catch (err) {
          reject(err);
        }
      };
      for (let i = 0; i < stages.length; i++) {
        let answer: Promise<ProxyResponse | null>;
        try {
          answer = stages[i]!(branchCtx, { ...base, params: copyParams(base.params) });
        } catch (err) {
          answer = Promise.reject(err);
        }
        answer.then(
          (response) => {
            if (!local.signal.aborted) return settle(i, { response });
            dropStream(response?.io);
            settle(i, { error: toError(local.signal.reason) });
          },
          (err: unknown) => settle(i, { error: toError(err) }),
        );
      }
    });
  }

  return function mergeParallel(ctx, req) {
    // Stages get their own copies below; only a streamed body needs reading first.
    if (req.body === null || Buffer.isBuffer(req.body)) return run(ctx, req);
    return cloneFor(req).then((base) => run(ctx, base));
  };
}
