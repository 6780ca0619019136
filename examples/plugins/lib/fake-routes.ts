/**
 * Route table of the fake-backend example: `"GET /users/{id}"` (or just `"/users/{id}"`) to a
 * JSON body whose strings may use the `{id}` placeholders. A helper module next to the plugin:
 * the loader bundles it with the plugin and reloads both when either changes; being in a
 * sub-folder, it is never loaded as a plugin itself (the scan is not recursive).
 */
export interface FakeRoute {
  method: string | undefined;
  pattern: RegExp;
  params: string[];
  body: unknown;
}

export function compileRoutes(routes: Record<string, unknown>): FakeRoute[] {
  return Object.entries(routes).map(([key, body]) => {
    const [method, path] = key.includes(' ') ? key.split(/\s+/, 2) : [undefined, key];
    const params: string[] = [];
    const escaped = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    const source = escaped.replace(/\{(\w+)\}/g, (_, name: string) => {
      params.push(name);
      return '([^/]+)';
    });
    return { method: method?.toUpperCase(), pattern: new RegExp(`^${source}$`), params, body };
  });
}

export function matchRoute(routes: FakeRoute[], method: string, path: string) {
  for (const route of routes) {
    if (route.method && route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (!m) continue;
    const values = route.params.map((p, i) => [p, decodeURIComponent(m[i + 1])]);
    const params = Object.fromEntries(values) as Record<string, string>;
    return { body: fill(route.body, params) };
  }
  return undefined;
}

/** Replaces `{name}` in every string of the body; a string that is only `{id}` keeps its type. */
function fill(value: unknown, params: Record<string, string>): unknown {
  if (typeof value === 'string') {
    const whole = /^\{(\w+)\}$/.exec(value);
    if (whole && whole[1] in params) {
      const n = Number(params[whole[1]]);
      return Number.isFinite(n) && String(n) === params[whole[1]] ? n : params[whole[1]];
    }
    return value.replace(/\{(\w+)\}/g, (all, name: string) => params[name] ?? all);
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, params));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, params)]));
  }
  return value;
}
