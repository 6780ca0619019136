// Next 16 hosting the gateway, on the next-app example: `next dev` (Turbopack) through the Pages
// Router API route and the App Router route handler, then one `next build` served by
// `next start` and by the custom server (`node server.mjs --prod`, WebSockets included).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { request } from '../helpers/http.js';
import { startHostBackend, type HostBackend } from './support/backend.js';
import { hostConfig, ROOT, tempConfig, type TempConfig } from './support/config.js';
import { freePort, runProcess, startProcess, type Running } from './support/process.js';
import { expectedEcho, readSse, sseThenClose, wsRoundTrip } from './support/streams.js';

const APP = join(ROOT, 'examples/next-app');
const NEXT = join(ROOT, 'node_modules/next/dist/bin/next');

let backend: HostBackend;
let config: TempConfig;

before(async () => {
  backend = await startHostBackend();
  config = tempConfig(hostConfig(backend.url));
});

after(async () => {
  await backend.close();
  config.remove();
});

/** What every Next host must do, for a base URL: both routers, bodies, streaming, aborts. */
function routerTests(base: () => string) {
  test('the Pages Router API route serves a JSON endpoint', async () => {
    const res = await request(`${base()}/api/users/1`);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { id: '1', name: 'User 1' });
  });

  test('the App Router route handler serves a JSON endpoint', async () => {
    const res = await request(`${base()}/app-api/users/2?x=1`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.deepEqual(JSON.parse(res.body), { id: '2', name: 'User 2' });
    assert.equal(backend.seen.at(-1)?.url, '/users/2');
  });

  test('both routers give the gateway the raw path: an encoded slash is refused alike', async () => {
    const pages = await request(`${base()}/api/users/a%2Fb`);
    const app = await request(`${base()}/app-api/users/a%2Fb`);
    assert.equal(app.status, pages.status);
    assert.equal(app.body, pages.body);
    assert.equal(app.status, 400);
  });

  test('unknown gateway paths answer 404 page not found in both routers', async () => {
    for (const path of ['/api/nothing', '/app-api/nothing']) {
      const res = await request(`${base()}${path}`);
      assert.equal(res.status, 404, path);
      assert.equal(res.body, '404 page not found\n', path);
    }
  });

  test('POST bodies stream to a no-op backend through both routers', async () => {
    for (const prefix of ['/api', '/app-api']) {
      const res = await request(`${base()}${prefix}/echo`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"via":"next"}',
      });
      assert.equal(res.status, 200, prefix);
      assert.deepEqual(JSON.parse(res.body), {
        method: 'POST',
        contentType: 'application/json',
        body: '{"via":"next"}',
      });
    }
  });

  for (const prefix of ['/api', '/app-api']) {
    test(`SSE through ${prefix} streams before the backend finishes; closing aborts it`, async () => {
      const sse = await sseThenClose(`${base()}${prefix}/sse`, backend);
      assert.equal(sse.status, 200);
      assert.match(String(sse.headers['content-type']), /^text\/event-stream/);
    });
  }
}

describe('next dev', () => {
  let dev: Running;
  let url = '';

  before(async () => {
    const port = await freePort();
    dev = await startProcess(
      [NEXT, 'dev', '--turbopack', '--hostname', '127.0.0.1', '--port', String(port)],
      {
        cwd: APP,
        env: { KRAKEND_CONFIG: config.file, NODE_ENV: 'development' },
        ready: /Ready in/,
        ms: 60_000,
      },
    );
    url = `http://127.0.0.1:${port}`;
    // First hits compile the routes; not part of what the tests measure.
    await request(`${url}/api/__health`);
    await request(`${url}/app-api/__health`);
  });

  after(async () => {
    await dev?.stop();
  });

  routerTests(() => url);

  test('one gateway serves both routers', () => {
    const loads = dev.output().match(/endpoints loaded/g) ?? [];
    assert.equal(loads.length, 1, dev.output());
  });
});

describe('next build, then next start and the custom server', () => {
  let start: Running;
  let custom: Running;
  let startUrl = '';
  let customUrl = '';

  before(async () => {
    await runProcess([NEXT, 'build'], { cwd: APP, env: { NODE_ENV: 'production' }, ms: 180_000 });
    const [a, b] = [await freePort(), await freePort()];
    const env = { KRAKEND_CONFIG: config.file, NODE_ENV: 'production' };
    [start, custom] = await Promise.all([
      startProcess([NEXT, 'start', '--hostname', '127.0.0.1', '--port', String(a)], {
        cwd: APP,
        env,
        ready: /Ready in/,
      }),
      startProcess(['server.mjs', '--prod'], {
        cwd: APP,
        env: { ...env, PORT: String(b) },
        ready: /ready on/,
      }),
    ]);
    startUrl = `http://127.0.0.1:${a}`;
    customUrl = `http://127.0.0.1:${b}`;
  });

  after(async () => {
    await Promise.all([start?.stop(), custom?.stop()]);
  });

  test('the custom server: a WebSocket under /gw echoes 1,000 text and binary messages (opened first)', async () => {
    const echoed = await wsRoundTrip(`${customUrl.replace('http', 'ws')}/gw/ws`);
    assert.deepEqual(echoed, expectedEcho());
  });

  describe('next start', () => {
    routerTests(() => startUrl);

    test('SSE reaches a browser-like client (Accept-Encoding: gzip) unbuffered in both routers', async () => {
      for (const prefix of ['/api', '/app-api']) {
        const sse = await readSse(`${startUrl}${prefix}/sse`, 2, 10_000, {
          'Accept-Encoding': 'gzip, deflate, br',
        });
        assert.deepEqual(sse.events, ['one', 'two'], prefix);
        assert.equal(sse.headers['content-encoding'], undefined, prefix);
        sse.close();
      }
    });
  });

  describe('custom server', () => {
    test('serves gateway endpoints under /gw and streams SSE', async () => {
      const res = await request(`${customUrl}/gw/users/4`);
      assert.deepEqual(JSON.parse(res.body), { id: '4', name: 'User 4' });
      await sseThenClose(`${customUrl}/gw/sse`, backend);
    });

    test('what the gateway does not serve under /gw, and everything else, is Next', async () => {
      const page = await request(`${customUrl}/`);
      assert.equal(page.status, 200);
      assert.match(page.body, /krakend-connect in Next/);
      const missing = await request(`${customUrl}/gw/not-an-endpoint`);
      assert.equal(missing.status, 404);
      assert.match(missing.body, /This page could not be found|404/);
      const pages = await request(`${customUrl}/api/users/8`);
      assert.deepEqual(JSON.parse(pages.body), { id: '8', name: 'User 8' });
      const app = await request(`${customUrl}/app-api/users/9`);
      assert.deepEqual(JSON.parse(app.body), { id: '9', name: 'User 9' });
    });

    test('the custom server and the routes share one gateway', () => {
      const loads = custom.output().match(/endpoints loaded/g) ?? [];
      assert.equal(loads.length, 1, custom.output());
    });
  });
});
