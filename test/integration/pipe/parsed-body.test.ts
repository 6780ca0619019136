import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createEndpointHandler } from '../../../src/http/endpoint.js';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import { request } from '../../helpers/http.js';
import { config, endpoint, testDeps, type TestDeps } from '../../unit/proxy/fixtures.js';

/**
 * After a host body parser (`express.json()`, Next's bodyParser) consumed the stream, the body is
 * forwarded from `req.body` (INTERFACE.md), on the decoding pipe and on no-op.
 */
describe('bodies a host parser already read', () => {
  let backend: TestBackend;
  let t: TestDeps;
  let server: ReturnType<typeof createServer>;
  let url = '';

  before(async () => {
    backend = await startBackend((req, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ body: body.toString(), type: req.headers['content-type'] ?? null }));
    });
    const endpoints = [
      endpoint({
        endpoint: '/json',
        method: 'POST',
        backends: [{ host: backend.url, urlPattern: '/' }],
      }),
      endpoint({
        endpoint: '/noop',
        method: 'POST',
        outputEncoding: 'no-op',
        backends: [{ host: backend.url, urlPattern: '/' }],
      }),
    ];
    t = testDeps(config(endpoints));
    const handlers = endpoints.map((e) => createEndpointHandler(e, t.deps));
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const text = Buffer.concat(chunks).toString();
      const type = req.headers['content-type'] ?? '';
      (req as IncomingMessage & { body?: unknown }).body = type.includes('json')
        ? JSON.parse(text)
        : type.includes('urlencoded')
          ? Object.fromEntries(new URLSearchParams(text))
          : text;
      handlers[req.url === '/json' ? 0 : 1]!(req, res, {});
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await t.close();
    await backend.close();
  });

  it('a parsed JSON body is sent again as JSON', async () => {
    for (const path of ['/json', '/noop']) {
      const r = await request(`${url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"a": [1, 2]}',
      });
      assert.equal(r.status, 200);
      assert.deepEqual(JSON.parse(r.body), { body: '{"a":[1,2]}', type: 'application/json' });
    }
  });

  it('a parsed urlencoded body is sent again urlencoded', async () => {
    const r = await request(`${url}/noop`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=two+words',
    });
    assert.equal(JSON.parse(r.body).body, 'a=1&b=two+words');
  });
});
