import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startBackend, type TestBackend } from '../helpers/backend.js';
import { rawRequest, request } from '../helpers/http.js';
import { LEVEL } from '../helpers/log.js';
import {
  assertHealthy,
  krakend,
  startStandalone,
  trackCrashes,
  type Standalone,
} from './harness.js';

/**
 * reliability.md §6 rows 12–21 and 27–30, 64: params, query keys and headers a client controls
 * never move the backend host or path, never reach the backend unless the config lists them, and
 * are refused with KrakenD's 400 where they could. Raw request targets (fetch would normalise
 * `..`). Row 22 (hop-by-hop request headers) is test/integration/pipe/faults.test.ts.
 */
const ENCODED = 'error: encoded url params';

describe('reliability §6: params, query and headers', () => {
  let backend: TestBackend;
  let gw: Standalone;
  let noForward: Standalone;
  const crashes = trackCrashes();

  before(async () => {
    backend = await startBackend((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ url: req.url }));
    });
    const endpoints = [
      {
        endpoint: '/users/{id}/orders',
        backend: [{ host: [backend.url], url_pattern: '/api/users/{id}/orders' }],
      },
      {
        endpoint: '/q',
        input_query_strings: ['a'],
        backend: [{ host: [backend.url], url_pattern: '/q' }],
      },
      {
        endpoint: '/h',
        output_encoding: 'no-op',
        input_headers: ['*'],
        backend: [{ host: [backend.url], url_pattern: '/h' }],
      },
      { endpoint: '/plain', method: 'POST', backend: [{ host: [backend.url], url_pattern: '/p' }] },
    ];
    gw = await startStandalone(krakend(endpoints));
    noForward = await startStandalone(
      krakend(endpoints, { extra_config: { router: { forwarded_by_client_ip: false } } }),
    );
  });

  after(async () => {
    await gw.close();
    await noForward.close();
    await backend.close();
    crashes.stop();
    assert.deepEqual(crashes.crashes, []);
  });

  function get(target: string, headers = '') {
    const head = `GET ${target} HTTP/1.1\r\nHost: gw.test\r\n${headers}Connection: close\r\n\r\n`;
    return rawRequest(gw.port, head);
  }

  /** Every target answers `status` with `body`; the backend receives none of them. */
  async function refusedAll(targets: string[], status: number, body: string): Promise<void> {
    const before = backend.seen.length;
    for (const target of targets) {
      const r = await get(target);
      assert.equal(r.status, status, `${target}: ${r.text}`);
      assert.ok(r.text.endsWith(`\r\n\r\n${body}`), `${target}: ${r.text}`);
    }
    assert.deepEqual(backend.seen.slice(before).map((s) => s.url), []);
    await assertHealthy(gw.url);
  }

  test('row 12: malformed escape in a param → 400, a warning, not a 500', async () => {
    const before = gw.problems().length;
    await refusedAll(['/users/%E0%A4%A/orders'], 400, 'error: invalid URL escape "%A/"');
    const line = gw.lines.find((l) => l['path'] === '/users/%E0%A4%A/orders');
    assert.equal(line?.['status'], 400);
    const warned = gw.lines.filter((l) => l.level === LEVEL.warn).map((l) => l.msg);
    assert.ok(
      warned.includes('[SERVICE: Router] GET /users/%E0%A4%A/orders: 400 error: invalid URL escape "%A/"'),
      warned.join('\n'),
    );
    assert.deepEqual(gw.problems().slice(before).length, 1, gw.problems().join('\n'));
  });

  test('row 13: %2F in a param → 400 encoded url params, backend sees nothing', async () => {
    await refusedAll(['/users/a%2F..%2Fadmin/orders', '/users/a%2fb/orders'], 400, ENCODED);
  });

  test('row 14: ., .., %2e%2e, .%2E as a param → 400', async () => {
    await refusedAll(
      [
        '/users/../orders',
        '/users/./orders',
        '/users/%2e%2e/orders',
        '/users/.%2E/orders',
        '/users/%2E/orders',
      ],
      400,
      ENCODED,
    );
  });

  test('row 15: a backslash in a param (raw or %5c) → 400', async () => {
    const targets = ['/users/a\\..\\b/orders', '/users/a%5c..%5cb/orders', '/users/%5C/orders'];
    await refusedAll(targets, 400, ENCODED);
  });

  test('row 16: %3F or %23 in a param → 400', async () => {
    await refusedAll(['/users/a%3Fx=1/orders', '/users/a%23b/orders'], 400, ENCODED);
  });

  test('row 17: a double-encoded param (%252e%252e, %252F) → 400', async () => {
    await refusedAll(['/users/%252e%252e/orders', '/users/a%252Fb/orders'], 400, ENCODED);
  });

  test('row 18: CR, LF or NUL in a param → 400 before any backend request', async () => {
    const targets = ['/users/a%0d%0aX-Injected:%201/orders', '/users/a%00b/orders', '/users/%0A/'];
    await refusedAll(targets.map((t) => (t.endsWith('/') ? `${t}orders` : t)), 400, ENCODED);
  });

  test('row 19: a non-ASCII param reaches the backend %-encoded, raw bytes are 400', async () => {
    const before = backend.seen.length;
    const r = await get('/users/caf%C3%A9/orders');
    assert.equal(r.status, 200);
    assert.deepEqual(backend.seen.slice(before).map((s) => s.url), ['/api/users/caf%C3%A9/orders']);
    const raw = await rawRequest(
      gw.port,
      Buffer.concat([
        Buffer.from('GET /users/caf'),
        Buffer.from('é', 'utf8'),
        Buffer.from('/orders HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      ]),
    );
    assert.equal(raw.status, 400); // Node's parser refuses high bytes in the target
    assert.equal(backend.seen.length, before + 1);
    await assertHealthy(gw.url);
  });

  test('row 20: only input_query_strings keys are forwarded, re-encoded', async () => {
    const before = backend.seen.length;
    const r = await get('/q?__proto__[x]=1&constructor=1&debug=1&a=1%202&toString=1&a=%26');
    assert.equal(r.status, 200);
    assert.deepEqual(backend.seen.slice(before).map((s) => s.url), ['/q?a=1+2&a=%26']);
    assert.equal(({} as Record<string, unknown>)['x'], undefined);
    assert.equal(typeof ({} as { toString: unknown }).toString, 'function');
    await assertHealthy(gw.url);
  });

  test('row 21: headers named __proto__ and constructor are served; no pollution', async () => {
    const before = backend.seen.length;
    const r = await rawRequest(
      gw.port,
      'GET /h HTTP/1.1\r\nHost: x\r\n__proto__: {"polluted":1}\r\nconstructor: y\r\n' +
        'X-Kept: 1\r\nConnection: close\r\n\r\n',
    );
    assert.equal(r.status, 200);
    const seen = backend.seen.slice(before);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.headers['x-kept'], '1');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    await assertHealthy(gw.url);
  });

  test('row 27 (DECISIONS 14): X-Forwarded-For as KrakenD; X-Forwarded-Host is Host', async () => {
    const headers = { 'X-Forwarded-For': '1.2.3.4', 'X-Forwarded-Host': 'evil.example' };
    const before = backend.seen.length;
    assert.equal((await request(`${gw.url}/users/1/orders`, { headers })).status, 200);
    assert.equal((await request(`${noForward.url}/users/1/orders`, { headers })).status, 200);
    const [kept, socket] = backend.seen.slice(before);
    // gin trusts every proxy by default: the client's left-most entry is the client IP
    assert.equal(kept!.headers['x-forwarded-for'], '1.2.3.4');
    assert.equal(kept!.headers['x-forwarded-host'], `127.0.0.1:${gw.port}`);
    // forwarded_by_client_ip: false → the socket address, whatever the header says
    assert.equal(socket!.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(socket!.headers['x-forwarded-host'], `127.0.0.1:${noForward.port}`);
    await assertHealthy(gw.url);
  });

  test('row 28: internal headers from a client (x-middleware-subrequest) never pass', async () => {
    const before = backend.seen.length;
    const r = await request(`${gw.url}/users/1/orders`, {
      headers: {
        'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware',
        'X-Krakend': 'forged',
        Authorization: 'Bearer not-listed',
      },
    });
    assert.equal(r.status, 200);
    const seen = backend.seen.slice(before)[0]!.headers;
    assert.equal(seen['x-middleware-subrequest'], undefined);
    assert.equal(seen['x-krakend'], undefined);
    assert.equal(seen['authorization'], undefined);
    await assertHealthy(gw.url);
  });

  test('row 29: a forged Host (169.254.169.254) never changes where the request goes', async () => {
    const before = backend.seen.length;
    for (const host of ['169.254.169.254', 'attacker.example']) {
      const r = await rawRequest(
        gw.port,
        `GET /users/7/orders HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(r.status, 200);
    }
    const seen = backend.seen.slice(before);
    assert.deepEqual(
      seen.map((s) => [s.url, s.headers.host, s.headers['x-forwarded-host']]),
      [
        ['/api/users/7/orders', `127.0.0.1:${backend.port}`, '169.254.169.254'],
        ['/api/users/7/orders', `127.0.0.1:${backend.port}`, 'attacker.example'],
      ],
    );
    await assertHealthy(gw.url);
  });

  test('row 30: a cross-site POST gets no Access-Control-Allow-Origin without CORS', async () => {
    const r = await request(`${gw.url}/plain`, {
      method: 'POST',
      headers: { Origin: 'http://evil.example', 'Content-Type': 'text/plain' },
      body: 'x',
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    const preflight = await request(`${gw.url}/plain`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    await assertHealthy(gw.url);
  });

  test('row 64: a 15 KB adversarial path against the compiled routes is answered', async () => {
    const before = backend.seen.length;
    const path = `/users/${'-a'.repeat(3000)}/${'a-'.repeat(4000)}`;
    const r = await get(path);
    assert.equal(r.status, 404);
    const long = await get(`/users/${'a-'.repeat(7000)}/orders`);
    assert.equal(long.status, 200);
    assert.equal(backend.seen.length, before + 1);
    await assertHealthy(gw.url);
  });
});
