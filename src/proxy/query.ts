import { wellFormed } from '../encoding/go-json.js';
import type { QueryMap } from './types.js';

/** Go's `url.ParseQuery` as `URL.Query()` keeps it: `&` pairs, `+` a space, bad pairs dropped. */
export function parseQuery(raw: string): QueryMap {
  const out = Object.create(null) as QueryMap;
  if (raw === '') return out;
  for (const pair of raw.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const k = unescapeQuery(eq === -1 ? pair : pair.slice(0, eq));
    const v = unescapeQuery(eq === -1 ? '' : pair.slice(eq + 1));
    if (k === undefined || v === undefined) continue;
    (out[k] ??= []).push(v);
  }
  return out;
}

function unescapeQuery(s: string): string | undefined {
  const plus = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return undefined;
  }
}

/** Go's `url.QueryEscape`: unreserved bytes kept, space as `+`, the rest `%XX`. */
export function queryEscape(s: string): string {
  return encodeURIComponent(wellFormed(s))
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Go's `url.Values.Encode`: keys sorted, values in order. */
export function encodeQuery(query: QueryMap): string {
  const keys = Object.keys(query).sort();
  let out = '';
  for (const k of keys) {
    const ek = queryEscape(k);
    for (const v of query[k]!) out += `${out ? '&' : ''}${ek}=${queryEscape(v)}`;
  }
  return out;
}

/** Keeps the listed keys (exact, case-sensitive) that have values; `*` keeps everything. */
export function filterQuery(query: QueryMap, keys: readonly string[], all: boolean): QueryMap {
  if (all) return query;
  const out = Object.create(null) as QueryMap;
  for (const k of keys) {
    const v = query[k];
    if (v !== undefined && v.length > 0) out[k] = v;
  }
  return out;
}

export function hasKeys(o: object | null | undefined): boolean {
  if (!o) return false;
  for (const _ in o) return true;
  return false;
}
