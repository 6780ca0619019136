import type { BackendCallRecord } from '../types.js';

/**
 * `Server-Timing` (W3C Server Timing) for the browser's devtools: one metric per backend call,
 * `backend-0;desc="GET /users/1";dur=12.3`, the description saying where an answer came from
 * when it was not the live backend.
 */
export function serverTimingValue(calls: readonly BackendCallRecord[]): string {
  let out = '';
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i]!;
    let desc = `${c.method} ${pathOf(c.url)}`;
    if (c.source && c.source !== 'live') desc += ` (${c.source})`;
    if (c.status === 0) desc += ' (failed)';
    if (i > 0) out += ', ';
    out += `backend-${i};desc=${quote(desc)};dur=${round(c.ms)}`;
  }
  return out;
}

/** One metric, e.g. an injected delay: `fault;desc="injected delay";dur=200`. */
export function timingMetric(name: string, desc: string, ms: number): string {
  return `${name};desc=${quote(desc)};dur=${round(ms)}`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Path and query of a URL, without parsing it (a malformed one is shown as it is). */
function pathOf(url: string): string {
  const scheme = url.indexOf('://');
  if (scheme === -1) return url;
  const slash = url.indexOf('/', scheme + 3);
  return slash === -1 ? '/' : url.slice(slash);
}

const UNSAFE = /[\\"]|[^\t\u0020-\u007e\u0080-\u00ff]/;

/** An HTTP quoted-string; what a header cannot carry (controls, non-latin1) becomes `?`. */
function quote(s: string): string {
  if (!UNSAFE.test(s)) return `"${s}"`; // the usual case: one scan, no copies
  return `"${s.replace(/[\\"]/g, '\\$&').replace(/[^\t\u0020-\u007e\u0080-\u00ff]/g, '?')}"`;
}
