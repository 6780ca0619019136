import { cleanPath } from '../internal/path.js';
import type { Method } from '../types.js';
import type { CompiledRoutes, Route } from './compile.js';

/**
 * gin's RedirectTrailingSlash and RedirectFixedPath (behaviour §2.2), standalone mode only:
 * the path that should be asked for instead, or undefined.
 */
export function redirectTarget<T>(
  routes: CompiledRoutes<T>,
  method: string,
  path: string,
  options: { trailingSlash: boolean; fixedPath: boolean },
): string | undefined {
  if (options.trailingSlash && path !== '/') {
    const toggled = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
    if (routes.exact.find(method as Method, toggled)) return toggled;
  }
  if (options.fixedPath) {
    const cleaned = cleanPath(path);
    for (const candidate of options.trailingSlash ? [cleaned, toggle(cleaned)] : [cleaned]) {
      const found = routes.folded.find(method as Method, candidate);
      if (found) return fill(found.store as Route<T>, found.params);
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
    m.startsWith('*') ? (params['*'] ?? '') : encodeURIComponent(params[`p${i++}`] ?? ''),
  );
}
