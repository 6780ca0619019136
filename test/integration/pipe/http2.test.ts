import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createEndpointHandler } from '../../../src/http/endpoint.js';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import { config, endpoint, testDeps, type TestDeps } from '../../unit/proxy/fixtures.js';

/**
 * An HTTP/2 client (Vite with https serves HTTP/2, reliability.md §2.5): pseudo-headers never go
 * to the backend, the host comes from `:authority`, and no connection-specific header is written
 * to the HTTP/2 response (Node would throw).
 */
describe('HTTP/2 requests', () => {
  let backend: TestBackend;
  let server: Http2Server;
  let t: TestDeps;
  let url = '';

  before(async () => {
    backend = await startBackend((req, res, body) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
      });
      res.end(JSON.stringify({ path: req.url, body: body.toString() }));
    });
    const endpoints = [
      endpoint({
        endpoint: '/json/{id}',
        inputHeaders: ['*'],
        backends: [{ host: backend.url, urlPattern: '/b/{id}' }],
      }),
      endpoint({
        endpoint: '/noop',
        method: 'POST',
        outputEncoding: 'no-op',
        inputHeaders: ['*'],
        backends: [{ host: backend.url, urlPattern: '/n' }],
      }),
    ];
    t = testDeps(config(endpoints));
    const json = createEndpointHandler(endpoints[0]!, t.deps);
    const noop = createEndpointHandler(endpoints[1]!, t.deps);
    server = createServer((req, res) => {
      const r = req as unknown as import('node:http').IncomingMessage;
      const w = res as unknown as import('node:http').ServerResponse;
      if (req.url.startsWith('/json/')) json(r, w, { id: req.url.slice(6) });
      else noop(r, w, {});
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await t.close();
    await backend.close();
  });

  function h2(
    path: string,
    method: string,
    body?: string,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      const client = connect(url);
      client.on('error', reject);
      const req = client.request({
        ':path': path,
        ':method': method,
        ':authority': 'app.local:5173',
        'x-custom': 'yes',
      });
      const chunks: Buffer[] = [];
      let headers: Record<string, unknown> = {};
      req.on('response', (h) => {
        headers = h;
      });
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        client.close();
        resolve({
          status: Number(headers[':status']),
          headers,
          body: Buffer.concat(chunks).toString(),
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('a decoding endpoint answers; the backend sees no pseudo-headers and the :authority host', async () => {
    const r = await h2('/json/7', 'GET');
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"body":"","path":"/b/7"}');
    const seen = backend.seen.at(-1)!;
    assert.ok(seen.rawHeaders.every((h, i) => i % 2 === 1 || !h.startsWith(':')));
    assert.equal(seen.headers['x-forwarded-host'], 'app.local:5173');
    assert.equal(seen.headers['x-custom'], 'yes');
  });

  it('a no-op endpoint streams the body both ways without connection headers', async () => {
    const r = await h2('/noop', 'POST', 'payload');
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"path":"/n","body":"payload"}');
    assert.equal(r.headers['connection'], undefined);
    assert.equal(r.headers['keep-alive'], undefined);
    assert.equal(r.headers['x-krakend'], 'Version 2.13.8');
  });
});
