// `vite` dev server with the plugin, over real sockets: gateway endpoints and the app on one port,
// ahead of Vite's proxy and SPA fallback, WebSockets beside Vite's HMR socket, SSE, the error
// overlay over the HMR channel, and restarts that leave exactly one gateway.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import type { Gateway } from 'krakend-connect';
import { krakend } from 'krakend-connect/vite';
import { createServer, type ViteDevServer } from 'vite';
import { WebSocket } from 'ws';
import { request } from '../helpers/http.js';
import { startHostBackend, type HostBackend } from './support/backend.js';
import { hostConfig, ROOT, tempConfig, type TempConfig, viteCacheDir } from './support/config.js';
import { expectedEcho, sseThenClose, within, wsRoundTrip } from './support/streams.js';

const APP = `${ROOT}/examples/vite-app`;

interface HmrMessage {
  type: string;
  err?: {
    message: string;
    plugin?: string;
    loc?: { file: string; line: number; column: number };
    frame?: string;
  };
}

/** A Vite HMR client (what the browser's /@vite/client opens), collecting messages. */
async function hmrClient(url: string): Promise<{
  messages: HmrMessage[];
  next(type: string, ms?: number): Promise<HmrMessage>;
  close(): void;
}> {
  const ws = new WebSocket(url.replace('http', 'ws'), ['vite-hmr']);
  const messages: HmrMessage[] = [];
  const waiters: { type: string; resolve: (m: HmrMessage) => void }[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as HmrMessage;
    messages.push(m);
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i !== -1) waiters.splice(i, 1)[0]!.resolve(m);
  });
  const first = new Promise<HmrMessage>((resolve) => waiters.push({ type: 'connected', resolve }));
  await within(first, 5000, 'HMR connected');
  return {
    messages,
    next: (type, ms = 5000) =>
      within(
        new Promise<HmrMessage>((resolve) => waiters.push({ type, resolve })),
        ms,
        `HMR ${type}`,
      ),
    close: () => ws.close(),
  };
}

describe('Vite dev server', () => {
  const cacheDir = viteCacheDir();
  let backend: HostBackend;
  let config: TempConfig;
  let server: ViteDevServer;
  let url: string;
  const plugin = () => server.config.plugins.find((p) => p.name === 'krakend-connect')!;

  before(async () => {
    backend = await startHostBackend();
    config = tempConfig(hostConfig(backend.url));
    server = await createServer({
      root: APP,
      cacheDir,
      configFile: false,
      logLevel: 'silent',
      clearScreen: false,
      plugins: [krakend({ config: config.file })],
      // A proxy rule for a gateway path: the gateway must win. Port 9 refuses.
      server: { host: '127.0.0.1', port: 0, proxy: { '/users': 'http://127.0.0.1:9' } },
    });
    await server.listen();
    url = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`;
  });

  after(async () => {
    await server.close();
    await backend.close();
    config.remove();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  test('a gateway WebSocket echoes 1,000 text and binary messages, opened before any HTTP request', async () => {
    const echoed = await wsRoundTrip(`${url.replace('http', 'ws')}/ws`);
    assert.deepEqual(echoed, expectedEcho());
  });

  test("Vite's HMR socket still connects beside it", async () => {
    const hmr = await hmrClient(url);
    assert.deepEqual(hmr.messages[0], { type: 'connected' });
    hmr.close();
  });

  test('gateway endpoints and the app share the port; the gateway wins over server.proxy', async () => {
    const api = await request(`${url}/users/3`);
    assert.equal(api.status, 200);
    assert.deepEqual(JSON.parse(api.body), { id: '3', name: 'User 3' });
    const page = await request(`${url}/`, { headers: { Accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>krakend-connect in Vite<\/title>/);
    assert.match(page.body, /\/@vite\/client/);
    const health = await request(`${url}/__health`);
    assert.equal(JSON.parse(health.body).status, 'ok');
  });

  test("paths that are not the gateway's stay Vite's (modules, SPA fallback)", async () => {
    const module = await request(`${url}/src/main.ts`);
    assert.equal(module.status, 200);
    assert.match(String(module.headers['content-type']), /javascript/);
    // Case matters to the gateway (DECISIONS 8): /Users is the app's route.
    const spa = await request(`${url}/Users/3`, { headers: { Accept: 'text/html' } });
    assert.equal(spa.status, 200);
    assert.match(spa.body, /<title>krakend-connect in Vite<\/title>/);
  });

  test('POST bodies stream through a no-op endpoint', async () => {
    const res = await request(`${url}/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'through vite',
    });
    assert.deepEqual(JSON.parse(res.body), {
      method: 'POST',
      contentType: 'text/plain',
      body: 'through vite',
    });
  });

  test('SSE streams before the backend finishes; closing the client aborts the backend', async () => {
    await sseThenClose(`${url}/sse`, backend);
  });

  test('a broken config shows in the overlay with file, line and column; the next good save clears it', async () => {
    const hmr = await hmrClient(url);
    const good = JSON.stringify(hostConfig(backend.url), null, 2);
    try {
      config.write('{\n  "version": 3,\n  "endpoints": [\n    { "endpoint": "/x", }\n  ]\n}\n');
      const error = await hmr.next('error', 10_000);
      assert.equal(error.err?.plugin, 'krakend-connect');
      assert.deepEqual(error.err?.loc, { file: config.file, line: 4, column: 25 });
      assert.match(error.err!.message, /invalid character '}'/);
      assert.match(error.err!.frame ?? '', /4 \|.*"endpoint": "\/x", }/);
      // The last good generation keeps serving meanwhile.
      assert.equal((await request(`${url}/users/1`)).status, 200);
      config.write(`${good}\n`);
      await hmr.next('full-reload', 10_000);
      assert.equal((await request(`${url}/users/2`)).status, 200);
    } finally {
      hmr.close();
      config.write(`${good}\n`);
    }
  });

  test('restarts leave exactly one open gateway and one upgrade listener', async () => {
    const api = () => plugin().api as { gateways: readonly Gateway[] };
    assert.equal(api().gateways.length, 1);
    for (let i = 0; i < 5; i++) {
      const old = api().gateways[0]!;
      await server.restart();
      assert.equal(api().gateways.length, 1, `after restart ${i + 1}`);
      assert.notEqual(api().gateways[0], old);
      const event = await old.reload();
      assert.equal(event.ok, false, 'the old gateway is closed');
      const listeners = server
        .httpServer!.listeners('upgrade')
        .filter((l) => l.name === 'krakendUpgrade');
      assert.equal(listeners.length, 1);
      url = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`;
      const res = await request(`${url}/users/${i}`);
      assert.equal(res.status, 200);
    }
    const echoed = await wsRoundTrip(`${url.replace('http', 'ws')}/ws`, 10);
    assert.deepEqual(echoed, expectedEcho(10));
  });
});

describe('Vite in middleware mode (inside Express)', () => {
  const cacheDir = viteCacheDir();

  test('serves through the host, and restarts or closes leave no stray gateway', async () => {
    const backend = await startHostBackend();
    const config = tempConfig(hostConfig(backend.url));
    const plugin = krakend({ config: config.file, logger: false });
    const api = () => plugin.api as { gateways: readonly Gateway[] };
    const vite = await createServer({
      root: APP,
      cacheDir,
      configFile: false,
      logLevel: 'silent',
      appType: 'custom',
      plugins: [plugin],
      server: { middlewareMode: true },
    });
    const app = express();
    app.use((req, res, next) => vite.middlewares(req, res, next));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      assert.deepEqual(JSON.parse((await request(`${url}/users/4`)).body), {
        id: '4',
        name: 'User 4',
      });
      for (let i = 0; i < 3; i++) {
        const old = api().gateways[0]!;
        await vite.restart();
        assert.equal(api().gateways.length, 1, `after restart ${i + 1}`);
        assert.equal((await old.reload()).ok, false, 'the old gateway is closed');
        assert.equal((await request(`${url}/users/${i}`)).status, 200);
      }
      await vite.close();
      assert.equal(api().gateways.length, 0);
    } finally {
      server.close();
      await backend.close();
      config.remove();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
