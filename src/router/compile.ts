import FindMyWay from 'find-my-way';
import { GatewayError } from '../errors.js';
import type { ConfigProblem, Method, ResolvedEndpoint } from '../types.js';

/** What the router stores per route; `T` is the endpoint's handler bundle. */
export interface Route<T> {
  endpoint: ResolvedEndpoint;
  value: T;
  /** find-my-way param key → the name as written in the config. */
  names: ReadonlyMap<string, string>;
  /** Router form with the config's names, used to build fixed-path redirects. */
  template: string;
}

export interface CompiledRoutes<T> {
  exact: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  folded: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  /** Methods in the order they were first registered (gin's `Allow` order). */
  methods: readonly Method[];
  routes: readonly Route<T>[];
}

/**
 * find-my-way wants plain identifiers; KrakenD param names may hold `-` or `.`, so each param is
 * registered as `:p<i>` and mapped back to its config name.
 */
export function toRouterPath(routePath: string): { path: string; names: Map<string, string> } {
  const names = new Map<string, string>();
  let i = 0;
  const path = routePath.replace(/:([A-Za-z0-9_\-.]+)/g, (_m, name: string) => {
    const key = `p${i++}`;
    names.set(key, name);
    return `:${key}`;
  });
  return { path: path.replace(/\*.*$/, '*'), names };
}

export function compileRoutes<T>(
  endpoints: readonly ResolvedEndpoint[],
  valueOf: (e: ResolvedEndpoint) => T,
  file: string,
): CompiledRoutes<T> {
  const options = { caseSensitive: true, maxParamLength: 65536, ignoreTrailingSlash: false };
  const exact = FindMyWay(options);
  const folded = FindMyWay({ ...options, caseSensitive: false });
  const methods: Method[] = [];
  const routes: Route<T>[] = [];
  const problems: ConfigProblem[] = [];
  for (const endpoint of endpoints) {
    const { path, names } = toRouterPath(endpoint.routePath);
    const route: Route<T> = { endpoint, value: valueOf(endpoint), names, template: endpoint.routePath };
    try {
      exact.on(endpoint.method, path, noop, route);
      folded.on(endpoint.method, path.toLowerCase(), noop, route);
    } catch (err) {
      problems.push({
        file,
        line: 0,
        column: 0,
        path: endpoint.jsonPath,
        message: `route ${endpoint.method} ${endpoint.endpoint} conflicts with an earlier endpoint: ${(err as Error).message}`,
      });
      continue;
    }
    if (!methods.includes(endpoint.method)) methods.push(endpoint.method);
    routes.push(route);
  }
  if (problems.length > 0) {
    throw new GatewayError('KC_CONFIG_INVALID', problems.map((p) => `${p.file} ${p.path}: ${p.message}`).join('\n'), {
      problems,
    });
  }
  return { exact, folded, methods, routes };
}

function noop(): void {}
