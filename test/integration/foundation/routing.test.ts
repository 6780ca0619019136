import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jsonRoutes, startBackend, type TestBackend } from '../../helpers/backend.js';
import { startGateway, type RunningGateway } from '../../helpers/gateway.js';
import { rawRequest, request } from '../../helpers/http.js';

function config(host: string, router: Record<string, unknown> = {}) {
  return {
    version: 3,
    host: [host],
    extra_config: { router },
    endpoints: [
      { endpoint: '/static', backend: [{ url_pattern: '/static' }] },
      { endpoint: '/crash', backend: [{ url_pattern: '/static' }] },
      { endpoint: '/some', method: 'GET', backend: [{ url_pattern: '/static' }] },
      { endpoint: '/some', method: 'post', backend: [{ url_pattern: '/static' }] },
      { endpoint: '/some', method: 'PUT', backend: [{ url_pattern: '/static' }] },
      { endpoint: '/user/{id}/public', backend: [{ url_pattern: '/static' }] },
      { endpoint: '/user/new/public', backend: [{ url_pattern: '/static' }] },
    ],
  };
}

describe('routing, standalone (KrakenD router, DECISIONS.md 7)', () => {
  let backend: TestBackend;
  let gw: RunningGateway;
  before(async () => {
    backend = await startBackend(jsonRoutes({ '/static': { foo: 42, bar: 'foobar' } }));
    gw = await startGateway({ config: config(backend.url, { auto_options: true }), fallthrough: false });
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test('E6 router_404: unknown path → 404 page not found, text/plain, X-Krakend headers', async () => {
    const r = await request(`${gw.url}/unknown`);
    assert.equal(r.status, 404);
    assert.equal(r.body, '404 page not found');
    assert.equal(r.headers['content-type'], 'text/plain');
    assert.equal(r.headers['x-krakend'], 'Version 2.13.8');
    assert.equal(r.headers['x-krakend-completed'], 'false');
  });

  test('E7 router_405: POST to a GET-only path → 405 with Allow', async () => {
    const r = await request(`${gw.url}/crash`, { method: 'POST' });
    assert.equal(r.status, 405);
    assert.equal(r.body, '405 method not allowed');
    assert.equal(r.headers['content-type'], 'text/plain');
    assert.equal(r.headers.allow, 'GET');
    assert.equal(r.headers['x-krakend-completed'], 'false');
  });

  test('405 Allow: GET first (lura registers the health GET before any endpoint)', async () => {
    const first = await startGateway({
      config: {
        version: 3,
        host: [backend.url],
        endpoints: [
          { endpoint: '/p', method: 'POST', backend: [{ url_pattern: '/static' }] },
          { endpoint: '/p', method: 'GET', backend: [{ url_pattern: '/static' }] },
          { endpoint: '/p', method: 'DELETE', backend: [{ url_pattern: '/static' }] },
        ],
      },
      fallthrough: false,
    });
    try {
      const r = await request(`${first.url}/p`, { method: 'PUT' });
      assert.equal(r.status, 405);
      assert.equal(r.headers.allow, 'GET, POST, DELETE');
    } finally {
      await first.close();
    }
  });

  test('405 Allow lists methods in registration order; HEAD on GET is 405', async () => {
    const r = await request(`${gw.url}/some`, { method: 'DELETE' });
    assert.equal(r.status, 405);
    assert.equal(r.headers.allow, 'GET, POST, PUT');
    const head = await request(`${gw.url}/static`, { method: 'HEAD' });
    assert.equal(head.status, 405);
  });

  test('E1 auto_options: OPTIONS lists the sorted methods', async () => {
    const r = await request(`${gw.url}/some`, { method: 'OPTIONS' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.allow, 'GET, POST, PUT');
    assert.equal(r.body, '');
  });

  test('E8 router_redirect: GET /StAtic → 301 to /static (fixed path)', async () => {
    const r = await request(`${gw.url}/StAtic?x=1`);
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, '/static?x=1');
    assert.equal(r.body, '<a href="/static?x=1">Moved Permanently</a>.\n\n');
  });

  test('trailing slash: GET 301, POST 307 with no body', async () => {
    const g = await request(`${gw.url}/static/`);
    assert.equal(g.status, 301);
    assert.equal(g.headers.location, '/static');
    const p = await request(`${gw.url}/some/`, { method: 'POST' });
    assert.equal(p.status, 307);
    assert.equal(p.headers.location, '/some');
    assert.equal(p.body, '');
  });

  test('redirects are framed and escaped as net/http writes them', async () => {
    const g = await request(`${gw.url}/static/?a=1&b=2`);
    assert.equal(g.status, 301);
    assert.equal(g.body, '<a href="/static?a=1&amp;b=2">Moved Permanently</a>.\n\n');
    assert.equal(g.headers['content-length'], String(Buffer.byteLength(g.body)));
    assert.equal(g.headers['transfer-encoding'], undefined);
    const p = await request(`${gw.url}/some/`, { method: 'POST' });
    assert.equal(p.headers['content-length'], '0');
  });

  test('a fixed-path redirect escapes a param as Go does (a:b@c,d stays)', async () => {
    const r = await request(`${gw.url}/USER/a:b@c,d!/PUBLIC`);
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, '/user/a:b@c,d%21/public');
  });

  test('X-Forwarded-Prefix: sanitised as gin does, and only on a trailing-slash redirect', async () => {
    const location = async (path: string, prefix: string) =>
      (await request(`${gw.url}${path}`, { headers: { 'X-Forwarded-Prefix': prefix } })).headers.location;
    assert.equal(await location('/static/', '/api'), '/api/static');
    assert.equal(await location('/static/', '/a//b/'), '/a/b/static');
    assert.equal(await location('/static/', '/a_b.c'), '/abc/static');
    // Never a redirect to another site.
    assert.equal(await location('/static/', '//evil.example'), '/evilexample/static');
    const scheme = (await location('/static/', 'https://evil.example/x'))!;
    assert.ok(!scheme.startsWith('//') && !scheme.includes(':'), scheme);
    // gin's fixed-path redirect does not read the header.
    assert.equal(await location('/StAtic', '/api'), '/static');
  });

  test('disable_redirect_trailing_slash alone: the fixed-path redirect still fixes the slash', async () => {
    const only = await startGateway({
      config: config(backend.url, { disable_redirect_trailing_slash: true }),
      fallthrough: false,
    });
    try {
      const r = await request(`${only.url}/static/`);
      assert.equal(r.status, 301);
      assert.equal(r.headers.location, '/static');
    } finally {
      await only.close();
    }
  });

  test('remove_extra_slash: //static and /user//x/public are routed as cleaned', async () => {
    const clean = await startGateway({
      config: config(backend.url, { remove_extra_slash: true }),
      fallthrough: false,
    });
    try {
      for (const path of ['//static', '/user//7/public', '/user/7/../8/public']) {
        const r = await rawRequest(clean.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        assert.equal(r.status, 200, `${path}: ${r.text}`);
      }
    } finally {
      await clean.close();
    }
  });

  test('static segment beats a param at the same position', async () => {
    const r = await request(`${gw.url}/user/new/public`);
    assert.equal(r.status, 200);
  });

  test('R6 param checker: %3f and %23 in a param → 400 encoded url params', async () => {
    for (const p of ['/user/123%3f/public', '/user/123%23/public', '/user/%252F/public', '/user/a%2F..%2Fb/public']) {
      const r = await rawRequest(gw.port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.equal(r.status, 400, p);
      assert.match(r.text, /\r\n\r\nerror: encoded url params$/, p);
    }
    assert.equal(backend.seen.filter((s) => s.url !== '/static').length, 0);
  });

  test('a malformed escape is 400 invalid URL escape', async () => {
    const r = await rawRequest(gw.port, 'GET /user/100%/public HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(r.status, 400);
    assert.match(r.text, /error: invalid URL escape "%\/p"$/);
  });
});

describe('routing, mounted (fallthrough, DECISIONS.md 8)', () => {
  let backend: TestBackend;
  let gw: RunningGateway;
  before(async () => {
    backend = await startBackend(jsonRoutes({ '/static': { foo: 42 } }));
    gw = await startGateway({ config: config(backend.url) });
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test('unknown paths, other methods, case variants and slashes go to the host', async () => {
    for (const [method, path] of [
      ['GET', '/unknown'],
      ['POST', '/crash'],
      ['GET', '/StAtic'],
      ['GET', '/static/'],
      ['HEAD', '/static'],
    ]) {
      const r = await request(`${gw.url}${path}`, { method });
      assert.equal(r.status, 418, `${method} ${path}`);
    }
  });

  test('declared endpoints and /__health are the gateway\'s', async () => {
    assert.equal((await request(`${gw.url}/static`)).status, 200);
    assert.equal((await request(`${gw.url}/__health`)).status, 200);
  });
});

describe('router error_body (CE: JSON bodies for 404 and 405)', () => {
  let gw: RunningGateway;
  before(async () => {
    gw = await startGateway({
      config: {
        version: 3,
        host: ['http://127.0.0.1:19'],
        extra_config: { router: { error_body: { '404': { msg: 'nope', code: 404 }, '405': { msg: 'wrong method' } } } },
        endpoints: [{ endpoint: '/only-get', backend: [{ url_pattern: '/x' }] }],
      },
      fallthrough: false,
    });
  });
  after(() => gw.close());

  test('404 and 405 answer the configured JSON, keys sorted, with the KrakenD headers', async () => {
    const nf = await request(`${gw.url}/missing`);
    assert.equal(nf.status, 404);
    assert.equal(nf.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(nf.body, '{"code":404,"msg":"nope"}');
    assert.equal(nf.headers['x-krakend-completed'], 'false');
    const na = await request(`${gw.url}/only-get`, { method: 'POST' });
    assert.equal(na.status, 405);
    assert.equal(na.headers.allow, 'GET');
    assert.equal(na.body, '{"msg":"wrong method"}');
  });
});
