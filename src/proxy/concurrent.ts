import { bufferBody } from './body.js';
import { childSignal } from './deadline.js';
import { deadlineExceeded, nullResult, toError } from './errors.js';
import { copyParams } from './request.js';
import { dropStream } from './response.js';
import type { Middleware, Proxy, ProxyResponse } from './types.js';

/**
 * `concurrent_calls: N > 1` (lura `proxy/concurrent.go`, behaviour §3.9): N identical calls under
 * 75 % of the endpoint timeout; the first complete response wins. The others run to their end,
 * and a streamed (`no-op`) answer among them is dropped, closing its backend connection.
 */
export function concurrentCalls(calls: number, timeoutMs: number): Middleware {
  const budget = Math.floor((timeoutMs * 75) / 100);
  return (next: Proxy) =>
    async function concurrent(ctx, req) {
      const body = await bufferBody(req.body);
      const local = childSignal(ctx.signal, budget, deadlineExceeded);
      const branch = { signal: local.signal, calls: ctx.calls };
      try {
        return await new Promise<ProxyResponse | null>((resolve, reject) => {
          let pending = calls;
          let done = false;
          let last: ProxyResponse | null = null;
          let lastErr: Error | undefined;
          const settle = (): void => {
            if (--pending > 0) return;
            done = true;
            if (last) resolve(last);
            else reject(lastErr ?? nullResult());
          };
          for (let i = 0; i < calls; i++) {
            next(branch, { ...req, body, params: copyParams(req.params) }).then(
              (r) => {
                // A losing `no-op` answer still holds its backend connection: dropped.
                if (done) return dropStream(r?.io);
                if (r && r.isComplete) {
                  done = true;
                  dropStream(last?.io);
                  resolve(r);
                  return;
                }
                if (r) {
                  dropStream(last?.io);
                  last = r;
                } else {
                  lastErr = nullResult();
                }
                settle();
              },
              (e) => {
                lastErr = toError(e);
                settle();
              },
            );
          }
        });
      } finally {
        local.dispose();
      }
    };
}
