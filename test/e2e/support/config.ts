import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const QUICKSTART = join(ROOT, 'examples/quickstart/krakend.json');

/** The endpoints every host test serves, against {@link startHostBackend}. */
export function hostConfig(backendUrl: string): Record<string, unknown> {
  const noop = (endpoint: string, method = 'GET', extra: Record<string, unknown> = {}) => ({
    endpoint,
    method,
    output_encoding: 'no-op',
    ...extra,
    backend: [{ url_pattern: endpoint, encoding: 'no-op' }],
  });
  return {
    version: 3,
    timeout: '3s',
    host: [backendUrl],
    endpoints: [
      { endpoint: '/users/{id}', backend: [{ url_pattern: '/users/{id}', deny: ['secret'] }] },
      noop('/sse'),
      noop('/ws'),
      noop('/echo', 'POST', { input_headers: ['Content-Type'] }),
    ],
  };
}

export interface TempConfig {
  dir: string;
  file: string;
  /** Rewrites the file (a real save: new content, new size). */
  write(text: string): void;
  remove(): void;
}

/** A krakend.json in a fresh temp folder. */
export function tempConfig(config: Record<string, unknown>): TempConfig {
  const dir = mkdtempSync(join(tmpdir(), 'kc-e2e-'));
  const file = join(dir, 'krakend.json');
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return {
    dir,
    file,
    write: (text) => writeFileSync(file, text),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The quickstart's krakend.json pointed at backends on `backendUrl`, with its plugin folder (if
 * any) and mock files still the quickstart's, so the examples run against backends on a free port.
 */
export function quickstartConfig(backendUrl: string): Record<string, unknown> {
  const config = JSON.parse(readFileSync(QUICKSTART, 'utf8')) as Record<string, unknown>;
  config.host = [backendUrl];
  const plugin = config.plugin as { folder?: string } | undefined;
  if (plugin?.folder && !isAbsolute(plugin.folder)) {
    plugin.folder = resolve(dirname(QUICKSTART), plugin.folder);
  }
  // Mock files and folders (krakend-connect/mock) stay the quickstart's too.
  for (const endpoint of config.endpoints as { backend: Record<string, unknown>[] }[]) {
    for (const backend of endpoint.backend) {
      const extra = backend.extra_config as Record<string, Record<string, string>> | undefined;
      const mock = extra?.['krakend-connect/mock'];
      for (const key of ['file', 'folder'] as const) {
        const path = mock?.[key];
        if (path && !isAbsolute(path)) mock![key] = resolve(dirname(QUICKSTART), path);
      }
    }
  }
  return config;
}

/**
 * A fresh Vite `cacheDir`: several tests serve examples/vite-app at once, and Vite's default
 * cache lives inside the root, shared.
 */
export function viteCacheDir(): string {
  return mkdtempSync(join(tmpdir(), 'kc-vite-cache-'));
}
