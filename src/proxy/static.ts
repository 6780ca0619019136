import type { StaticProxyOptions } from '../types.js';
import { setKey } from './data.js';
import { toError } from './errors.js';
import { emptyHeaders, type Middleware, type Proxy, type ProxyResponse } from './types.js';

/**
 * `proxy.static` (lura `proxy/static.go`, behaviour §3.8): the outermost layer; copies `data`
 * over the response when the strategy matches, creating a response (incomplete) when there was
 * none. The error, if any, stays attached (it is logged; the client gets 200 with the data).
 */
type Match = (r: ProxyResponse | null, err: Error | undefined) => boolean;

const MATCHERS: Record<StaticProxyOptions['strategy'], Match> = {
  always: () => true,
  success: (_r, err) => err === undefined,
  errored: (_r, err) => err !== undefined,
  complete: (r, err) => err === undefined && r !== null && r.isComplete,
  incomplete: (r) => r === null || !r.isComplete,
};

export function staticMatcher(options: StaticProxyOptions): Match {
  return MATCHERS[options.strategy] ?? MATCHERS.always;
}

export function staticLayer(options: StaticProxyOptions): Middleware {
  const matches = staticMatcher(options);
  const entries = Object.entries(options.data);
  return (next: Proxy) =>
    async function addStatic(ctx, req) {
      let result: ProxyResponse | null = null;
      let err: Error | undefined;
      try {
        result = await next(ctx, req);
      } catch (e) {
        err = toError(e);
      }
      err ??= result?.error;
      if (!matches(result, err)) {
        if (result === null && err) throw err;
        return result;
      }
      const data = result?.data ? result.data : {};
      for (const [k, v] of entries) setKey(data, k, v);
      if (result === null) {
        return {
          data,
          isComplete: false,
          metadata: { statusCode: 0, headers: emptyHeaders() },
          error: err,
        };
      }
      return { ...result, data, error: err };
    };
}
