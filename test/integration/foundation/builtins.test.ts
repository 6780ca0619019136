import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type RunningGateway } from '../../helpers/gateway.js';
import { rawRequest, request } from '../../helpers/http.js';

const base = { version: 3, endpoints: [] };

describe('built-in endpoints (behaviour §4)', () => {
  let on: RunningGateway;
  let off: RunningGateway;
  before(async () => {
    on = await startGateway({ config: base, debugEndpoints: true, fallthrough: false });
    off = await startGateway({ config: base, fallthrough: false });
  });
  after(async () => {
    await on.close();
    await off.close();
  });

  test('E9 /__health: KrakenD body, keys sorted, Go time string, no X-Krakend', async () => {
    const r = await request(`${off.url}/__health`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.headers['x-krakend'], undefined);
    assert.match(
      r.body,
      /^\{"agents":\{\},"now":"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} [+-]\d{4} \S+ m=\+\d+\.\d{9}","status":"ok"\}$/,
    );
  });

  test('E4 /__debug/: pong for any method, only when enabled', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const r = await request(`${on.url}/__debug/a?b=1`, { method });
      assert.equal(r.status, 200);
      assert.equal(r.body, '{"message":"pong"}');
      assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(r.headers['x-krakend'], undefined);
    }
    assert.equal((await request(`${off.url}/__debug/a`)).status, 404);
  });

  test('/__debug without the slash redirects', async () => {
    const r = await request(`${on.url}/__debug`);
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, '/__debug/');
  });

  test('E5 /__echo/: the request as JSON with fields in Go order', async () => {
    const r = await request(`${on.url}/__echo/a?b=1`, {
      headers: { 'Content-Type': 'application/json' },
      body: '{"message":"some body to send"}',
    });
    assert.equal(r.status, 200);
    const parsed = JSON.parse(r.body);
    assert.deepEqual(Object.keys(parsed), [
      'req_uri',
      'req_uri_details',
      'req_method',
      'req_querystring',
      'req_body',
      'req_headers',
    ]);
    assert.equal(parsed.req_uri, '/__echo/a?b=1');
    const host = `127.0.0.1:${new URL(on.url).port}`;
    assert.deepEqual(parsed.req_uri_details, { fragment: '', host, path: '/__echo/a', query: 'b=1', user: '' });
    assert.equal(parsed.req_method, 'GET');
    assert.deepEqual(parsed.req_querystring, { b: ['1'] });
    assert.equal(parsed.req_body, '{"message":"some body to send"}');
    assert.deepEqual(parsed.req_headers['Content-Type'], ['application/json']);
    assert.equal((await request(`${off.url}/__echo/a`)).status, 404);
  });

  test('/__echo/ re-encodes the query as Go does: keys sorted, `+` for a space', async () => {
    const r = await request(`${on.url}/__echo/a?b=1&a=x%20y&c=(*)`);
    const parsed = JSON.parse(r.body);
    assert.equal(parsed.req_uri_details.query, 'a=x+y&b=1&c=%28%2A%29');
    assert.ok(r.body.includes('"query":"a=x+y\\u0026b=1\\u0026c=%28%2A%29"'), r.body);
    assert.deepEqual(parsed.req_querystring, { a: ['x y'], b: ['1'], c: ['(*)'] });
    const odd = JSON.parse((await request(`${on.url}/__echo/?__proto__=z`)).body);
    assert.equal(odd.req_uri_details.query, '__proto__=z');
    assert.deepEqual(Object.keys(odd.req_querystring), ['__proto__']);
  });

  test('an absolute-form request line reaches the built-ins by its path, as Go routes', async () => {
    const { port } = new URL(on.url);
    const ask = (target: string) =>
      rawRequest(Number(port), `GET ${target} HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n`);
    const health = await ask(`http://127.0.0.1:${port}/__health`);
    assert.equal(health.status, 200);
    assert.match(health.text, /"status":"ok"/);
    assert.equal((await ask(`http://localhost:${port}/__debug/x`)).status, 200);
    const echo = await ask(`http://127.0.0.1:8088/__echo/a?b=1`);
    assert.equal(echo.status, 200);
    // The answer is chunked: the JSON sits between the first `{` and the last `}`.
    const body = JSON.parse(echo.text.slice(echo.text.indexOf('{'), echo.text.lastIndexOf('}') + 1));
    assert.equal(body.req_uri, 'http://127.0.0.1:8088/__echo/a?b=1');
    assert.deepEqual(body.req_uri_details, {
      fragment: '',
      host: '127.0.0.1:8088',
      path: '/__echo/a',
      query: 'b=1',
      user: '',
    });
  });

  test('health_path and disable_health', async () => {
    const moved = await startGateway({
      config: { ...base, extra_config: { router: { health_path: '/healthz' } } },
      fallthrough: false,
    });
    const none = await startGateway({
      config: { ...base, extra_config: { router: { disable_health: true } } },
      fallthrough: false,
    });
    try {
      assert.equal((await request(`${moved.url}/healthz`)).status, 200);
      const post = await request(`${moved.url}/healthz`, { method: 'POST' });
      assert.equal(post.status, 405);
      assert.equal(post.headers.allow, 'GET');
      assert.equal((await request(`${moved.url}/__health`)).status, 404);
      assert.equal((await request(`${none.url}/__health`)).status, 404);
    } finally {
      await moved.close();
      await none.close();
    }
  });
});
