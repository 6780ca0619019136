import type { Method } from '../types.js';
import type { CompiledRoutes, Route } from './compile.js';

export type MatchResult<T> =
  | { kind: 'route'; route: Route<T>; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: Method[] }
  | { kind: 'none' };

const NONE = { kind: 'none' } as const;

/** Match on the request path (not decoded as a whole: params are decoded one by one). */
export function match<T>(routes: CompiledRoutes<T>, method: string, path: string): MatchResult<T> {
  const found = routes.exact.find(method as Method, path);
  if (found) {
    const route = found.store as Route<T>;
    return { kind: 'route', route, params: rename(route, found.params) };
  }
  return NONE;
}

/** Methods under which `path` exists, in registration order (for 405 `Allow`). */
export function allowedMethods<T>(routes: CompiledRoutes<T>, path: string): Method[] {
  const allow: Method[] = [];
  for (const m of routes.methods) if (routes.exact.find(m, path)) allow.push(m);
  return allow;
}

export function rename<T>(route: Route<T>, raw: Record<string, string | undefined>): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  for (const key in raw) {
    const value = raw[key] ?? '';
    params[key === '*' ? '*' : (route.names.get(key) ?? key)] = value;
  }
  return params;
}
