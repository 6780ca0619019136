// A Vite project of its own (vite.config.mjs, krakend.json and a handler plugin in its root):
// a relative config path resolves against Vite's root, Vite's watcher is the one watching,
// editing vite.config.mjs restarts Vite with exactly one open gateway, and a broken plugin shows
// in the overlay at its own file, line and column.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Gateway } from 'krakend-connect';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { WebSocket } from 'ws';
import { request } from '../helpers/http.js';
import { settle } from '../helpers/time.js';
import { startHostBackend, type HostBackend } from './support/backend.js';
import { hostConfig, ROOT } from './support/config.js';

const ADAPTER = pathToFileURL(join(ROOT, 'dist/adapters/vite.js')).href;
const PLUGINS = Symbol.for('krakend-connect.e2e.plugins');

const GOOD_PLUGIN = `export const HandlerRegisterer = {
  RegisterHandlers(register) {
    register('hello', (_ctx, _extra, next) => (req, res) => {
      if (req.url !== '/hello') return next(req, res);
      res.end('hello from a plugin');
    });
  },
};
`;

const BROKEN_PLUGIN = `export const HandlerRegisterer = {
  RegisterHandlers(register) {
    register('hello', (_ctx, _extra, next) => (req, res) => {
      if (req.url !== '/hello') return next(req res);
    });
  },
};
`;

describe('a Vite project with its own vite.config.mjs', () => {
  let backend: HostBackend;
  let root: string;
  let server: ViteDevServer;
  const plugins = () => ((globalThis as Record<symbol, Plugin[]>)[PLUGINS] ??= []);
  const open = () => plugins().flatMap((p) => (p.api as { gateways: readonly Gateway[] }).gateways);
  const url = () => `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`;

  before(async () => {
    backend = await startHostBackend();
    root = mkdtempSync(join(tmpdir(), 'kc-vite-project-'));
    mkdirSync(join(root, 'plugins'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>project</title><p>app</p>\n');
    writeFileSync(join(root, 'plugins/hello.mjs'), GOOD_PLUGIN);
    writeFileSync(
      join(root, 'krakend.json'),
      JSON.stringify(
        {
          ...hostConfig(backend.url),
          plugin: { pattern: '.so', folder: './plugins/' },
          extra_config: { 'plugin/http-server': { name: ['hello'] } },
        },
        null,
        2,
      ),
    );
    writeFileSync(
      join(root, 'vite.config.mjs'),
      `import { krakend } from ${JSON.stringify(ADAPTER)};
const plugin = krakend({ config: './krakend.json', logger: false });
(globalThis[Symbol.for('krakend-connect.e2e.plugins')] ??= []).push(plugin);
export default { plugins: [plugin], logLevel: 'silent', clearScreen: false };
`,
    );
    server = await createServer({
      root,
      configFile: join(root, 'vite.config.mjs'),
      server: { host: '127.0.0.1', port: 0 },
    });
    await server.listen();
  });

  after(async () => {
    await server.close();
    await backend.close();
    rmSync(root, { recursive: true, force: true });
  });

  test("a relative config path resolves against Vite's root, plugins included", async () => {
    const res = await request(`${url()}/users/1`);
    assert.deepEqual(JSON.parse(res.body), { id: '1', name: 'User 1' });
    const hello = await request(`${url()}/hello`);
    assert.equal(hello.body, 'hello from a plugin');
  });

  test("Vite's watcher watches the gateway's files", () => {
    const watched = server.watcher.getWatched();
    assert.ok(watched[root]?.includes('krakend.json'), JSON.stringify(watched[root]));
    assert.ok(watched[join(root, 'plugins')]?.includes('hello.mjs'));
  });

  test('editing vite.config.mjs restarts Vite and leaves exactly one open gateway', async () => {
    for (let i = 1; i <= 3; i++) {
      const before = plugins().length;
      const old = open()[0]!;
      appendFileSync(join(root, 'vite.config.mjs'), `// edit ${i}\n`);
      await settle(() => plugins().length === before + 1, 15_000, `restart ${i}`);
      await settle(() => open().length === 1 && open()[0] !== old, 15_000, `one gateway after ${i}`);
      assert.equal((await old.reload()).ok, false, 'the old gateway is closed');
      await settle(() => server.httpServer?.listening === true, 15_000, 'listening again');
      const res = await request(`${url()}/users/${i}`);
      assert.equal(res.status, 200);
    }
  });

  test('a broken plugin shows in the overlay at its file, line and column; fixing it clears it', async () => {
    const ws = new WebSocket(url().replace('http', 'ws'), ['vite-hmr']);
    const messages: { type: string; err?: { loc?: unknown; plugin?: string; message: string } }[] =
      [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    try {
      await settle(() => messages.some((m) => m.type === 'connected'), 5000, 'HMR connected');
      writeFileSync(join(root, 'plugins/hello.mjs'), BROKEN_PLUGIN);
      await settle(() => messages.some((m) => m.type === 'error'), 10_000, 'overlay error');
      const error = messages.find((m) => m.type === 'error')!.err!;
      assert.equal(error.plugin, 'krakend-connect');
      assert.deepEqual(error.loc, { file: join(root, 'plugins/hello.mjs'), line: 4, column: 49 });
      // The last good plugin keeps serving meanwhile.
      assert.equal((await request(`${url()}/hello`)).body, 'hello from a plugin');
      writeFileSync(
        join(root, 'plugins/hello.mjs'),
        GOOD_PLUGIN.replace('hello from', 'hi again from'),
      );
      await settle(() => messages.some((m) => m.type === 'full-reload'), 10_000, 'full reload');
      assert.equal((await request(`${url()}/hello`)).body, 'hi again from a plugin');
    } finally {
      ws.close();
    }
  });
});
