import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Agent, request as httpRequest } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createGateway, type ReloadEvent } from '../../../src/index.js';
import { startGateway } from '../../helpers/gateway.js';
import { request, type TestResponse } from '../../helpers/http.js';
import { delay, nextEvent, tempFolder } from './edit.js';
import { endpoints, startReloadFixture } from './fixture.js';

const fsWatches = () => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length;

async function settleWatches(expected: number): Promise<number> {
  // fs.watch handles are released on the next turn of the loop.
  for (let i = 0; i < 50 && fsWatches() !== expected; i++) await delay(10);
  return fsWatches();
}

/** Tags responses with its version; records on `globalThis` when its generation is unloaded. */
const tagPlugin = (version: string) => `
export const HandlerRegisterer = {
  RegisterHandlers(register) {
    register('tag', (ctx, _extra, next) => {
      ctx.signal.addEventListener('abort', () => {
        (globalThis.__kcUnloaded ??= []).push('${version}');
      });
      return (req, res) => {
        res.setHeader('x-plugin-version', '${version}');
        return next(req, res);
      };
    });
  },
};
`;
const unloaded = () => ((globalThis as { __kcUnloaded?: string[] }).__kcUnloaded ?? []);

describe('reload lifecycle (issue 6)', () => {
  test('in-flight requests end on their generation; its plugins unload once drained', async () => {
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const f = await startReloadFixture({
      config: (b) =>
        endpoints(b, ['a', 'slow'], {
          plugin: { pattern: '.so', folder: './plugins/' },
          extra_config: { 'plugin/http-server': { name: ['tag'] } },
        }),
      plugins: { 'tag.mjs': tagPlugin('v1') },
      backend: async (req, res) => {
        if (req.url === '/slow') await held;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ path: req.url }));
      },
    });
    try {
      const slow = request(`${f.gw.url}/slow`);
      const arrived = () => f.backend.seen.some((s) => s.url === '/slow');
      for (let i = 0; i < 200 && !arrived(); i++) await delay(10);
      assert.ok(arrived());

      const done = f.nextReload((e) => e.ok);
      await f.writePlugin('tag.mjs', tagPlugin('v2'));
      assert.ok((await done).ok);
      assert.equal((await request(`${f.gw.url}/a`)).headers['x-plugin-version'], 'v2');
      assert.ok(!unloaded().includes('v1'), 'v1 unloaded while a request still ran on it');

      release();
      const res = await slow;
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-plugin-version'], 'v1');
      assert.equal(res.body, JSON.stringify({ path: '/slow' }));
      for (let i = 0; i < 200 && !unloaded().includes('v1'); i++) await delay(10);
      assert.deepEqual(unloaded(), ['v1']);
    } finally {
      release();
      await f.close();
    }
    assert.deepEqual(unloaded(), ['v1', 'v2'], 'close() unloads the current generation too');
  });

  test('no failed request on an unchanged endpoint while reloads happen under load', async () => {
    const f = await startReloadFixture({ config: (b) => endpoints(b, ['a']) });
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const get = () =>
      new Promise<TestResponse>((resolve, reject) => {
        const req = httpRequest(`${f.gw.url}/a`, { agent }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: [], body }),
          );
        });
        req.on('error', reject);
        req.end();
      });
    let stop = false;
    const results: (number | string)[] = [];
    const client = async () => {
      while (!stop) {
        try {
          const r = await get();
          const good = r.status === 200 && r.body === '{"path":"/a"}';
          results.push(good ? 200 : `${r.status} ${r.body}`);
        } catch (err) {
          results.push((err as Error).message);
        }
      }
    };
    const clients = [client(), client(), client(), client()];
    try {
      for (let i = 1; i <= 10; i++) {
        const done = f.nextReload((e) => e.ok);
        const names = i % 2 ? ['a', `b${i}`] : ['a'];
        await f.writeConfig(endpoints(f.backend.url, names), i % 3 ? 'atomic' : 'inPlace');
        await done;
        await delay(150);
      }
    } finally {
      stop = true;
      await Promise.all(clients);
      agent.destroy();
      await f.close();
    }
    assert.ok(results.length > 20);
    assert.deepEqual(results.filter((r) => r !== 200), []);
  });

  test('watch: false creates no watcher; edits wait for reload()', async () => {
    const { dir, cleanup } = await tempFolder();
    const file = join(dir, 'krakend.json');
    await writeFile(file, JSON.stringify(endpoints('http://127.0.0.1:19', ['a'])));
    const before = fsWatches();
    const gw = await startGateway({ config: file, watch: false });
    try {
      assert.equal(fsWatches(), before);
      const seen: ReloadEvent[] = [];
      gw.gateway.on('reload', (e) => seen.push(e));
      await writeFile(file, JSON.stringify(endpoints('http://127.0.0.1:19', ['a', 'b'])));
      await delay(300);
      assert.deepEqual(seen, []);
      assert.equal((await request(`${gw.url}/b`)).status, 418);
      const event = await gw.gateway.reload();
      assert.ok(event.ok);
      assert.equal((await request(`${gw.url}/b`)).status, 500);
    } finally {
      await gw.close();
      await cleanup();
    }
  });

  test('close() leaves no watcher open, and is idempotent', async () => {
    const before = fsWatches();
    const f = await startReloadFixture({
      config: (b) => endpoints(b, ['a'], { plugin: { pattern: '.so', folder: './plugins/' } }),
    });
    assert.ok(fsWatches() > before);
    await f.close();
    assert.equal(await settleWatches(before), before);
    await f.gw.gateway.close();
    const late = await f.gw.gateway.reload();
    assert.equal(late.ok, false);
  });

  test("a host's (Vite's) watcher is reused: no fs watch, listeners gone on close", async () => {
    class FakeViteWatcher extends EventEmitter {
      added: string[] = [];
      add(paths: string | readonly string[]) {
        this.added.push(...(typeof paths === 'string' ? [paths] : paths));
        return this;
      }
    }
    const host = new FakeViteWatcher();
    const { dir, cleanup } = await tempFolder();
    const file = join(dir, 'krakend.json');
    const plugins = join(dir, 'plugins');
    const config = (names: string[]) =>
      endpoints('http://127.0.0.1:19', names, { plugin: { pattern: '.so', folder: './plugins/' } });
    await writeFile(file, JSON.stringify(config(['a'])));
    const before = fsWatches();
    const gateway = createGateway({ config: file, watch: true, watcher: host, logger: false });
    try {
      await gateway.ready;
      assert.equal(fsWatches(), before);
      assert.deepEqual(host.added, [file, plugins]);
      const done = nextEvent<ReloadEvent>(gateway, 'reload');
      await writeFile(file, JSON.stringify(config(['a', 'b'])));
      host.emit('change', file);
      const event = await done;
      assert.ok(event.ok && event.routes === 2);
      assert.deepEqual(event.changed, [file]);
    } finally {
      await gateway.close();
      await cleanup();
    }
    for (const kind of ['add', 'change', 'unlink']) assert.equal(host.listenerCount(kind), 0);
  });
});
