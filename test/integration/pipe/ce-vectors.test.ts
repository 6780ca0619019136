import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import { request } from '../../helpers/http.js';
import { endpoint } from '../../unit/proxy/fixtures.js';
import { servePipe, startCeMock, type PipeServer } from './harness.js';

/**
 * behaviour §7.7: KrakenD CE 2.13.8's own end-to-end specs (`tests/fixtures/specs/*.json`) over
 * its mock backend; the fixture service has cache_ttl 3600s, timeout 3s, return_error_msg.
 * X11 (Lua) and X15–X17 (CORS, another module) are not pipe vectors.
 */
const HOST = { Host: 'localhost:8080' };
const ECHO_HEADERS =
  '"headers":{"Accept-Encoding":["gzip"],"User-Agent":["KrakenD Version 2.13.8"],"X-Forwarded-Host":["localhost:8080"]}';

describe('CE fixture vectors (behaviour §7.7)', () => {
  let mock: TestBackend;
  let self: TestBackend;
  let gw: PipeServer;

  before(async () => {
    // X12's 100 ms timeout and 200 ms delay, scaled (400 ms / 1.5 s) to survive a loaded CI box.
    mock = await startCeMock(1500);
    // Stands for KrakenD's own port in the fixture (its 404 and its /__debug/).
    self = await startBackend((req, res) => {
      if (req.url === '/__debug') {
        res.writeHead(301, { Location: '/__debug/' });
        res.end();
      } else if (req.url === '/__debug/') {
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end('{"message":"pong"}');
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('404 page not found');
      }
    });
    const m = mock.url;
    const base = { cacheTtlSeconds: 3600, timeoutMs: 3000 };
    gw = await servePipe(
      [
        endpoint({ ...base, endpoint: '/crash', backends: [{ host: m, urlPattern: '/unknown' }] }),
        endpoint({
          ...base,
          endpoint: '/xml/xml',
          outputEncoding: 'xml',
          backends: [{ host: m, urlPattern: '/xml', encoding: 'xml' }],
        }),
        endpoint({
          ...base,
          endpoint: '/xml/json',
          outputEncoding: 'xml',
          backends: [{ host: m, urlPattern: '/param_forwarding' }],
        }),
        endpoint({
          ...base,
          endpoint: '/negotiate',
          outputEncoding: 'negotiate',
          backends: [{ host: m, urlPattern: '/xml', encoding: 'xml' }],
        }),
        endpoint({
          ...base,
          endpoint: '/no-op/ok',
          method: 'POST',
          outputEncoding: 'no-op',
          backends: [{ host: m, urlPattern: '/param_forwarding/' }],
        }),
        endpoint({
          ...base,
          endpoint: '/no-op/ko',
          method: 'POST',
          outputEncoding: 'no-op',
          backends: [{ host: self.url, urlPattern: '/unknown' }],
        }),
        endpoint({
          ...base,
          endpoint: '/static',
          backends: [{ host: self.url, urlPattern: '/__debug', deny: ['message'] }],
          static: { strategy: 'always', data: { foo: 42, bar: 'foobar' } },
        }),
        endpoint({
          ...base,
          endpoint: '/combination/{id}',
          backends: [
            {
              host: m,
              urlPattern: '/collection/{id}',
              isCollection: true,
              mapping: { collection: 'posts' },
            },
            { host: m, urlPattern: '/param_forwarding/{id}', allow: ['foo'] },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/flatmap/{id}',
          backends: [
            {
              host: m,
              urlPattern: '/collection/{id}',
              isCollection: true,
              flatmap: [
                { type: 'move', args: ['collection', 'paths'] },
                { type: 'del', args: ['paths.*.i'] },
                { type: 'move', args: ['paths.*.path', 'paths.*.url'] },
              ],
            },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/sequential/ok/{param}',
          sequential: true,
          backends: [
            { host: m, urlPattern: '/param_forwarding/{param}', allow: ['foo'] },
            { host: m, urlPattern: '/param_forwarding/{resp0_foo}' },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/sequential/incomplete/{param}',
          sequential: true,
          backends: [
            { host: m, urlPattern: '/param_forwarding/{param}', allow: ['foo'] },
            { host: m, urlPattern: '/{resp0_foo}' },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/timeout',
          timeoutMs: 400,
          backends: [
            { host: m, urlPattern: '/param_forwarding/123', group: 'first' },
            { host: m, urlPattern: '/delayed/', group: 'second' },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/detail_error',
          backends: [
            { host: m, urlPattern: '/param_forwarding/', returnErrorDetails: 'backend_a' },
            { host: m, urlPattern: '/', returnErrorDetails: 'backend_b' },
          ],
        }),
        endpoint({
          ...base,
          endpoint: '/redirect/{code}',
          backends: [{ host: m, urlPattern: '/redirect/?status={code}' }],
        }),
        endpoint({
          ...base,
          endpoint: '/param_forwarding/some/{foo}/{bar}',
          inputHeaders: ['Authorization', 'X-Y-Z'],
          backends: [{ host: m, urlPattern: '/param_forwarding/{bar}?foo={foo}' }],
        }),
        endpoint({
          ...base,
          endpoint: '/param_forwarding/all/{foo}/{bar}',
          inputHeaders: ['*'],
          backends: [{ host: m, urlPattern: '/param_forwarding/{bar}?foo={foo}' }],
        }),
        endpoint({
          ...base,
          endpoint: '/query_forwarding/all/{name}',
          inputQueryStrings: ['*'],
          backends: [{ host: m, urlPattern: '/param_forwarding/{name}' }],
        }),
        endpoint({
          ...base,
          endpoint: '/query_forwarding/some/{name}',
          inputQueryStrings: ['a'],
          backends: [{ host: m, urlPattern: '/param_forwarding/{name}' }],
        }),
      ],
      { router: { returnErrorMsg: true } },
    );
  });

  after(async () => {
    await gw.close();
    await mock.close();
    await self.close();
  });

  it('X1 backend_404: 500 with the error text', async () => {
    const r = await request(`${gw.url}/crash`, { headers: HOST });
    assert.equal(r.status, 500);
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(r.headers['cache-control'], undefined);
    assert.equal(r.headers['x-krakend-completed'], 'false');
    assert.equal(r.headers['x-krakend'], 'Version 2.13.8');
    assert.equal(r.body, `invalid status code 404 [GET /unknown]: ${mock.url}/unknown`);
    assert.deepEqual(gw.errors().slice(-1), [
      `[ENDPOINT: /crash] invalid status code 404 [GET /unknown]: ${mock.url}/unknown`,
    ]);
  });

  it('X2 xml_1: xml backend rendered as xml', async () => {
    const r = await request(`${gw.url}/xml/xml`, { headers: HOST });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/xml');
    assert.equal(r.headers['cache-control'], 'public, max-age=3600');
    assert.equal(r.headers['x-krakend-completed'], 'true');
    assert.equal(
      r.body,
      '<user type="admin"><name>Elliot</name><social><facebook>https://facebook.com</facebook><twitter>https://twitter.com</twitter><youtube>https://youtube.com</youtube></social></user>',
    );
  });

  it('X2 xml_2: json backend (after a redirect) rendered as xml', async () => {
    const r = await request(`${gw.url}/xml/json`, { headers: HOST });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/xml');
    assert.equal(
      r.body,
      `<doc><foo>42</foo><headers><Accept-Encoding>gzip</Accept-Encoding><Referer>${mock.url}/param_forwarding</Referer><User-Agent>KrakenD Version 2.13.8</User-Agent><X-Forwarded-Host>localhost:8080</X-Forwarded-Host></headers><path>/param_forwarding/</path><query/></doc>`,
    );
  });

  it('X3 negotitate_json and negotitate_plain', async () => {
    const json = await request(`${gw.url}/negotiate`, {
      headers: { ...HOST, Accept: 'application/json; charset=utf-8' },
    });
    assert.equal(json.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(
      json.body,
      '{"user":{"-type":"admin","name":"Elliot","social":{"facebook":"https://facebook.com","twitter":"https://twitter.com","youtube":"https://youtube.com"}}}',
    );
    const plain = await request(`${gw.url}/negotiate`, {
      headers: { ...HOST, Accept: 'text/plain' },
    });
    assert.equal(plain.headers['content-type'], 'application/yaml; charset=utf-8');
    assert.equal(plain.headers['cache-control'], 'public, max-age=3600');
    assert.equal(
      plain.body,
      'user:\n  -type: admin\n  name: Elliot\n  social:\n    facebook: https://facebook.com\n    twitter: https://twitter.com\n    youtube: https://youtube.com\n',
    );
  });

  it('X4 no-op_1: status, headers and body passed through, never complete', async () => {
    const r = await request(`${gw.url}/no-op/ok`, { method: 'POST', headers: HOST });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.deepEqual(r.headers['set-cookie'], ['test1=test1', 'test2=test2']);
    assert.equal(r.headers['cache-control'], undefined);
    assert.equal(r.headers['x-krakend-completed'], 'false');
    assert.equal(
      r.body,
      `{"foo":42,"headers":{"Accept-Encoding":["gzip"],"Content-Length":["0"],"User-Agent":["KrakenD Version 2.13.8"],"X-Forwarded-Host":["localhost:8080"]},"path":"/param_forwarding/","query":{}}\n`,
    );
  });

  it("X5 no-op_2: the backend's 404 passed through", async () => {
    const r = await request(`${gw.url}/no-op/ko`, { method: 'POST', headers: HOST });
    assert.equal(r.status, 404);
    assert.equal(r.headers['content-type'], 'text/plain');
    assert.equal(r.headers['cache-control'], undefined);
    assert.equal(r.body, '404 page not found');
  });

  it('X6 static: always-strategy data over a denied debug answer', async () => {
    const r = await request(`${gw.url}/static`, { headers: HOST });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'public, max-age=3600');
    assert.equal(r.headers['x-krakend-completed'], 'true');
    assert.equal(r.body, '{"bar":"foobar","foo":42}');
  });

  it('X7 collection: is_collection + mapping merged with an allow-listed echo', async () => {
    const r = await request(`${gw.url}/combination/2`, { headers: HOST });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-krakend-completed'], 'true');
    assert.equal(r.headers['cache-control'], 'public, max-age=3600');
    const posts = Array.from({ length: 10 }, (_v, i) => `{"i":${i},"path":"/collection/2"}`).join(
      ',',
    );
    assert.equal(r.body, `{"foo":42,"posts":[${posts}]}`);
  });

  it('X8 flatmap_1: move, del, move over a collection', async () => {
    const r = await request(`${gw.url}/flatmap/2`, { headers: HOST });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-krakend-completed'], 'true');
    assert.equal(r.body, `{"paths":[${Array(10).fill('{"url":"/collection/2"}').join(',')}]}`);
  });

  it('X9 sequential_1: {resp0_foo} fills the second url_pattern', async () => {
    const r = await request(`${gw.url}/sequential/ok/foobar`, { headers: HOST });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-krakend-completed'], 'true');
    assert.equal(r.headers['cache-control'], 'public, max-age=3600');
    assert.equal(r.body, `{"foo":42,${ECHO_HEADERS},"path":"/param_forwarding/42","query":{}}`);
  });

  it('X10 sequential_2: a failing second step leaves the first, incomplete', async () => {
    const r = await request(`${gw.url}/sequential/incomplete/foobar`, { headers: HOST });
    assert.equal(r.status, 200);
    assert.equal(r.headers['cache-control'], undefined);
    assert.equal(r.headers['x-krakend-completed'], 'false');
    assert.equal(r.body, '{"foo":42}');
  });

  it('X12 timeout: the slow backend is dropped, the answer is partial', async () => {
    const r = await request(`${gw.url}/timeout`, { headers: HOST });
    assert.equal(r.status, 200);
    assert.equal(r.headers['cache-control'], undefined);
    assert.equal(r.headers['x-krakend-completed'], 'false');
    assert.equal(
      r.body,
      `{"first":{"foo":42,${ECHO_HEADERS},"path":"/param_forwarding/123","query":{}}}`,
    );
  });

  it('X13 detail_error: return_error_details of the failing backend', async () => {
    const r = await request(`${gw.url}/detail_error`, { headers: HOST });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-krakend-completed'], 'false');
    assert.deepEqual(JSON.parse(r.body), {
      error_backend_b: {
        http_status_code: 404,
        http_body_encoding: 'text/plain; charset=utf-8',
        http_body: '404 page not found\n',
      },
      foo: 42,
      headers: {
        'Accept-Encoding': ['gzip'],
        'User-Agent': ['KrakenD Version 2.13.8'],
        'X-Forwarded-Host': ['localhost:8080'],
      },
      path: '/param_forwarding/',
      query: {},
    });
  });

  for (const code of [301, 302, 303, 307]) {
    it(`X14 backend_${code}: redirect followed with Referer, query kept`, async () => {
      const r = await request(`${gw.url}/redirect/${code}`, { headers: HOST });
      assert.equal(r.status, 200);
      assert.equal(r.headers['x-krakend-completed'], 'true');
      assert.equal(r.headers['cache-control'], 'public, max-age=3600');
      assert.equal(
        r.body,
        `{"foo":42,"headers":{"Accept-Encoding":["gzip"],"Referer":["${mock.url}/redirect/?status=${code}"],"User-Agent":["KrakenD Version 2.13.8"],"X-Forwarded-Host":["localhost:8080"]},"path":"/param_forwarding/","query":{"status":["${code}"]}}`,
      );
    });
  }

  it('R10 param_forwarding_1/_3: listed headers (any case) and a param in the query', async () => {
    for (const headers of [
      { Authorization: 'bearer 123456', 'X-Y-Z': 'true', 'A-B-C': 'ignore' },
      { autHoriZatiOn: 'bearer 123456', 'x-y-Z': 'true', 'a-b-c': 'ignore' },
    ]) {
      const r = await request(`${gw.url}/param_forwarding/some/foo/bar?a=1&b=2`, {
        headers: { ...HOST, ...headers },
      });
      assert.equal(r.status, 200);
      assert.equal(r.headers['cache-control'], 'public, max-age=3600');
      assert.equal(r.headers['x-krakend-completed'], 'true');
      assert.equal(
        r.body,
        '{"foo":42,"headers":{"Accept-Encoding":["gzip"],"Authorization":["bearer 123456"],"User-Agent":["KrakenD Version 2.13.8"],"X-Forwarded-Host":["localhost:8080"],"X-Y-Z":["true"]},"path":"/param_forwarding/bar","query":{"foo":["foo"]}}',
      );
    }
  });

  it('R11 param_forwarding_2: input_headers * forwards everything, UA kept + X-Forwarded-Via', async () => {
    const r = await request(`${gw.url}/param_forwarding/all/foo/bar?a=1&b=2`, {
      headers: {
        ...HOST,
        Authorization: 'bearer 123456',
        'X-Y-Z': 'true',
        'A-B-C': 'ignore',
        'User-Agent': 'Go-http-client/1.1',
      },
    });
    assert.equal(r.status, 200);
    assert.equal(
      r.body,
      '{"foo":42,"headers":{"A-B-C":["ignore"],"Accept-Encoding":["gzip"],"Authorization":["bearer 123456"],"User-Agent":["Go-http-client/1.1"],"X-Forwarded-Host":["localhost:8080"],"X-Forwarded-Via":["KrakenD Version 2.13.8"],"X-Y-Z":["true"]},"path":"/param_forwarding/bar","query":{"foo":["foo"]}}',
    );
  });

  it('R12 query_forwarding_2/_3: * forwards every key, a list only its keys', async () => {
    const all = await request(`${gw.url}/query_forwarding/all/foo?a=1&b=2&b=3`, { headers: HOST });
    assert.equal(
      all.body,
      `{"foo":42,${ECHO_HEADERS},"path":"/param_forwarding/foo","query":{"a":["1"],"b":["2","3"]}}`,
    );
    const some = await request(`${gw.url}/query_forwarding/some/foo?a=1&b=2&b=3`, {
      headers: HOST,
    });
    assert.equal(
      some.body,
      `{"foo":42,${ECHO_HEADERS},"path":"/param_forwarding/foo","query":{"a":["1"]}}`,
    );
  });
});
