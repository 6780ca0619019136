import type { IncomingMessage } from 'node:http';
import type { ResolvedConfig, ResolvedEndpoint } from '../types.js';
import { requestBody } from './body.js';
import { createClientIp } from './client-ip.js';
import { canonicalKey, connectionListed, NEVER_FORWARDED } from './headers.js';
import { filterQuery, parseQuery } from './query.js';
import { paramKey } from './url-pattern.js';
import type { HeaderMap, ProxyRequest, QueryMap } from './types.js';

/**
 * The request handed to the pipe (lura `router/gin/endpoint.go` `NewRequest`, behaviour §2.3):
 * only `input_headers` (default `Content-Type`; `*` all) and `input_query_strings` (`*` all)
 * pass; `X-Forwarded-For`/`X-Forwarded-Host` are always set; `User-Agent` is KrakenD's unless the
 * client's is forwarded (then `X-Forwarded-Via`). Hop-by-hop and pseudo-headers never pass.
 */
export interface ClientRequestParts {
  headers: HeaderMap;
  query: QueryMap;
}

export type ClientRequestReader = (req: IncomingMessage) => ClientRequestParts;

export function forwardedHost(req: IncomingMessage): string {
  const h = req.httpVersionMajor === 2 ? req.headers[':authority'] : req.headers.host;
  return (Array.isArray(h) ? h[0] : h) ?? '';
}

/** Whether a client header (lower-case name) goes to the backend. */
function passes(
  lower: string,
  all: boolean,
  names: ReadonlySet<string>,
  dropped: ReadonlySet<string> | undefined,
): boolean {
  if (all ? lower.charCodeAt(0) === 58 : !names.has(lower)) return false;
  if (NEVER_FORWARDED.has(lower) || dropped?.has(lower)) return false;
  return lower !== 'x-forwarded-for' && lower !== 'x-forwarded-host';
}

export function createClientRequestReader(
  endpoint: Pick<ResolvedEndpoint, 'inputHeaders' | 'inputQueryStrings'>,
  config: Pick<ResolvedConfig, 'router' | 'extra'>,
  userAgent: string,
): ClientRequestReader {
  const allHeaders = endpoint.inputHeaders.includes('*');
  const listed = endpoint.inputHeaders.length === 0 ? ['Content-Type'] : endpoint.inputHeaders;
  const names = new Set(listed.map((h) => h.toLowerCase()));
  const allQuery = endpoint.inputQueryStrings.includes('*');
  const queryKeys = endpoint.inputQueryStrings;
  const noQuery = !allQuery && queryKeys.length === 0;
  const clientIp = createClientIp(config);
  const userAgentList = [userAgent];
  // Handler plugins hand `next` a request whose `headers` they may have changed (added a token,
  // removed a credential): then those are the headers, as `req.Header` is for a Go plugin.
  // Without plugins the raw lines are read: names and repeated lines as the client sent them.
  const parsed = config.extra['plugin/http-server'] !== undefined;

  return function readClientRequest(req) {
    const headers = Object.create(null) as HeaderMap;
    const dropped = connectionListed(req.headers.connection);
    if (parsed) {
      const h = req.headers;
      for (const name in h) {
        const v = h[name];
        if (v === undefined || !passes(name.toLowerCase(), allHeaders, names, dropped)) continue;
        const list = (headers[canonicalKey(name)] ??= []);
        if (Array.isArray(v)) list.push(...v);
        else list.push(String(v));
      }
    } else {
      const raw = req.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) {
        const name = raw[i]!;
        if (!passes(name.toLowerCase(), allHeaders, names, dropped)) continue;
        (headers[canonicalKey(name)] ??= []).push(raw[i + 1]!);
      }
    }
    headers['X-Forwarded-For'] = [clientIp(req)];
    headers['X-Forwarded-Host'] = [forwardedHost(req)];
    if (headers['User-Agent'] === undefined) headers['User-Agent'] = userAgentList;
    else headers['X-Forwarded-Via'] = userAgentList;

    let query: QueryMap;
    if (noQuery) query = Object.create(null) as QueryMap;
    else {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      const parsed = parseQuery(q === -1 ? '' : url.slice(q + 1));
      query = filterQuery(parsed, queryKeys, allQuery);
    }
    return { headers, query };
  };
}

/** Router params keyed as lura does (`id` → `Id`); the wildcard remainder stays under `*`. */
export function toProxyParams(params: Readonly<Record<string, string>>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const k in params) out[k === '*' ? k : paramKey(k)] = params[k]!;
  return out;
}

/**
 * A branch's own copy of the params, without a prototype as the original. A `for…in` copy, not a
 * spread: spreading a prototype-less object takes V8's slow path (~0.8 µs for two params against
 * ~0.2 µs here), once per branch: each backend of a merge, shadow or sequential step, each
 * concurrent call.
 */
export function copyParams(params: Readonly<Record<string, string>>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const k in params) out[k] = params[k]!;
  return out;
}

export function createProxyRequest(
  req: IncomingMessage,
  params: Readonly<Record<string, string>>,
  read: ClientRequestReader,
): ProxyRequest {
  const { headers, query } = read(req);
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    url: '',
    query,
    params: toProxyParams(params),
    headers,
    body: requestBody(req),
  };
}
