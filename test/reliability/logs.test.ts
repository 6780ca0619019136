import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startBackend, type TestBackend } from '../helpers/backend.js';
import { rawRequest, request } from '../helpers/http.js';
import {
  krakend,
  startStandalone,
  tcpBackend,
  type Standalone,
  type TcpBackend,
} from './harness.js';

/**
 * reliability.md §7.12 and SECURITY.md: a secret planted in `Authorization`, `Proxy-Authorization`,
 * `Cookie` (client) or `Set-Cookie` (backend) appears nowhere in what the logger wrote, at DEBUG,
 * through every path that logs: the access log, `/__debug/`, failing and resetting backends,
 * merges, redirects. The secrets still reach the backend when `input_headers` lists them.
 */
const SECRET = 'S3CRET-7c1e4b';

describe('reliability §7.12: no secret in the logs', () => {
  let backend: TestBackend;
  let reset: TcpBackend;
  let gw: Standalone;

  before(async () => {
    backend = await startBackend((req, res) => {
      const status = req.url?.startsWith('/fail') ? 500 : req.url?.startsWith('/go') ? 302 : 200;
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'Set-Cookie': `sid=${SECRET}; HttpOnly`,
        ...(status === 302 ? { Location: '/ok' } : {}),
      });
      res.end(status === 200 ? '{"ok":true}' : '{"error":true}');
    });
    reset = await tcpBackend((s) =>
      s.once('data', () => {
        s.write(`HTTP/1.1 200 OK\r\nSet-Cookie: sid=${SECRET}\r\nContent-Length: 100\r\n\r\n01234`);
        setTimeout(() => s.resetAndDestroy(), 20);
      }),
    );
    const all = { input_headers: ['*'] };
    gw = await startStandalone(
      krakend(
        [
          { endpoint: '/ok', ...all, backend: [{ host: [backend.url], url_pattern: '/ok' }] },
          { endpoint: '/fail', ...all, backend: [{ host: [backend.url], url_pattern: '/fail' }] },
          {
            endpoint: '/noop',
            ...all,
            output_encoding: 'no-op',
            backend: [{ host: [backend.url], url_pattern: '/go' }],
          },
          {
            endpoint: '/reset',
            ...all,
            output_encoding: 'no-op',
            backend: [{ host: [reset.url], url_pattern: '/' }],
          },
          {
            endpoint: '/merge',
            ...all,
            backend: [
              { host: [backend.url], url_pattern: '/ok', group: 'a' },
              { host: [backend.url], url_pattern: '/fail', group: 'b' },
              { host: ['http://127.0.0.1:19'], url_pattern: '/', group: 'c' },
            ],
          },
        ],
        { debug_endpoint: true, extra_config: { router: { return_error_msg: true } } },
      ),
      { level: 'debug' },
    );
  });

  after(async () => {
    await gw.close();
    await backend.close();
    await reset.close();
  });

  test('Authorization, Proxy-Authorization, Cookie, Set-Cookie reach no log line', async () => {
    const headers = {
      Authorization: `Bearer ${SECRET}`,
      'Proxy-Authorization': `Basic ${SECRET}`,
      Cookie: `session=${SECRET}`,
    };
    for (const path of ['/ok', '/fail', '/noop', '/merge', '/__debug/anything']) {
      const r = await request(`${gw.url}${path}`, { headers });
      assert.ok(r.status > 0, path);
    }
    const cut = await rawRequest(
      gw.port,
      `GET /reset HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${SECRET}\r\n` +
        `Cookie: a=${SECRET}\r\n\r\n`,
    );
    assert.equal(cut.closed, true);
    // The secrets did travel where the config sends them.
    const seen = backend.seen.find((s) => s.url === '/ok')!;
    assert.equal(seen.headers['authorization'], `Bearer ${SECRET}`);
    assert.equal(seen.headers['cookie'], `session=${SECRET}`);
    // Something was logged on every path, at every level, and none of it holds the secret.
    const text = gw.text();
    assert.ok(gw.lines.some((l) => /Headers: .*"authorization":"\[redacted\]"/.test(l.msg)));
    assert.ok(gw.lines.some((l) => l.msg.includes('[ENDPOINT: /reset]')));
    assert.ok(gw.lines.some((l) => l.msg.includes('[ENDPOINT: /merge]')));
    assert.ok(gw.lines.filter((l) => l['status'] !== undefined).length >= 5);
    assert.equal(text.includes(SECRET), false, text);
  });
});
