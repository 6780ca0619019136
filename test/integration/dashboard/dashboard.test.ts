import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import connect from 'connect';
import { after, before, describe, test } from 'node:test';
import { jsonRoutes, startBackend, type TestBackend } from '../../helpers/backend.js';
import { createGateway } from '../../../src/index.js';
import { startGateway, type RunningGateway } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { closeServer, listenLoopback } from '../../helpers/server.js';

describe('dashboard at /__krakend/ (INTERFACE.md "Dashboard")', () => {
  let backend: TestBackend;
  let gw: RunningGateway;
  before(async () => {
    backend = await startBackend(jsonRoutes({ '/users/1': { id: 1 } }));
    gw = await startGateway({
      dashboard: true,
      config: {
        version: 3,
        host: [backend.url],
        endpoints: [{ endpoint: '/users/{id}', backend: [{ url_pattern: '/users/{id}' }] }],
      },
    });
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test('serves the page, and a snapshot listing every endpoint as written with its backends', async () => {
    const page = await request(`${gw.url}/__krakend/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(page.body, /<title>krakend-connect dashboard<\/title>/);
    const state = JSON.parse((await request(`${gw.url}/__krakend/api/state`)).body);
    assert.deepEqual(state.routes, [
      {
        method: 'GET',
        endpoint: '/users/{id}',
        outputEncoding: 'json',
        backends: [{ method: 'GET', host: backend.url, urlPattern: '/users/{id}', encoding: 'json' }],
      },
    ]);
    assert.equal(state.generation, 1);
  });

  test('streams each new request live over SSE', async () => {
    const events: string[] = [];
    const got = new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/__krakend/events`, (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream');
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          events.push(chunk);
          if (events.join('').includes('event: request')) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)));
      req.end();
      setTimeout(() => reject(new Error(`no event: ${events.join('')}`)), 5000).unref();
    });
    await new Promise((r) => setTimeout(r, 100));
    await request(`${gw.url}/users/1`);
    await got;
    const frame = events.join('').split('event: request\ndata: ')[1].split('\n')[0];
    const rec = JSON.parse(frame);
    assert.equal(rec.method, 'GET');
    assert.equal(rec.path, '/users/1');
    assert.equal(rec.endpoint, '/users/{id}');
    assert.equal(rec.status, 200);
  });

  test('under a mount prefix, /api/__krakend redirects into the prefix', async () => {
    const gateway = createGateway({ logger: false, watch: false, dashboard: true, config: { version: 3, endpoints: [] } });
    await gateway.ready;
    const app = connect();
    app.use('/api', gateway);
    const server = createServer(app);
    const port = await listenLoopback(server);
    try {
      const url = `http://127.0.0.1:${port}`;
      const bare = await request(`${url}/api/__krakend`);
      assert.equal(bare.status, 301);
      assert.equal(new URL(bare.headers.location!, `${url}/api/__krakend`).href, `${url}/api/__krakend/`);
      const followed = await fetch(`${url}/api/__krakend`);
      assert.equal(followed.status, 200);
      assert.equal(followed.url, `${url}/api/__krakend/`);
    } finally {
      await closeServer(server);
      await gateway.close();
    }
  });

  test('off with dashboard: false', async () => {
    const off = await startGateway({ dashboard: false, config: { version: 3, endpoints: [] }, fallthrough: false });
    try {
      assert.equal((await request(`${off.url}/__krakend/`)).status, 404);
    } finally {
      await off.close();
    }
  });
});
