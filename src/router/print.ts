import type { ResolvedEndpoint } from '../types.js';

/** The route table for the startup log and `check -d`: method, path, backends. */
export function printRoutes(endpoints: readonly ResolvedEndpoint[]): string {
  if (endpoints.length === 0) return '(no endpoints)';
  const width = Math.max(...endpoints.map((e) => e.endpoint.length));
  return endpoints
    .map((e) => {
      const backends = e.backends
        .map((b) => {
          const mock = b.mock && (b.mock.file ?? `${b.mock.folder!.replace(/\/+$/, '')}/`);
          if (mock) return `${b.method} ${b.urlPattern} (mock ${mock})`;
          return `${b.method} ${b.hosts[0] ?? '(no host)'}${b.urlPattern}`;
        })
        .join(', ');
      return `${e.method.padEnd(6)} ${e.endpoint.padEnd(width)}  ${e.outputEncoding.padEnd(8)} → ${backends}`;
    })
    .join('\n');
}
