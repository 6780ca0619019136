import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Three handler plugins that only call next (`bench/fixtures/plugins/`). */
export const PLUGIN_FOLDER = join(here, '..', 'fixtures', 'plugins');

/**
 * One config for every gateway scenario: `/small` and `/big` no-op passthrough, `/json`
 * (decode + re-encode), `/merge` (two backends, filtered and mapped).
 */
export function gatewayConfig(backendUrl: string, extra: Record<string, unknown> = {}): object {
  const host = [backendUrl];
  const noop = (endpoint: string, url: string) => ({
    endpoint,
    method: 'GET',
    output_encoding: 'no-op',
    backend: [{ host, url_pattern: url, encoding: 'no-op' }],
  });
  return {
    version: 3,
    name: 'krakend-connect bench',
    timeout: '3s',
    ...extra,
    endpoints: [
      noop('/small', '/small'),
      noop('/big', '/big'),
      {
        endpoint: '/json',
        method: 'GET',
        backend: [{ host, url_pattern: '/small' }],
      },
      {
        endpoint: '/merge',
        method: 'GET',
        backend: [
          { host, url_pattern: '/small', allow: ['id', 'name', 'email', 'address.city'] },
          { host, url_pattern: '/stats', deny: ['internal'], mapping: { views: 'visits' } },
        ],
      },
    ],
  };
}

/** What `/merge` must answer (KrakenD's allow, deny and mapping over the two bench bodies). */
export const MERGED = {
  id: 42,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  address: { city: 'London' },
  visits: 1234,
  likes: 56,
  followers: 789,
  updated_at: '2024-06-01T12:00:00Z',
};

export interface GatewayConfigs {
  plain: string;
  plugins: string;
}

/** Writes both configs into `dir` (a temp dir) and returns their paths. */
export function writeGatewayConfigs(dir: string, backendUrl: string): GatewayConfigs {
  mkdirSync(dir, { recursive: true });
  const plain = join(dir, 'gateway.json');
  const plugins = join(dir, 'gateway-plugins.json');
  writeFileSync(plain, JSON.stringify(gatewayConfig(backendUrl), null, 2));
  const withPlugins = gatewayConfig(backendUrl, {
    plugin: { pattern: '.ts', folder: PLUGIN_FOLDER },
    extra_config: { 'plugin/http-server': { name: ['a', 'b', 'c'] } },
  });
  writeFileSync(plugins, JSON.stringify(withPlugins, null, 2));
  return { plain, plugins };
}
