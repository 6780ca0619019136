/**
 * Header-name helpers: Go's canonical form (what KrakenD sends and what `input_headers` match)
 * and the hop-by-hop set stripped in both directions (RFC 9110 §7.6.1, reliability.md §1, §9).
 */

const canonicalCache = new Map<string, string>();

/** Go's `textproto.CanonicalMIMEHeaderKey`: `x-forwarded-for` → `X-Forwarded-For`. */
export function canonicalKey(name: string): string {
  const hit = canonicalCache.get(name);
  if (hit !== undefined) return hit;
  let out = name;
  if (/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    out = '';
    let upper = true;
    for (const ch of name) {
      out += upper ? ch.toUpperCase() : ch.toLowerCase();
      upper = ch === '-';
    }
  }
  if (canonicalCache.size < 2048) canonicalCache.set(name, out);
  return out;
}

/** Lower-case names never copied between the client and the backend. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

/**
 * Request headers the gateway itself owns on the way out. `Content-Length` may pass when listed
 * (lura then sends a streamed body with that length instead of chunked); it is dropped again
 * whenever the body is not the client's stream.
 */
export const NEVER_FORWARDED: ReadonlySet<string> = new Set([...HOP_BY_HOP, 'host', 'expect']);

/** The lower-case names a `Connection` header lists (they are hop-by-hop too). */
export function connectionListed(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const joined = Array.isArray(value) ? value.join(',') : value;
  // The usual values list nothing: skip the split on the hot path.
  if (joined.length <= 10 && /^\s*(keep-alive|close)\s*$/i.test(joined)) return undefined;
  let out: Set<string> | undefined;
  for (const part of joined.split(',')) {
    const name = part.trim().toLowerCase();
    if (name && name !== 'close' && name !== 'keep-alive') (out ??= new Set()).add(name);
  }
  return out;
}
