import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The soak's krakend.json and handler plugin, rewritten in place (the way editors save) to make
 * the gateway reload while traffic flows.
 */
export interface SoakFiles {
  config: string;
  plugin: string;
}

export function soakConfig(backend: string, closedPort: number, version: number): object {
  const b = (path: string, extra: Record<string, unknown> = {}) => ({
    host: [backend],
    url_pattern: path,
    ...extra,
  });
  const endpoints: Record<string, unknown>[] = [
    { endpoint: '/ok', backend: [b('/ok')] },
    { endpoint: '/noop', output_encoding: 'no-op', backend: [b('/ok')] },
    {
      endpoint: '/merge',
      backend: [b('/ok', { group: 'a' }), b('/slow', { group: 'b' })],
      cache_ttl: `${version % 7}s`,
    },
    { endpoint: '/big', output_encoding: 'no-op', backend: [b('/big')] },
    { endpoint: '/upload', method: 'POST', output_encoding: 'no-op', backend: [b('/upload')] },
    { endpoint: '/sse', output_encoding: 'no-op', backend: [b('/sse')] },
    { endpoint: '/slow', output_encoding: 'no-op', backend: [b('/slow')] },
    { endpoint: '/plugin', backend: [b('/ok')] },
    { endpoint: '/stall', timeout: '500ms', backend: [b('/stall')] },
    { endpoint: '/reset-noop', output_encoding: 'no-op', backend: [b('/reset')] },
    { endpoint: '/reset-json', backend: [b('/reset')] },
    { endpoint: '/bad-json', backend: [b('/ok', { group: 'a' }), b('/bad-json', { group: 'b' })] },
    {
      endpoint: '/refused',
      backend: [{ host: [`http://127.0.0.1:${closedPort}`], url_pattern: '/' }],
    },
    { endpoint: '/users/{id}', backend: [b('/ok')] },
  ];
  // Every other config version adds a route, so reloads change the route table too.
  if (version % 2 === 1) endpoints.push({ endpoint: `/extra/${version}`, backend: [b('/ok')] });
  return {
    version: 3,
    timeout: '2s',
    plugin: { folder: './plugins', pattern: '.mjs' },
    extra_config: {
      router: { disable_access_log: true },
      'plugin/http-server': { name: ['soak-marker'] },
    },
    endpoints,
  };
}

export function soakPlugin(version: number): string {
  return `// soak plugin, version ${version}
export const HandlerRegisterer = {
  RegisterHandlers(register) {
    register('soak-marker', (_ctx, _extra, next) => (req, res) => {
      if (req.url === '/plugin') res.setHeader('X-Soak-Plugin', '${version}');
      return next(req, res);
    });
  },
};
`;
}

/** Write-to-temp-then-rename, as most editors save. */
export async function save(file: string, text: string): Promise<void> {
  const tmp = join(file, '..', `.${Date.now()}.tmp`);
  await writeFile(tmp, text);
  await rename(tmp, file);
}
