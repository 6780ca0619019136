import type { FlatmapOp } from '../types.js';
import { createFlatmap } from './flatmap.js';
import type { Middleware, Proxy } from './types.js';

/**
 * Endpoint-level `flatmap_filter` (lura `NewFlatmapMiddleware`): after the merge, only with more
 * than one backend, and skipped when the merge reported an error.
 */
export function flatmapLayer(ops: readonly FlatmapOp[]): Middleware {
  const apply = createFlatmap(ops);
  return (next: Proxy) =>
    async function endpointFlatmap(ctx, req) {
      const r = await next(ctx, req);
      if (!r || r.error) return r;
      return { ...r, data: apply(r.data) };
    };
}
