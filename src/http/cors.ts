import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsOptions } from '../types.js';

const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const DEFAULT_METHODS = ['GET', 'POST', 'HEAD'];
const DEFAULT_HEADERS = ['origin', 'accept', 'content-type'];

/** Answers a preflight (returns true) or decorates an actual request (returns false). */
export type CorsLayer = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * `security/cors` as KrakenD runs it (rs/cors, DECISIONS.md 18): ahead of the router, so a
 * preflight is answered on any path, declared or not.
 */
export function createCors(options: CorsOptions): CorsLayer {
  const originMatchers = options.allowOrigins.map((o) => o.toLowerCase());
  const allOrigins = originMatchers.length === 0 || originMatchers.includes('*');
  const methods = (options.allowMethods.length ? options.allowMethods : DEFAULT_METHODS).map((m) =>
    m.toUpperCase(),
  );
  const headerList = options.allowHeaders.length
    ? options.allowHeaders.map((h) => h.toLowerCase())
    : DEFAULT_HEADERS;
  const allHeaders = headerList.includes('*');
  const headers = new Set([...headerList, 'origin']);
  const expose = options.exposeHeaders.map(canonical).join(', ');
  const wildcardOrigin = allOrigins && !options.allowCredentials;

  const originAllowed = (origin: string): boolean => {
    if (allOrigins) return true;
    const o = origin.toLowerCase();
    return originMatchers.some((m) => {
      const star = m.indexOf('*');
      if (star === -1) return m === o;
      return o.length >= m.length - 1 && o.startsWith(m.slice(0, star)) && o.endsWith(m.slice(star + 1));
    });
  };
  const methodAllowed = (m: string): boolean => m === 'OPTIONS' || methods.includes(m.toUpperCase());

  return function corsLayer(req, res) {
    const origin = req.headers.origin;
    const requestMethod = req.headers['access-control-request-method'];
    if (req.method === 'OPTIONS' && typeof requestMethod === 'string' && requestMethod !== '') {
      res.setHeader('Vary', PREFLIGHT_VARY);
      const raw = req.headers['access-control-request-headers'];
      const asked = typeof raw === 'string' ? raw.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean) : [];
      if (
        origin &&
        originAllowed(origin) &&
        methodAllowed(requestMethod) &&
        (allHeaders || asked.every((h) => headers.has(h)))
      ) {
        res.setHeader('Access-Control-Allow-Origin', wildcardOrigin ? '*' : origin);
        res.setHeader('Access-Control-Allow-Methods', requestMethod.toUpperCase());
        if (asked.length > 0 && typeof raw === 'string') res.setHeader('Access-Control-Allow-Headers', raw);
        if (options.allowCredentials) res.setHeader('Access-Control-Allow-Credentials', 'true');
        if (
          options.allowPrivateNetwork &&
          req.headers['access-control-request-private-network'] === 'true'
        ) {
          res.setHeader('Access-Control-Allow-Private-Network', 'true');
        }
        if (options.maxAgeSeconds > 0) res.setHeader('Access-Control-Max-Age', String(options.maxAgeSeconds));
      }
      if (options.optionsPassthrough) return false;
      res.statusCode = options.optionsSuccessStatus;
      res.end();
      return true;
    }
    res.appendHeader('Vary', 'Origin');
    if (!origin || !originAllowed(origin) || !methodAllowed(req.method ?? 'GET')) return false;
    res.setHeader('Access-Control-Allow-Origin', wildcardOrigin ? '*' : origin);
    if (expose) res.setHeader('Access-Control-Expose-Headers', expose);
    if (options.allowCredentials) res.setHeader('Access-Control-Allow-Credentials', 'true');
    return false;
  };
}

function canonical(h: string): string {
  return h
    .toLowerCase()
    .split('-')
    .map((p) => (p ? p[0].toUpperCase() + p.slice(1) : p))
    .join('-');
}
