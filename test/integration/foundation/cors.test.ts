import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jsonRoutes, startBackend, type TestBackend } from '../../helpers/backend.js';
import { startGateway, type RunningGateway } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';

/** The CORS block of CE's test fixture (behaviour §7.7). */
const ceCors = {
  allow_origins: ['*'],
  allow_methods: ['POST', 'GET'],
  allow_headers: ['Origin', 'Authorization', 'Content-Type'],
  expose_headers: ['Content-Length'],
  max_age: '12h',
};

describe('security/cors (DECISIONS.md 18)', () => {
  let backend: TestBackend;
  let gw: RunningGateway;
  let strict: RunningGateway;
  before(async () => {
    backend = await startBackend(jsonRoutes({ '/x': { foo: 42 } }));
    gw = await startGateway({
      config: {
        version: 3,
        host: [backend.url],
        extra_config: { 'security/cors': ceCors },
        endpoints: [{ endpoint: '/x', backend: [{ url_pattern: '/x' }] }],
      },
      fallthrough: false,
    });
    strict = await startGateway({
      config: {
        version: 3,
        host: [backend.url],
        extra_config: {
          'github_com/devopsfaith/krakend-cors': {
            allow_origins: ['http://app.example', 'https://*.example.org'],
            allow_credentials: true,
            allow_private_network: true,
            options_success_status: 200,
          },
        },
        endpoints: [{ endpoint: '/x', backend: [{ url_pattern: '/x' }] }],
      },
      fallthrough: false,
    });
  });
  after(async () => {
    await gw.close();
    await strict.close();
    await backend.close();
  });

  test('X15 cors_1: an allowed preflight on any path', async () => {
    const r = await request(`${gw.url}/not-declared`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://foo.example',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'content-type,origin',
      },
    });
    assert.equal(r.status, 204);
    assert.equal(r.body, '');
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.equal(r.headers['access-control-allow-methods'], 'GET');
    assert.equal(r.headers['access-control-allow-headers'], 'content-type,origin');
    assert.equal(r.headers['access-control-max-age'], '43200');
    assert.equal(r.headers.vary, 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    assert.equal(r.headers['x-krakend-completed'], undefined);
  });

  test('X16 cors_2/cors_3: method or header not allowed → 204 without Access-Control-*', async () => {
    for (const headers of [
      { Origin: 'http://foo.example', 'Access-Control-Request-Method': 'PUT' },
      { Origin: 'http://foo.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'X-PINGOTHER' },
    ]) {
      const r = await request(`${gw.url}/x`, { method: 'OPTIONS', headers });
      assert.equal(r.status, 204);
      assert.deepEqual(
        Object.keys(r.headers).filter((h) => h.startsWith('access-control-')),
        [],
      );
    }
  });

  test('X17 cors_5: an actual request gets Vary, ACAO and the exposed headers', async () => {
    const r = await request(`${gw.url}/x`, { headers: { Origin: 'http://foo.example' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.vary, 'Origin');
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.equal(r.headers['access-control-expose-headers'], 'Content-Length');
    assert.equal(r.headers['x-krakend'], 'Version 2.13.8');
  });

  test('credentials echo the origin; wildcard subdomains; private network; legacy namespace', async () => {
    const ok = await request(`${strict.url}/x`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://a.example.org',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Private-Network': 'true',
      },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], 'https://a.example.org');
    assert.equal(ok.headers['access-control-allow-credentials'], 'true');
    assert.equal(ok.headers['access-control-allow-private-network'], 'true');
    const denied = await request(`${strict.url}/x`, { headers: { Origin: 'http://evil.example' } });
    assert.equal(denied.status, 200);
    assert.equal(denied.headers['access-control-allow-origin'], undefined);
  });
});
