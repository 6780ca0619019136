import assert from 'node:assert/strict';
import connect from 'connect';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect as h2connect, createServer, type ClientHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createGateway, type Gateway } from '../../src/index.js';
import { startBackend, type TestBackend } from '../helpers/backend.js';
import { krakend, settle, within } from './harness.js';

/**
 * reliability.md §6 row 26 over a plain HTTP/2 server (Vite with https is
 * test/e2e/vite-https.test.ts): requests are proxied without pseudo-headers, and a client that
 * resets its stream aborts the backend call on both paths — Node's HTTP/2 compat response reports
 * `writableFinished` after a reset, which once read as "answered" and left the backend running.
 */
describe('reliability §6 row 26: HTTP/2 clients', () => {
  let backend: TestBackend;
  let gateway: Gateway;
  let server: ReturnType<typeof createServer>;
  let session: ClientHttp2Session;
  const closed: string[] = [];
  let arrived = 0;

  before(async () => {
    backend = await startBackend(() => {});
    backend.server.removeAllListeners('request');
    backend.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      if (req.url === '/fast') {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ pseudo: Object.keys(req.headers).filter((h) => h[0] === ':') }));
        return;
      }
      // Slow: the headers after 5 s; the client resets long before.
      arrived++;
      const timer = setTimeout(() => res.end('{}'), 5000);
      res.on('close', () => {
        clearTimeout(timer);
        closed.push(req.url ?? '');
      });
    });
    const b = (path: string, encoding: string) => ({
      endpoint: `/${encoding}${path}`,
      output_encoding: encoding,
      timeout: '10s',
      input_headers: ['*'],
      backend: [{ host: [backend.url], url_pattern: path }],
    });
    gateway = createGateway({
      config: krakend(['json', 'no-op'].flatMap((e) => [b('/fast', e), b('/slow', e)])),
      fallthrough: false,
      watch: false,
      logger: false,
      dashboard: false,
    });
    await gateway.ready;
    const app = connect();
    app.use(gateway);
    server = createServer((req, res) => app(req as never, res as never));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    session = h2connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await within(once(session, 'connect'), 3000, 'HTTP/2 connect');
  });

  after(async () => {
    session.close();
    await new Promise<void>((r) => server.close(() => r()));
    await gateway.close();
    await backend.close();
  });

  for (const encoding of ['json', 'no-op']) {
    test(`row 26 (${encoding}): proxied without pseudo-headers`, async () => {
      const stream = session.request({ ':path': `/${encoding}/fast` });
      let body = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (body += c));
      const [headers] = (await within(once(stream, 'response'), 3000, 'the answer')) as [
        Record<string, unknown>,
      ];
      await within(once(stream, 'end'), 3000, 'the body');
      assert.equal(headers[':status'], 200);
      assert.deepEqual(JSON.parse(body), { pseudo: [] });
    });

    test(`a client stream reset aborts the ${encoding} backend call`, async () => {
      const before = closed.length;
      const calls = arrived;
      const stream = session.request({ ':path': `/${encoding}/slow` });
      stream.on('error', () => {});
      await settle(() => arrived > calls, 3000, 'the backend call');
      stream.close();
      await settle(() => closed.length > before, 2000, 'the backend saw the close');
      assert.equal(closed.at(-1), '/slow');
    });
  }
});
