// `vite preview` with the plugin: the built vite-app and the gateway on one port, WebSockets and
// SSE through it, and the gateway closed with the server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { krakend } from 'krakend-connect/vite';
import { build, preview, type PreviewServer } from 'vite';
import { request } from '../helpers/http.js';
import { startHostBackend, type HostBackend } from './support/backend.js';
import { hostConfig, ROOT, tempConfig, type TempConfig, viteCacheDir } from './support/config.js';
import { expectedEcho, sseThenClose, wsRoundTrip } from './support/streams.js';

const APP = join(ROOT, 'examples/vite-app');

describe('vite preview', () => {
  const cacheDir = viteCacheDir();
  let backend: HostBackend;
  let config: TempConfig;
  let outDir: string;
  let server: PreviewServer;
  let url: string;
  let plugin: ReturnType<typeof krakend>;

  before(async () => {
    backend = await startHostBackend();
    config = tempConfig(hostConfig(backend.url));
    outDir = mkdtempSync(join(tmpdir(), 'kc-vite-dist-'));
    await build({
      root: APP,
      cacheDir,
      configFile: false,
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
    plugin = krakend({ config: config.file });
    server = await preview({
      root: APP,
      cacheDir,
      configFile: false,
      logLevel: 'silent',
      plugins: [plugin],
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0 },
    });
    url = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;
  });

  after(async () => {
    await server?.close();
    await backend.close();
    config.remove();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  test('a gateway WebSocket echoes 1,000 text and binary messages, opened before any HTTP request', async () => {
    const echoed = await wsRoundTrip(`${url.replace('http', 'ws')}/ws`);
    assert.deepEqual(echoed, expectedEcho());
  });

  test('serves the build and the gateway on the same port', async () => {
    const api = await request(`${url}/users/5`);
    assert.equal(api.status, 200);
    assert.deepEqual(JSON.parse(api.body), { id: '5', name: 'User 5' });
    const page = await request(`${url}/`, { headers: { Accept: 'text/html' } });
    assert.equal(page.status, 200);
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)">/.exec(page.body);
    assert.ok(script, page.body);
    const asset = await request(`${url}${script[1]}`);
    assert.equal(asset.status, 200);
    assert.match(asset.body, /hello through the gateway/);
    const spa = await request(`${url}/some/client/route`, { headers: { Accept: 'text/html' } });
    assert.equal(spa.body, page.body);
  });

  test('SSE streams before the backend finishes; closing the client aborts the backend', async () => {
    await sseThenClose(`${url}/sse`, backend);
  });

  test('closing the preview server closes the gateway', async () => {
    const api = plugin.api as { gateways: readonly import('krakend-connect').Gateway[] };
    assert.equal(api.gateways.length, 1);
    const gateway = api.gateways[0]!;
    await server.close();
    assert.equal(api.gateways.length, 0);
    assert.equal((await gateway.reload()).ok, false);
  });
});
