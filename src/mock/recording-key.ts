import { createHash } from 'node:crypto';
import type { HeaderMap } from '../proxy/types.js';

/**
 * Which recording answers a backend call, and where it lives: one file per method + URL (+ the
 * request headers that change an answer + the body's hash), laid out as the URL reads, so a
 * folder of recordings can be browsed, reviewed and diffed:
 * `127.0.0.1_8081/users/1/GET.json`, `…/search/GET-1a2b3c4d.json` when a query, headers or a body
 * tell calls apart. Secrets never reach the key or the file (README: Local API mocking).
 */
export interface RecordingKey {
  method: string;
  /** The URL with secrets masked. */
  url: string;
  /** The request headers that take part, secrets never among them. */
  headers: Record<string, string>;
  bodySha256: string | null;
  /** Path of the file inside the recordings folder, `/`-separated. */
  rel: string;
}

/** Request headers that change what a backend answers (when the config forwards them). */
const RELEVANT = ['Accept', 'Accept-Language', 'Content-Type'] as const;

/** Names that carry credentials, in headers and in query strings. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const SECRET_WORDS =
  /token|secret|passw|api[-_]?key|session|credential|signature|^auth(orization)?$|[-_]auth$/i;

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase()) || SECRET_WORDS.test(name);
}

export const REDACTED = 'REDACTED';

/** The URL without user info, the values of secret-looking query keys masked. */
export function redactUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*@)?([^/?#]*)([^?#]*)(\?[^#]*)?/i.exec(url);
  if (!m) return url;
  const [, scheme, , host, path, query] = m;
  if (!query) return `${scheme}${host}${path}`;
  const parts = query
    .slice(1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq === -1 ? pair : pair.slice(0, eq);
      let name = key;
      try {
        name = decodeURIComponent(key.replace(/\+/g, ' '));
      } catch {
        // an undecodable key is judged as written
      }
      return SECRET_WORDS.test(name) && eq !== -1 ? `${key}=${REDACTED}` : pair;
    });
  return `${scheme}${host}${path}?${parts.join('&')}`;
}

/** One path segment as a file name: readable, and safe on every file system. */
function safeSegment(seg: string): string {
  if (seg === '') return '_';
  let out = seg.replace(/[^A-Za-z0-9._~%+=,@-]/g, (c) =>
    [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  if (/^\.+$/.test(out)) out = out.replace(/\./g, '%2E');
  if (out.length > 120) out = `${out.slice(0, 100)}~${sha256(out).slice(0, 8)}`;
  return out;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function recordingKey(
  method: string,
  url: string,
  headers: HeaderMap,
  body: Buffer | null,
): RecordingKey {
  const clean = redactUrl(url);
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)(\?[^#]*)?/i.exec(clean);
  const host = (m?.[1] ?? 'unknown').replace(/[^A-Za-z0-9.-]/g, '_') || 'unknown';
  const path = m?.[2] ?? '';
  const query = m?.[3] ?? '';
  const picked: Record<string, string> = {};
  for (const name of RELEVANT) {
    const v = headers[name];
    if (v !== undefined && v.length > 0) picked[name] = v.join(', ');
  }
  const bodySha256 = body !== null && body.length > 0 ? sha256(body) : null;
  // `/users/` and `/users` may differ to a backend: a trailing slash is a segment of its own (`_`).
  const segments = path === '' || path === '/' ? [] : path.replace(/^\//, '').split('/');
  const dir = [host, ...segments.map(safeSegment)].join('/');
  const distinct = query !== '' || Object.keys(picked).length > 0 || bodySha256 !== null;
  const upper = method.toUpperCase();
  const name = distinct
    ? `${upper}-${sha256(JSON.stringify([query, picked, bodySha256])).slice(0, 8)}.json`
    : `${upper}.json`;
  return { method: upper, url: clean, headers: picked, bodySha256, rel: `${dir}/${name}` };
}
