import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import { request, type TestResponse } from '../../helpers/http.js';
import { endpoint } from '../../unit/proxy/fixtures.js';
import { goHeaders, goJson, goQuery, pathOf, servePipe, type PipeServer } from './harness.js';

/**
 * behaviour §7.6 (L1–L18) and the request-building cases of lura's `test/integration_test.go`
 * (R7–R9), over the same backends b1…b12 and `test/lura.json` (service cache_ttl 3600s, timeout
 * 3s, `return_error_msg`). lura's tests run unversioned: `Version undefined` everywhere.
 */
const HOST = { Host: 'localhost:8080' };
const UA = 'KrakenD Version undefined';
const DEFAULT_HEADERS = `"headers":{"Accept-Encoding":["gzip"],"User-Agent":["${UA}"],"X-Forwarded-Host":["localhost:8080"]}`;

function json(res: ServerResponse, body: unknown): void {
  res.setHeader('Content-Type', 'application/json');
  res.end(`${goJson(body)}\n`);
}

function assertHeaders(r: TestResponse, completed: 'true' | 'false'): void {
  assert.match(String(r.headers['content-type']), /application\/json/);
  assert.equal(r.headers['x-krakend-completed'], completed);
  assert.equal(r.headers['x-krakend'], 'Version undefined');
}

describe('lura integration vectors (behaviour §7.6)', () => {
  const b: Record<string, TestBackend> = {};
  let gw: PipeServer;

  before(async () => {
    b['b1'] = await startBackend((req, res, body) => {
      const ok =
        req.headers['content-type'] === 'application/json' &&
        req.headers['authorization'] === 'bearer AuthorizationToken' &&
        req.headers['x-y-z'] === 'x-y-z' &&
        body.toString() === '{"foo":"bar"}';
      if (!ok) {
        res.writeHead(400);
        res.end('bad request');
        return;
      }
      json(res, { path: pathOf(req.url) });
    });
    b['b2'] = await startBackend((_req, res) =>
      json(res, [
        { body: 'some content', date: '123456789' },
        { body: 'some other content', date: '123496789' },
      ]),
    );
    b['b3'] = await startBackend((_req, res) => json(res, { email: 'some@email.com', name: 'a' }));
    b['b4'] = await startBackend((_req, res) => {
      res.writeHead(429, {
        'Content-Type': 'text/plain; charset=utf-8',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end('sad panda\n');
    });
    b['b5'] = await startBackend(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 2000));
      if (!res.destroyed) json(res, { email: 'some@email.com', name: 'a' });
    });
    b['b6'] = await startBackend((req: IncomingMessage, res) => {
      if (!/^(127\.0\.0\.1|::1)$/.test(String(req.headers['x-forwarded-for']))) {
        res.writeHead(400);
        res.end('invalid X-Forwarded-For\n');
        return;
      }
      json(res, {
        path: pathOf(req.url),
        query: goQuery(req.url),
        headers: goHeaders(req, ['x-forwarded-for']),
      });
    });
    b['b7'] = await startBackend((req, res) => json(res, { path: pathOf(req.url), random: 42 }));
    b['b8'] = await startBackend((_req, res) => {
      res.writeHead(301, { Location: b['b7']!.url });
      res.end();
    });
    b['b9'] = await startBackend((_req, res) => {
      res.writeHead(302, { Location: b['b7']!.url });
      res.end();
    });
    b['b11'] = await startBackend((req, res) => json(res, { headers: goHeaders(req) }));
    b['b12'] = await startBackend((req, res, body) =>
      // Go sends a re-read body chunked, the pool sends its length: framing only, so not echoed.
      json(res, {
        headers: goHeaders(req, ['content-length']),
        body: body.toString(),
        url: req.url,
        method: req.method,
      }),
    );
    const h = (k: string): string => b[k]!.url;
    const base = { cacheTtlSeconds: 3600, timeoutMs: 3000 };
    const b6 = (e: string, url: string, extra: object = {}) =>
      endpoint({ ...base, endpoint: e, ...extra, backends: [{ host: h('b6'), urlPattern: url }] });
    const errCode = (host: string) => ({ host, urlPattern: '/', returnErrorCode: true });
    gw = await servePipe(
      [
        endpoint({
          ...base,
          endpoint: '/static',
          backends: [{ host: h('b4'), urlPattern: '/' }],
          static: { strategy: 'errored', data: { foo: 42, bar: 'foobar' } },
        }),
        endpoint({
          ...base,
          endpoint: '/param_forwarding/{first}/constant/{second}',
          method: 'POST',
          inputHeaders: ['Content-Type', 'Authorization', 'X-Y-Z'],
          backends: [{ host: h('b1'), urlPattern: '/{first}/{second}' }],
        }),
        endpoint({
          ...base,
          endpoint: '/combination',
          backends: [
            {
              host: h('b2'),
              urlPattern: '/',
              isCollection: true,
              mapping: { collection: 'posts' },
            },
            { host: h('b3'), urlPattern: '/', mapping: { email: 'personal_email' } },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/timeout',
          // lura: 100 ms against a 1 s backend; scaled to survive a loaded CI box.
          timeoutMs: 500,
          backends: [
            { host: h('b5'), urlPattern: '/' },
            { host: h('b3'), urlPattern: '/' },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/partial/static',
          backends: [
            { host: h('b4'), urlPattern: '/' },
            { host: h('b3'), urlPattern: '/' },
          ],
          static: { strategy: 'incomplete', data: { foo: 42, bar: 'foobar' } },
        }),
        endpoint({
          ...base,
          endpoint: '/detail_error',
          backends: [
            { host: h('b4'), urlPattern: '/', returnErrorDetails: 'backend_a' },
            { host: h('b3'), urlPattern: '/', returnErrorDetails: 'backend_b' },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/partial',
          backends: [
            { host: h('b4'), urlPattern: '/' },
            { host: h('b3'), urlPattern: '/' },
          ],
        }),
        b6('/querystring-params-test/no-params', '/no-params'),
        b6('/querystring-params-test/query-params', '/query-params', {
          inputQueryStrings: ['a', 'b'],
        }),
        b6('/querystring-params-test/url-params/{param}', '/url-params?p={param}'),
        b6('/querystring-params-test/all-params', '/all-params', { inputQueryStrings: ['*'] }),
        b6('/header-params-test/no-params', '/no-params'),
        b6('/header-params-test/filter-params', '/filter-params', { inputHeaders: ['X-Test-1'] }),
        b6('/header-params-test/all-params', '/all-params', { inputHeaders: ['*'] }),
        endpoint({
          ...base,
          endpoint: '/sequential/ok/{param}',
          sequential: true,
          backends: [
            { host: h('b7'), urlPattern: '/provider/{param}', group: 'first' },
            { host: h('b7'), urlPattern: '/recipient/{resp0_first.random}', group: 'second' },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/sequential/ko/first/{param}',
          sequential: true,
          backends: [
            { host: h('b4'), urlPattern: '/provider/{param}', allow: ['random'] },
            { host: h('b7'), urlPattern: '/recipient/{resp0_random}', allow: ['path'] },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/sequential/ko/last/{param}',
          sequential: true,
          backends: [
            { host: h('b7'), urlPattern: '/provider/{param}', allow: ['random'] },
            { host: h('b4'), urlPattern: '/recipient/{resp0_random}', allow: ['path'] },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/multipost/sequential/{param}',
          method: 'POST',
          sequential: true,
          backends: [
            { host: h('b7'), urlPattern: '/provider/{param}', method: 'GET', group: 'first' },
            {
              host: h('b12'),
              urlPattern: '/recipient/{resp0_first.random}',
              method: 'POST',
              group: 'second',
            },
            {
              host: h('b12'),
              urlPattern: '/recipient/{resp0_first.random}',
              method: 'POST',
              group: 'third',
            },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/multipost/parallel/{param}',
          method: 'POST',
          backends: [
            { host: h('b12'), urlPattern: '/provider/{param}', method: 'POST', group: 'first' },
            { host: h('b12'), urlPattern: '/recipient/{param}', method: 'POST', group: 'second' },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/redirect',
          backends: [{ host: h('b8'), urlPattern: '/ignore-me' }],
        }),
        endpoint({
          ...base,
          endpoint: '/found',
          backends: [{ host: h('b9'), urlPattern: '/ignore-me' }],
        }),
        endpoint({
          ...base,
          endpoint: '/flatmap/delete',
          backends: [
            {
              host: h('b2'),
              urlPattern: '/',
              isCollection: true,
              flatmap: [{ type: 'del', args: ['collection.*.date'] }],
            },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/flatmap/rename',
          backends: [
            {
              host: h('b2'),
              urlPattern: '/',
              isCollection: true,
              flatmap: [{ type: 'move', args: ['collection.*.date', 'collection.*.created_at'] }],
            },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/x-forwarded-for',
          backends: [{ host: h('b11'), urlPattern: '/' }],
        }),
        endpoint({
          ...base,
          endpoint: '/sequence-accept',
          method: 'PUT',
          sequential: true,
          backends: [
            { host: h('b3'), urlPattern: '/', method: 'GET' },
            { host: h('b3'), urlPattern: '/', method: 'PUT' },
          ],
        }),
        endpoint({ ...base, endpoint: '/error-status-code/1', backends: [errCode(h('b3'))] }),
        endpoint({ ...base, endpoint: '/error-status-code/2', backends: [errCode(h('b4'))] }),
        endpoint({
          ...base,
          endpoint: '/error-status-code/3',
          backends: [errCode(h('b3')), errCode(h('b4'))],
        }),
      ],
      {
        router: {
          returnErrorMsg: true,
          trustedProxies: ['127.0.0.1/32', '::1'],
          remoteIpHeaders: ['x-forwarded-for'],
          forwardedByClientIp: true,
        },
        extra: { router: { forwarded_by_client_ip: true } },
        deps: { version: 'undefined' },
      },
    );
  });

  after(async () => {
    await gw.close();
    for (const backend of Object.values(b)) await backend.close();
  });

  const get = (path: string, init: Parameters<typeof request>[1] = {}) =>
    request(`${gw.url}${path}`, { ...init, headers: { ...HOST, ...init.headers } });

  it('L1 static: errored strategy over a failing backend', async () => {
    const r = await get('/static');
    assert.equal(r.status, 200);
    assertHeaders(r, 'false');
    assert.equal(r.body, '{"bar":"foobar","foo":42}');
  });

  it('L16 param_forwarding: params, listed headers and the body reach the backend', async () => {
    for (const second of ['bar', 'foobar']) {
      const r = await get(`/param_forwarding/foo/constant/${second}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: 'bearer AuthorizationToken',
          'X-Y-Z': 'x-y-z',
        },
        body: '{"foo":"bar"}',
      });
      assert.equal(r.status, 200);
      assertHeaders(r, 'true');
      assert.equal(r.body, `{"path":"/foo/${second}"}`);
    }
  });

  it('L2 combination: collection + mapping merged', async () => {
    const r = await get('/combination');
    assertHeaders(r, 'true');
    assert.equal(
      r.body,
      '{"name":"a","personal_email":"some@email.com","posts":[{"body":"some content","date":"123456789"},{"body":"some other content","date":"123496789"}]}',
    );
  });

  it('L3 timeout: the slow backend is cut at the merge deadline', async () => {
    const r = await get('/timeout');
    assertHeaders(r, 'false');
    assert.equal(r.body, '{"email":"some@email.com","name":"a"}');
  });

  it('L5 partial/static: incomplete strategy adds the data', async () => {
    const r = await get('/partial/static');
    assertHeaders(r, 'false');
    assert.equal(r.body, '{"bar":"foobar","email":"some@email.com","foo":42,"name":"a"}');
  });

  it('L4 partial: one failing backend of two', async () => {
    const r = await get('/partial');
    assertHeaders(r, 'false');
    assert.equal(r.body, '{"email":"some@email.com","name":"a"}');
  });

  it('L6 detail_error: error details in struct order', async () => {
    const r = await get('/detail_error');
    assertHeaders(r, 'false');
    assert.equal(
      r.body,
      '{"email":"some@email.com","error_backend_a":{"http_status_code":429,"http_body":"sad panda\\n","http_body_encoding":"text/plain; charset=utf-8"},"name":"a"}',
    );
  });

  it('R7 querystring-params-*: none, listed, url-pattern query, all', async () => {
    const q = '?a=1&b=2&c=3';
    const cases: [string, string][] = [
      ['/querystring-params-test/no-params', '"path":"/no-params","query":{}'],
      [
        '/querystring-params-test/query-params',
        '"path":"/query-params","query":{"a":["1"],"b":["2"]}',
      ],
      ['/querystring-params-test/url-params/some', '"path":"/url-params","query":{"p":["some"]}'],
      [
        '/querystring-params-test/all-params',
        '"path":"/all-params","query":{"a":["1"],"b":["2"],"c":["3"]}',
      ],
    ];
    for (const [path, tail] of cases) {
      const r = await get(path + q);
      assertHeaders(r, 'true');
      assert.equal(r.body, `{${DEFAULT_HEADERS},${tail}}`);
    }
  });

  it('R8 header-params-*: none, listed, all (client UA kept, X-Forwarded-Via)', async () => {
    const none = await get('/header-params-test/no-params', {
      headers: { 'x-Test-1': 'some', 'X-TEST-2': 'none' },
    });
    assert.equal(none.body, `{${DEFAULT_HEADERS},"path":"/no-params","query":{}}`);
    const filter = await get('/header-params-test/filter-params', {
      headers: { 'x-tESt-1': 'some', 'X-TEST-2': 'none' },
    });
    assert.equal(
      filter.body,
      `{"headers":{"Accept-Encoding":["gzip"],"User-Agent":["${UA}"],"X-Forwarded-Host":["localhost:8080"],"X-Test-1":["some"]},"path":"/filter-params","query":{}}`,
    );
    const all = await get('/header-params-test/all-params', {
      headers: { 'x-Test-1': 'some', 'X-TEST-2': 'none', 'User-Agent': 'KrakenD Test' },
    });
    assert.equal(
      all.body,
      `{"headers":{"Accept-Encoding":["gzip"],"User-Agent":["KrakenD Test"],"X-Forwarded-Host":["localhost:8080"],"X-Forwarded-Via":["${UA}"],"X-Test-1":["some"],"X-Test-2":["none"]},"path":"/all-params","query":{}}`,
    );
  });

  it('L7 sequential ok: {resp0_first.random} through a group', async () => {
    const r = await get('/sequential/ok/foo');
    assertHeaders(r, 'true');
    assert.equal(
      r.body,
      '{"first":{"path":"/provider/foo","random":42},"second":{"path":"/recipient/42","random":42}}',
    );
  });

  it('L8 sequential ko first: 500 with the error text', async () => {
    const r = await get('/sequential/ko/first/foo');
    assert.equal(r.status, 500);
    assert.equal(r.headers['x-krakend-completed'], 'false');
    assert.equal(r.headers['x-krakend'], 'Version undefined');
    assert.equal(
      r.body,
      `invalid status code 429 [GET /provider/{{.Param}}]: ${b['b4']!.url}/provider/foo`,
    );
  });

  it('L9 sequential ko last: what was merged, incomplete', async () => {
    const r = await get('/sequential/ko/last/foo');
    assertHeaders(r, 'false');
    assert.equal(r.body, '{"random":42}');
  });

  it('L10 redirect and found: 301 and 302 followed', async () => {
    for (const path of ['/redirect', '/found']) {
      const r = await get(path);
      assertHeaders(r, 'true');
      assert.equal(r.body, '{"path":"/","random":42}');
    }
  });

  it('L11 flatmap del', async () => {
    const r = await get('/flatmap/delete');
    assertHeaders(r, 'true');
    assert.equal(r.body, '{"collection":[{"body":"some content"},{"body":"some other content"}]}');
  });

  it('L12 flatmap rename', async () => {
    const r = await get('/flatmap/rename');
    assertHeaders(r, 'true');
    assert.equal(
      r.body,
      '{"collection":[{"body":"some content","created_at":"123456789"},{"body":"some other content","created_at":"123496789"}]}',
    );
  });

  it('R9 x-forwarded-for: a trusted proxy passes the client IP on', async () => {
    const r = await get('/x-forwarded-for', { headers: { 'x-forwarded-for': '123.45.67.89' } });
    assertHeaders(r, 'true');
    assert.equal(
      r.body,
      `{"headers":{"Accept-Encoding":["gzip"],"User-Agent":["${UA}"],"X-Forwarded-For":["123.45.67.89"],"X-Forwarded-Host":["localhost:8080"]}}`,
    );
  });

  it('sequence-accept: a PUT sequential endpoint with a GET then a PUT backend', async () => {
    const r = await get('/sequence-accept', { method: 'PUT' });
    assert.equal(r.status, 200);
    assertHeaders(r, 'true');
  });

  it('L13–L15 error-status-code: 200, the backend 429, 200 when merged', async () => {
    const one = await get('/error-status-code/1');
    assert.equal(one.status, 200);
    const two = await get('/error-status-code/2');
    assert.equal(two.status, 429);
    assert.equal(two.body, 'sad panda\n');
    assert.equal(two.headers['content-type'], 'text/plain; charset=utf-8');
    const three = await get('/error-status-code/3');
    assert.equal(three.status, 200);
  });

  it('L17 multipost parallel: every backend gets the whole body', async () => {
    const r = await get('/multipost/parallel/foo', { method: 'POST', body: '{"foo":"bar"}' });
    assert.equal(r.status, 200);
    assertHeaders(r, 'true');
    const part = (url: string) =>
      `{"body":"{\\"foo\\":\\"bar\\"}","headers":{"Accept-Encoding":["gzip"],"User-Agent":["${UA}"],"X-Forwarded-For":["127.0.0.1"],"X-Forwarded-Host":["localhost:8080"]},"method":"POST","url":"${url}"}`;
    assert.equal(r.body, `{"first":${part('/provider/foo')},"second":${part('/recipient/foo')}}`);
  });

  it('L18 multipost sequential: later backends get the body too', async () => {
    const r = await get('/multipost/sequential/foo', { method: 'POST', body: '{"foo":"bar"}' });
    assert.equal(r.status, 200);
    assertHeaders(r, 'true');
    const part = `{"body":"{\\"foo\\":\\"bar\\"}","headers":{"Accept-Encoding":["gzip"],"User-Agent":["${UA}"],"X-Forwarded-For":["127.0.0.1"],"X-Forwarded-Host":["localhost:8080"]},"method":"POST","url":"/recipient/42"}`;
    assert.equal(
      r.body,
      `{"first":{"path":"/provider/foo","random":42},"second":${part},"third":${part}}`,
    );
  });
});
