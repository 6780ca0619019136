import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startBackend, type TestBackend } from '../helpers/backend.js';
import { startGateway } from '../helpers/gateway.js';
import { rawRequest } from '../helpers/http.js';
import {
  assertHealthy,
  krakend,
  startStandalone,
  tcpBackend,
  trackCrashes,
  within,
  type Standalone,
  type TcpBackend,
} from './harness.js';

/**
 * reliability.md §6 rows 1–11, 24, 25: request framing and request targets, written as raw bytes
 * on a socket to the gateway standing alone on the CLI's server settings. Each row: the exact
 * status (or a closed connection), what the backend received (often nothing), and /__health
 * still answering. Row 23 (client `Trailer`) is test/integration/pipe/faults.test.ts.
 */
describe('reliability §6: framing and request targets', () => {
  let backend: TestBackend;
  let sink: TcpBackend;
  let gw: Standalone;
  const crashes = trackCrashes();

  before(async () => {
    backend = await startBackend((req, res, body) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          url: req.url,
          size: body.length,
          sha: createHash('sha256').update(body).digest('hex'),
          headers: req.rawHeaders.length / 2,
        }),
      );
    });
    // Whatever connects here came from a target the client chose: it must stay at zero.
    sink = await tcpBackend((s) => s.destroy());
    gw = await startStandalone(
      krakend([
        {
          endpoint: '/users/{id}',
          backend: [{ host: [backend.url], url_pattern: '/api/users/{id}' }],
        },
        {
          endpoint: '/upload',
          method: 'POST',
          output_encoding: 'no-op',
          backend: [{ host: [backend.url], url_pattern: '/upload' }],
        },
        {
          endpoint: '/headers',
          output_encoding: 'no-op',
          input_headers: ['*'],
          backend: [{ host: [backend.url], url_pattern: '/headers' }],
        },
      ]),
    );
  });

  after(async () => {
    await gw.close();
    await backend.close();
    await sink.close();
    crashes.stop();
    assert.deepEqual(crashes.crashes, []);
  });

  /** Sends `bytes`; expects `status` and a closed connection; the backend got nothing. */
  async function refused(bytes: string, status: number, what: string): Promise<string> {
    const before = backend.seen.length;
    const r = await within(rawRequest(gw.port, bytes, 3000), 4000, what);
    assert.equal(r.status, status, `${what}: ${JSON.stringify(r.text)}`);
    assert.equal(r.closed, true, `${what}: the connection is closed`);
    assert.equal(backend.seen.length, before, `${what}: the backend received nothing`);
    return r.text;
  }

  test('row 1: Content-Length with Transfer-Encoding → 400, backend sees nothing', async () => {
    await refused(
      'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n' +
        'Transfer-Encoding: chunked\r\n\r\n' +
        '0\r\n\r\nGET /users/1 HTTP/1.1\r\nHost: x\r\n\r\n',
      400,
      'CL + TE',
    );
    await assertHealthy(gw.url);
  });

  test('row 2: duplicate or obfuscated Content-Length / Transfer-Encoding → 400', async () => {
    const variants: Record<string, string> = {
      'CL 4 + CL 5': 'Content-Length: 4\r\nContent-Length: 5\r\n',
      'CL 4 twice': 'Content-Length: 4\r\nContent-Length: 4\r\n',
      'TE chunked, identity': 'Transfer-Encoding: chunked, identity\r\n',
      'TE xchunked': 'Transfer-Encoding: xchunked\r\n',
      'two TE lines': 'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n',
      'space before colon': 'Content-Length : 4\r\n',
      'CL +4': 'Content-Length: +4\r\n',
    };
    for (const [what, headers] of Object.entries(variants)) {
      await refused(`POST /upload HTTP/1.1\r\nHost: x\r\n${headers}\r\nabcd`, 400, what);
    }
    await assertHealthy(gw.url);
  });

  test('row 2: a transfer coding other than chunked is refused before any handler runs', async () => {
    let dialed = 0;
    const count = () => dialed++;
    backend.server.on('connection', count);
    const errors = gw.lines.filter((l) => l.level >= 50).length;
    try {
      for (const coding of ['identity', 'gzip', 'xchunked', 'chunked, gzip']) {
        // Node's parser refuses some of these itself (an empty 400), others only after the
        // request reached the handlers; either way no handler may dial the backend.
        await refused(
          `POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${coding}\r\n\r\nabcd`,
          400,
          `TE ${coding}`,
        );
      }
    } finally {
      backend.server.off('connection', count);
    }
    assert.equal(dialed, 0, 'no backend connection was opened');
    assert.equal(gw.lines.filter((l) => l.level >= 50).length, errors, 'no error was logged');
    await assertHealthy(gw.url);
  });

  test('CONNECT host:port gets KrakenD\'s 404 and a closed connection, not a dropped socket', async () => {
    const text = await refused('CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n', 404, 'CONNECT');
    assert.ok(text.endsWith('\r\n\r\n404 page not found'), JSON.stringify(text));
    await assertHealthy(gw.url);
  });

  test('row 3: bare LF, bare CR, NUL, \\r\\n\\rX and obs-fold → 400 each', async () => {
    const variants: Record<string, string> = {
      'bare LF': 'GET /users/1 HTTP/1.1\nHost: x\n\n',
      'bare CR': 'GET /users/1 HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n',
      'NUL in a value': 'GET /users/1 HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n',
      '\\r\\n\\rX terminator': 'GET /users/1 HTTP/1.1\r\nHost: x\r\n\rX',
      'obs-fold': 'GET /users/1 HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n',
    };
    for (const [what, bytes] of Object.entries(variants)) await refused(bytes, 400, what);
    await assertHealthy(gw.url);
  });

  test('row 4: a request pipelined after a chunked body is routed alone, in order', async () => {
    const before = backend.seen.length;
    const r = await rawRequest(
      gw.port,
      'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '3\r\nabc\r\n0\r\n\r\n' +
        'GET /users/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    assert.equal(r.closed, true);
    const answers = r.text.split(/(?=HTTP\/1\.1 )/);
    assert.equal(answers.length, 2, r.text);
    assert.match(answers[0]!, /^HTTP\/1\.1 200 [^]*"url":"\/upload","size":3/);
    assert.match(answers[1]!, /^HTTP\/1\.1 200 [^]*"url":"\/api\/users\/2"/);
    assert.deepEqual(
      backend.seen.slice(before).map((s) => `${s.method} ${s.url} ${s.body.toString()}`),
      ['POST /upload abc', 'GET /api/users/2 '],
    );
    await assertHealthy(gw.url);
  });

  test('row 5: a header section over 16 KiB → 431, gateway code never runs', async () => {
    const lines = gw.lines.length;
    const big = `X-Big: ${'a'.repeat(17 * 1024)}\r\n`;
    await refused(`GET /users/1 HTTP/1.1\r\nHost: x\r\n${big}\r\n`, 431, '17 KiB');
    // The gateway never saw it: no access-log line, only the server's warning naming the limit.
    assert.deepEqual(
      gw.lines.slice(lines).map((l) => l.msg.split(' (')[0]),
      ['[SERVICE: Gin] 431 Request Header Fields Too Large: HPE_HEADER_OVERFLOW'],
    );
    await assertHealthy(gw.url);
  });

  test('row 6: 2,100 tiny header lines: Node 20 keeps ~1,000 and those are sent; Node 24 refuses (431)', async () => {
    const before = backend.seen.length;
    let headers = '';
    for (let i = 0; i < 2100; i++) headers += `X-${i}: v\r\n`;
    const r = await rawRequest(
      gw.port,
      `GET /headers HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`,
    );
    const seen = backend.seen.slice(before);
    if (Number(process.versions.node.split('.')[0]) >= 22) {
      // Newer Node answers 431 itself past ~1,000 header lines: the gateway never runs.
      assert.equal(r.status, 431);
      assert.equal(seen.length, 0);
    } else {
      assert.equal(r.status, 200);
      assert.equal(seen.length, 1);
      const forwarded = seen[0]!.rawHeaders.filter((_v, i) => i % 2 === 0 && /^X-\d+$/.test(_v));
      // Node keeps only the first ~1,000 lines; the gateway forwards those, in order, no more.
      assert.ok(forwarded.length > 900 && forwarded.length < 1100, String(forwarded.length));
      assert.deepEqual(
        forwarded,
        forwarded.map((_n, i) => `X-${i}`),
      );
    }
    await assertHealthy(gw.url);
  });

  test('row 7: HTTP/1.1 without Host → 400, with Go\'s reason', async () => {
    const text = await refused('GET /users/1 HTTP/1.1\r\n\r\n', 400, 'no Host');
    assert.ok(text.endsWith('400 Bad Request: missing required Host header'), JSON.stringify(text));
    await assertHealthy(gw.url);
  });

  test('row 8: two Host headers → 400 too many Host headers, backend sees nothing', async () => {
    const text = await refused(
      'GET /users/1 HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n',
      400,
      'two Host',
    );
    assert.match(text, /\r\n\r\n400 Bad Request: too many Host headers$/);
    await assertHealthy(gw.url);
  });

  test('row 9: an absolute-form target is routed on its path; its host is not dialed', async () => {
    const before = backend.seen.length;
    const r = await rawRequest(
      gw.port,
      `GET http://127.0.0.1:${sink.port}/users/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(r.status, 200);
    assert.match(r.text, /"url":"\/api\/users\/1"/);
    const seen = backend.seen.slice(before);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.headers.host, `127.0.0.1:${backend.port}`);
    assert.equal(sink.accepted, 0);
    await assertHealthy(gw.url);
  });

  test('row 10: a //host/path target is a path (404), never a host switch', async () => {
    const before = backend.seen.length;
    const r = await rawRequest(
      gw.port,
      `GET //127.0.0.1:${sink.port}/users/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(r.status, 404);
    assert.match(r.text, /\r\n\r\n404 page not found$/);
    assert.equal(backend.seen.length, before);
    assert.equal(sink.accepted, 0);
    await assertHealthy(gw.url);
  });

  test('row 11: # in the request target → 400', async () => {
    for (const target of ['/users/1#x', '/users#/1', '/__health#']) {
      const text = await refused(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`, 400, target);
      assert.match(text, /\r\n\r\n400 Bad Request: malformed request target$/);
    }
    await assertHealthy(gw.url);
  });

  test('rows 8 and 11, mounted: refused on gateway routes, the host keeps the rest', async () => {
    const mounted = await startGateway({
      config: krakend([
        { endpoint: '/users/{id}', backend: [{ host: [backend.url], url_pattern: '/u/{id}' }] },
      ]),
    });
    try {
      const before = backend.seen.length;
      const two = 'Host: a\r\nHost: b\r\n';
      const ask = (target: string, host: string) =>
        rawRequest(mounted.port, `GET ${target} HTTP/1.1\r\n${host}Connection: close\r\n\r\n`);
      assert.equal((await ask('/users/1#x', 'Host: a\r\n')).status, 400);
      assert.equal((await ask('/users/1', two)).status, 400);
      assert.equal((await ask('/app#x', 'Host: a\r\n')).status, 418);
      assert.equal((await ask('/app', two)).status, 418);
      assert.equal(backend.seen.length, before);
      await assertHealthy(mounted.url);
    } finally {
      await mounted.close();
    }
  });

  test('row 24: Upgrade: websocket to a plain route → 426 at once; unmatched 404', async () => {
    const upgrade =
      'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
    const before = backend.seen.length;
    const plain = await within(
      rawRequest(gw.port, `GET /users/1 HTTP/1.1\r\nHost: x\r\n${upgrade}`),
      3000,
      'an answer',
    );
    assert.equal(plain.status, 426);
    assert.equal(plain.timedOut, false);
    const none = await within(
      rawRequest(gw.port, `GET /nowhere HTTP/1.1\r\nHost: x\r\n${upgrade}`),
      3000,
      'an answer',
    );
    assert.equal(none.status, 404);
    assert.equal(none.timedOut, false);
    assert.equal(backend.seen.length, before);
    await assertHealthy(gw.url);
  });

  test('row 25: Expect: 100-continue gets one 100 Continue; the body arrives intact', async () => {
    const before = backend.seen.length;
    const socket = connect(gw.port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (text += c));
    socket.write(
      'POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n' +
        'Connection: close\r\n\r\n',
    );
    await within(
      new Promise<void>((r) => socket.on('data', () => text.includes('\r\n\r\n') && r())),
      3000,
      '100 Continue',
    );
    assert.equal(text, 'HTTP/1.1 100 Continue\r\n\r\n');
    socket.write('hello');
    await within(new Promise((r) => socket.on('close', r)), 3000, 'the answer');
    assert.equal(text.match(/HTTP\/1\.1 100 Continue/g)?.length, 1);
    assert.match(text, /HTTP\/1\.1 200 OK[^]*"size":5/);
    assert.equal(backend.seen.slice(before)[0]?.body.toString(), 'hello');
    await assertHealthy(gw.url);
  });
});
