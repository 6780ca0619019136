// Express 5 hosting the gateway over real sockets: prefix mount, bodies after express.json(),
// fallthrough to Express routes, next(err), SSE, WebSockets and closing with the server.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express, { type NextFunction, type Request, type Response } from 'express';
import { krakend, type KrakendMiddleware } from 'krakend-connect/express';
import { request } from '../helpers/http.js';
import { startHostBackend, type HostBackend } from './support/backend.js';
import { hostConfig, tempConfig, type TempConfig } from './support/config.js';
import { expectedEcho, sseThenClose, wsRoundTrip } from './support/streams.js';

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The app's own error handler: answers what reached `next(err)` as JSON, keeping it in `seen`. */
function expressErrors(seen: unknown[] = []) {
  return (
    err: Error & { status?: number; code?: string },
    _req: Request,
    res: Response,
    _next: NextFunction,
  ): void => {
    seen.push(err);
    res.status(err.status ?? 500).json({ handledBy: 'express', code: err.code });
  };
}

describe('Express', () => {
  let backend: HostBackend;
  let config: TempConfig;
  let gateway: KrakendMiddleware;
  let server: Server;
  let url: string;
  const errors: unknown[] = [];

  before(async () => {
    backend = await startHostBackend();
    config = tempConfig(hostConfig(backend.url));
    gateway = krakend({ config: config.file, logger: false, watch: false });
    const app = express();
    app.use(express.json());
    app.use(express.urlencoded({ extended: false }));
    app.use('/api', gateway);
    app.get('/api/express-only', (_req, res) => void res.send('an Express route under /api'));
    app.get('/hello', (_req, res) => void res.send('hello from Express'));
    app.use(expressErrors(errors));
    ({ server, url } = await listen(app));
    gateway.attach(server, { path: '/api' });
    await gateway.ready;
  });

  after(async () => {
    await closeServer(server);
    await backend.close();
    config.remove();
  });

  test('a WebSocket under the mount path echoes 1,000 text and binary messages (opened first)', async () => {
    const echoed = await wsRoundTrip(`${url.replace('http', 'ws')}/api/ws`);
    assert.deepEqual(echoed, expectedEcho());
  });

  test('serves endpoints under the prefix, filtered as KrakenD does', async () => {
    const res = await request(`${url}/api/users/7`);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { id: '7', name: 'User 7' });
    assert.equal(backend.seen.at(-1)?.url, '/users/7');
  });

  test('built-ins answer under the prefix', async () => {
    const res = await request(`${url}/api/__health`);
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).status, 'ok');
  });

  test('what the gateway does not serve falls through to Express routes', async () => {
    const inside = await request(`${url}/api/express-only`);
    assert.equal(inside.status, 200);
    assert.equal(inside.body, 'an Express route under /api');
    const outside = await request(`${url}/hello`);
    assert.equal(outside.body, 'hello from Express');
    const unknown = await request(`${url}/api/nothing-here`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.body, /Cannot GET \/api\/nothing-here/);
  });

  test('a JSON body already read by express.json() still reaches the backend', async () => {
    const res = await request(`${url}/api/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ hello: 'world', n: 1 }),
    });
    assert.equal(res.status, 200);
    const seen = JSON.parse(res.body);
    assert.equal(seen.method, 'POST');
    assert.equal(seen.contentType, 'application/json');
    assert.deepEqual(JSON.parse(seen.body), { hello: 'world', n: 1 });
  });

  test('a form body already read by express.urlencoded() still reaches the backend', async () => {
    const res = await request(`${url}/api/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=two',
    });
    const seen = JSON.parse(res.body);
    assert.equal(seen.contentType, 'application/x-www-form-urlencoded');
    assert.equal(seen.body, 'a=1&b=two');
  });

  test('SSE streams before the backend finishes; closing the client aborts the backend', async () => {
    const sse = await sseThenClose(`${url}/api/sse`, backend);
    assert.equal(sse.status, 200);
    assert.match(String(sse.headers['content-type']), /^text\/event-stream/);
  });

  test('upgrades outside the gateway get a 404 when nothing else listens', async () => {
    await assert.rejects(
      wsRoundTrip(`${url.replace('http', 'ws')}/elsewhere`, 1, 5000),
      /Unexpected server response: 404/,
    );
  });

  test('a config that never loaded goes to next(err) with its code and status 503', async () => {
    const broken = tempConfig({});
    broken.write('{ "version": 3, "endpoints": [ }');
    const failing = krakend({ config: broken.file, logger: false, watch: false });
    await assert.rejects(failing.ready, /invalid character/);
    const app = express();
    app.use(failing);
    app.use(expressErrors());
    const host = await listen(app);
    try {
      const res = await request(`${host.url}/anything`);
      assert.equal(res.status, 503);
      assert.deepEqual(JSON.parse(res.body), { handledBy: 'express', code: 'KC_CONFIG_SYNTAX' });
    } finally {
      await closeServer(host.server);
      await failing.close();
      broken.remove();
    }
  });

  test('closing the HTTP server closes the gateway (found from the first request)', async () => {
    const own = krakend({ config: config.file, logger: false, watch: false });
    const app = express();
    app.use(own);
    const host = await listen(app);
    const before = await request(`${host.url}/users/1`);
    assert.equal(before.status, 200);
    await closeServer(host.server);
    // A closed gateway refuses to reload and answers 503 KC_CLOSED.
    const event = await own.gateway.reload();
    assert.equal(event.ok, false);
    assert.equal(!event.ok && (event.error as Error & { code?: string }).code, 'KC_CLOSED');
  });
});
