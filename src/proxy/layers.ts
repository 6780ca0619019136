import { filterQuery, encodeQuery } from './query.js';
import type { HostPicker } from './hosts.js';
import type { UrlTemplate } from './url-pattern.js';
import type { HeaderMap, Middleware, Proxy, QueryMap } from './types.js';

/**
 * The small per-backend layers of lura's stack (`proxy/factory.go` `newStack`), each built only
 * when the config asks for it. Each returns a new request object: parallel branches never share
 * a mutated one.
 */

/** Backend `input_query_strings`: a second filter over the endpoint's (behaviour §2.5). */
export function queryFilter(keys: readonly string[]): Middleware {
  return (next: Proxy) =>
    function filterBackendQuery(ctx, req) {
      const query: QueryMap = filterQuery(req.query, keys, false);
      return next(ctx, { ...req, query });
    };
}

/** `url_pattern` substitution and the backend method (lura `newRequestBuilderMiddleware`). */
export function requestBuilder(template: UrlTemplate, method: string): Middleware {
  return (next: Proxy) =>
    function buildBackendRequest(ctx, req) {
      return next(ctx, { ...req, path: template.render(req), method });
    };
}

/** Host choice and query appending (lura `newLoadBalancedMiddleware`, behaviour §2.4). */
export function loadBalancer(pick: HostPicker): Middleware {
  return (next: Proxy) =>
    function balance(ctx, req) {
      const host = pick(req.params);
      let url = host.base + req.path;
      const encoded = encodeQuery(req.query);
      if (encoded !== '') {
        const q = url.indexOf('?');
        url += q !== -1 && q < url.length - 1 ? `&${encoded}` : q === -1 ? `?${encoded}` : encoded;
      }
      return next(ctx, { ...req, url });
    };
}

/** Backend `input_headers`: only the listed names, even the gateway's own (behaviour §2.5). */
export function headerFilter(names: readonly string[]): Middleware {
  return (next: Proxy) =>
    function filterBackendHeaders(ctx, req) {
      const headers = Object.create(null) as HeaderMap;
      for (const name of names) {
        const v = req.headers[name];
        if (v !== undefined) headers[name] = v;
      }
      return next(ctx, { ...req, headers });
    };
}

/** Applies layers outermost first: `chain(p, a, b)` is `a(b(p))`. */
export function chain(inner: Proxy, ...layers: (Middleware | undefined)[]): Proxy {
  let p = inner;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (layer) p = layer(p);
  }
  return p;
}
