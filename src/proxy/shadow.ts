import type { Logger } from 'pino';
import { cloneFor } from './merge.js';
import { copyParams } from './request.js';
import { dropStream } from './response.js';
import type { Middleware, Proxy } from './types.js';

/**
 * Shadow backends (`proxy.shadow: true`, behaviour §3.9): each gets a copy of the request, its
 * own deadline, and its answer is dropped. They never delay or change the client's response.
 */
export function shadowLayer(
  shadows: readonly Proxy[],
  timeoutMs: number,
  logger: Logger,
  prefix: string,
): Middleware {
  return (next: Proxy) =>
    async function withShadows(ctx, req) {
      const copy = await cloneFor(req);
      for (const shadow of shadows) {
        const signal = AbortSignal.timeout(Math.max(1, timeoutMs));
        shadow({ signal }, { ...copy, params: copyParams(copy.params) }).then(
          (r) => dropStream(r?.io),
          (err: Error) => logger.debug(`${prefix}[Shadow] ${err.message}`),
        );
      }
      return next(ctx, copy);
    };
}
