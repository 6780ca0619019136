import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import { rawRequest, request } from '../../helpers/http.js';
import { tcpBackend, type TcpBackend } from '../../helpers/tcp-backend.js';
import { within } from '../../helpers/time.js';
import { endpoint } from '../../unit/proxy/fixtures.js';
import { servePipe, type PipeServer } from './harness.js';

/**
 * reliability.md §1: the faults that crash or hang a naive Node proxy, each proven answered and
 * survived, on the no-op hot path and on the decoding pipe. DECISIONS.md 12: faults are 500.
 */

/** A backend that writes exactly `reply(socket)` bytes once a request arrives on a connection. */
function rawBackend(reply: (socket: Socket) => void): Promise<TcpBackend> {
  return tcpBackend((socket) => socket.once('data', () => reply(socket)));
}

describe('reliability.md §1 faults', () => {
  let ok: TestBackend;
  let slow: TestBackend;
  let slowClosed: Promise<void>;
  let notifySlowClosed: () => void = () => {};
  let trailerCl: TcpBackend;
  let trailerChunked: TcpBackend;
  let reset: TcpBackend;
  let hop: TcpBackend;
  let flakyServer: NetServer;
  let armed = false;
  let gw: PipeServer;
  let plain: PipeServer;
  const crashes: unknown[] = [];
  const onCrash = (err: unknown): void => {
    crashes.push(err);
  };

  before(async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    ok = await startBackend((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    slow = await startBackend(() => {});
    slow.server.removeAllListeners('request');
    slow.server.on('request', (req, res) => {
      res.on('close', () => notifySlowClosed());
      const t = setTimeout(() => {
        if (!res.destroyed) res.end('{"late":true}');
      }, 3000);
      res.on('close', () => clearTimeout(t));
      req.resume();
    });
    trailerCl = await rawBackend((s) =>
      s.end(
        'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nTrailer: X-Foo\r\n\r\n{"ok":true}',
      ),
    );
    trailerChunked = await rawBackend((s) =>
      s.end(
        'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nTrailer: X-Foo\r\n\r\nb\r\n{"ok":true}\r\n0\r\nX-Foo: bar\r\n\r\n',
      ),
    );
    reset = await rawBackend((s) => {
      s.write(
        'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n0123456789',
      );
      setTimeout(() => s.resetAndDestroy(), 50);
    });
    hop = await rawBackend((s) =>
      s.end(
        'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive, X-Internal\r\nX-Internal: secret\r\n' +
          'Keep-Alive: timeout=99\r\nProxy-Authenticate: Basic\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c\r\n' +
          'X-Public: yes\r\nContent-Length: 11\r\n\r\n{"ok":true}',
      ),
    );
    // A backend closing a kept-alive socket just as the gateway reuses it: the first reuse of a
    // connection is reset once per test; every other request is answered.
    flakyServer = createNetServer((socket) => {
      let n = 0;
      socket.on('error', () => {});
      socket.on('data', () => {
        if (n++ > 0 && armed) {
          armed = false;
          socket.resetAndDestroy();
          return;
        }
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}',
        );
      });
    });
    flakyServer.listen(0, '127.0.0.1');
    await once(flakyServer, 'listening');
    const flakyUrl = `http://127.0.0.1:${(flakyServer.address() as AddressInfo).port}`;
    const routes = (prefix: string, outputEncoding: string) => [
      endpoint({
        endpoint: `${prefix}/ok`,
        method: 'GET',
        outputEncoding,
        inputHeaders: ['*'],
        backends: [{ host: ok.url }],
      }),
      endpoint({
        endpoint: `${prefix}/ok`,
        method: 'POST',
        outputEncoding,
        inputHeaders: ['*'],
        backends: [{ host: ok.url }],
      }),
      endpoint({
        endpoint: `${prefix}/refused`,
        outputEncoding,
        backends: [{ host: 'http://127.0.0.1:1' }],
      }),
      endpoint({
        endpoint: `${prefix}/slow`,
        outputEncoding,
        timeoutMs: 5000,
        backends: [{ host: slow.url }],
      }),
      endpoint({
        endpoint: `${prefix}/trailer-cl`,
        outputEncoding,
        backends: [{ host: trailerCl.url }],
      }),
      endpoint({
        endpoint: `${prefix}/trailer-chunked`,
        outputEncoding,
        backends: [{ host: trailerChunked.url }],
      }),
      endpoint({ endpoint: `${prefix}/reset`, outputEncoding, backends: [{ host: reset.url }] }),
      endpoint({ endpoint: `${prefix}/hop`, outputEncoding, backends: [{ host: hop.url }] }),
      endpoint({ endpoint: `${prefix}/flaky`, outputEncoding, backends: [{ host: flakyUrl }] }),
    ];
    gw = await servePipe([...routes('/noop', 'no-op'), ...routes('/json', 'json')]);
    plain = await servePipe([endpoint({ endpoint: '/json', backends: [{ host: ok.url }] })], {
      noUpgradeListener: true,
    });
  });

  after(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await gw.close();
    await plain.close();
    for (const b of [ok, slow, trailerCl, trailerChunked, reset, hop]) await b.close();
    await new Promise<void>((r) => flakyServer.close(() => r()));
  });

  const alive = async (): Promise<void> => {
    const r = await request(`${gw.url}/json/ok`);
    assert.equal(r.status, 200);
    assert.deepEqual(crashes, []);
  };

  for (const kind of ['noop', 'json']) {
    it(`${kind}: a client Trailer header without a chunked body (GET and POST) is answered`, async () => {
      const get = await rawRequest(
        gw.port,
        `GET /${kind}/ok HTTP/1.1\r\nHost: x\r\nTrailer: X-Foo\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(get.status, 200);
      const post = await rawRequest(
        gw.port,
        `POST /${kind}/ok HTTP/1.1\r\nHost: x\r\nTrailer: X-Foo\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`,
      );
      assert.equal(post.status, 200);
      await alive();
    });

    it(`${kind}: a backend Trailer with Content-Length, and to an HTTP/1.0 client, is answered without it`, async () => {
      const r = await request(`${gw.url}/${kind}/trailer-cl`);
      assert.equal(r.status, 200);
      assert.equal(r.headers['trailer'], undefined);
      assert.equal(r.body, '{"ok":true}');
      const old = await rawRequest(
        gw.port,
        `GET /${kind}/trailer-chunked HTTP/1.0\r\nHost: x\r\n\r\n`,
      );
      assert.equal(old.status, 200);
      assert.doesNotMatch(old.text, /^Trailer:/im);
      assert.match(old.text, /\{"ok":true\}$/);
      await alive();
    });

    it(`${kind}: a refused backend is a 500, logged, and the gateway stays up`, async () => {
      const r = await within(request(`${gw.url}/${kind}/refused`), 1000, 'an answer');
      assert.equal(r.status, 500);
      assert.equal(r.headers['x-krakend-completed'], 'false');
      assert.ok(
        gw
          .errors()
          .includes(
            `[ENDPOINT: /${kind}/refused] Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused`,
          ),
        gw.errors().join('\n'),
      );
      await alive();
    });

    it(`${kind}: a client that leaves aborts the backend call`, async () => {
      slowClosed = new Promise<void>((r) => {
        notifySlowClosed = r;
      });
      const client = rawRequest(gw.port, `GET /${kind}/slow HTTP/1.1\r\nHost: x\r\n\r\n`, 300);
      const r = await client;
      assert.equal(r.timedOut, true);
      await within(slowClosed, 1000, 'the backend close');
      await alive();
    });

    it(`${kind}: hop-by-hop headers are stripped both ways`, async () => {
      await request(`${gw.url}/${kind}/ok`, {
        headers: {
          Connection: 'keep-alive, X-Secret',
          'X-Secret': '1',
          'Keep-Alive': 'timeout=5',
          TE: 'trailers',
          'Proxy-Authorization': 'Basic x',
          'Proxy-Connection': 'keep-alive',
          Upgrade: 'h2c',
          'X-Kept': 'yes',
        },
      });
      const seen = ok.seen.at(-1)!.headers;
      for (const h of [
        'x-secret',
        'keep-alive',
        'te',
        'proxy-authorization',
        'proxy-connection',
        'upgrade',
      ]) {
        assert.equal(seen[h], undefined, h);
      }
      assert.equal(seen['x-kept'], 'yes');
      const r = await request(`${gw.url}/${kind}/hop`);
      assert.equal(r.status, 200);
      for (const h of [
        'x-internal',
        'keep-alive',
        'proxy-authenticate',
        'proxy-connection',
        'upgrade',
      ]) {
        assert.equal(r.headers[h], undefined, h);
      }
      if (kind === 'noop') assert.equal(r.headers['x-public'], 'yes');
      await alive();
    });
  }

  for (const kind of ['noop', 'json']) {
    it(`${kind}: a reset on a reused keep-alive socket is retried once (idempotent, no body)`, async () => {
      await request(`${gw.url}/${kind}/flaky`);
      armed = true;
      for (let i = 0; i < 4; i++) {
        const r = await request(`${gw.url}/${kind}/flaky`);
        assert.equal(r.status, 200, `request ${i}: ${gw.errors().join(' | ')}`);
        assert.equal(r.body, '{"ok":true}');
      }
      assert.equal(armed, false);
      await alive();
    });
  }

  it('noop: a backend reset mid-response ends the client connection', async () => {
    const r = await within(
      rawRequest(gw.port, 'GET /noop/reset HTTP/1.1\r\nHost: x\r\n\r\n', 3000),
      4000,
      'an end',
    );
    assert.equal(r.timedOut, false);
    assert.equal(r.closed, true);
    assert.match(r.text, /^HTTP\/1\.1 200/);
    assert.ok(r.text.endsWith('0123456789'));
    await alive();
  });

  it('json: a backend reset mid-body is a 500', async () => {
    const r = await request(`${gw.url}/json/reset`);
    assert.equal(r.status, 500);
    await alive();
  });

  it('an Upgrade: websocket request to a non-no-op endpoint gets 426 at once', async () => {
    const r = await within(
      rawRequest(
        plain.port,
        'GET /json HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        3000,
      ),
      1000,
      'an answer',
    );
    assert.equal(r.status, 426);
    assert.equal(r.timedOut, false);
    const viaListener = await within(
      rawRequest(
        gw.port,
        'GET /json/ok HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        3000,
      ),
      1000,
      'an answer',
    );
    assert.equal(viaListener.status, 426);
    assert.deepEqual(crashes, []);
  });
});
