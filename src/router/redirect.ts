import { cleanPath } from '../internal/path.js';
import type { Method } from '../types.js';
import type { CompiledRoutes, Route } from './compile.js';

/** Where to send the client instead, and which of gin's two redirects says so. */
export interface RedirectTarget {
  path: string;
  /** `slash`: RedirectTrailingSlash (honours `X-Forwarded-Prefix`); `fixed`: RedirectFixedPath. */
  kind: 'slash' | 'fixed';
}

/**
 * gin's RedirectTrailingSlash and RedirectFixedPath (behaviour §2.2), standalone mode only:
 * the path that should be asked for instead, or undefined. gin's fixed-path lookup fixes a
 * trailing slash too, whatever the trailing-slash option says (it passes its own flag;
 * krakend-ce#907).
 */
export function redirectTarget<T>(
  routes: CompiledRoutes<T>,
  method: string,
  path: string,
  options: { trailingSlash: boolean; fixedPath: boolean },
): RedirectTarget | undefined {
  if (options.trailingSlash && path !== '/') {
    const toggled = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
    if (routes.exact.find(method as Method, toggled)) return { path: toggled, kind: 'slash' };
  }
  if (options.fixedPath) {
    const cleaned = cleanPath(path);
    for (const candidate of [cleaned, toggle(cleaned)]) {
      const found = routes.folded.find(method as Method, candidate);
      if (found) return { path: fill(found.store as Route<T>, found.params), kind: 'fixed' };
    }
  }
  return undefined;
}

function toggle(p: string): string {
  if (p === '/') return p;
  return p.endsWith('/') ? p.slice(0, -1) : `${p}/`;
}

function fill<T>(route: Route<T>, params: Record<string, string | undefined>): string {
  let i = 0;
  return route.template.replace(/:([A-Za-z0-9_\-.]+)|\*.*$/g, (m) =>
    m.startsWith('*') ? (params['*'] ?? '') : escapePathSegment(params[`p${i++}`] ?? ''),
  );
}

/** What Go's `url.URL.EscapedPath` leaves as it is in a path besides letters and digits. */
const PATH_SAFE: Record<string, string> = {
  '%24': '$', '%26': '&', '%2B': '+', '%2C': ',', '%3A': ':', '%3B': ';', '%3D': '=', '%40': '@',
};

/** A path segment escaped as Go escapes a redirect's path (`a:b@c,d` stays, `!` is `%21`). */
export function escapePathSegment(s: string): string {
  return encodeURIComponent(s)
    .replace(/%(?:24|26|2B|2C|3A|3B|3D|40)/g, (e) => PATH_SAFE[e]!)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
