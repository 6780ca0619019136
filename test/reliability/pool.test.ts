import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request as httpRequest, type ClientRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { request } from '../helpers/http.js';
import {
  assertHealthy,
  krakend,
  settle,
  startStandalone,
  within,
  type Standalone,
} from './harness.js';

/**
 * Backend calls in flight are bounded by the pool: 128 connections per backend origin. When every
 * one is held (long-lived streams through no-op endpoints), further calls wait in the pool's
 * queue; they are still answered with KrakenD's 500 at the endpoint timeout, on both paths, and
 * the pool serves again once connections free up. undici's own header timeout starts only when a
 * connection takes the call (with the pool loaded alone, src/proxy/dispatchers.ts), so the no-op
 * path arms its own timer for a queued call and the pipe races its deadline.
 */
const CONNECTIONS = 128;

describe('a backend whose pooled connections are all busy', () => {
  let backend: Server;
  let url = '';
  let gw: Standalone;
  const streams: ClientRequest[] = [];
  let open = 0;

  before(async () => {
    backend = createServer((req, res) => {
      if (req.url === '/ok') {
        res.setHeader('Content-Type', 'application/json');
        res.end('{"ok":true}');
        return;
      }
      open++;
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: held\n\n');
      req.on('close', () => open--);
    });
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    url = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    const b = (path: string) => [{ host: [url], url_pattern: path }];
    gw = await startStandalone(
      krakend([
        { endpoint: '/stream', output_encoding: 'no-op', backend: b('/stream') },
        { endpoint: '/noop', output_encoding: 'no-op', timeout: '1s', backend: b('/ok') },
        { endpoint: '/json', timeout: '1s', backend: b('/ok') },
      ]),
      { level: 'warn' },
    );
  });

  after(async () => {
    for (const s of streams) s.destroy();
    await gw.close();
    backend.closeAllConnections();
    await new Promise<void>((r) => backend.close(() => r()));
  });

  test('calls beyond the pool get 500 at the endpoint timeout; served again after', async () => {
    for (let i = 0; i < CONNECTIONS; i++) {
      const s = httpRequest(`${gw.url}/stream`, { agent: false }, (res) => res.resume());
      s.on('error', () => {});
      s.end();
      streams.push(s);
    }
    await settle(() => open === CONNECTIONS, 10_000, `${CONNECTIONS} streams held`);
    for (const path of ['/noop', '/json']) {
      const r = await within(request(`${gw.url}${path}`), 3000, `${path} answered`);
      assert.equal(r.status, 500, path);
      assert.ok(gw.problems().includes(`[ENDPOINT: ${path}] context deadline exceeded`));
    }
    for (const s of streams.splice(0)) s.destroy();
    await settle(() => open === 0, 5000, 'streams released');
    for (const path of ['/noop', '/json']) {
      const r = await within(request(`${gw.url}${path}`), 3000, `${path} answered`);
      assert.deepEqual([r.status, r.body], [200, '{"ok":true}']);
    }
    await assertHealthy(gw.url);
  });
});
