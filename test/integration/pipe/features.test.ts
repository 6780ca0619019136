import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { BackendCallRecord } from '../../../src/types.js';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import { request } from '../../helpers/http.js';
import { endpoint, fakePlugins } from '../../unit/proxy/fixtures.js';
import { servePipe, type PipeServer } from './harness.js';

/**
 * The pipe features the vectors do not reach: load balancing, every static strategy,
 * concurrent calls, shadow backends, gzip, redirect limits and `no-redirect`, client plugins,
 * wildcard endpoints, X-Forwarded-For, hidden version, cache-control truncation, parsed bodies,
 * backend-call records.
 */
describe('pipe features', () => {
  let a: TestBackend;
  let b: TestBackend;
  let gw: PipeServer;
  let hidden: PipeServer;
  const records: BackendCallRecord[] = [];
  let shadowHits = 0;

  before(async () => {
    const handler =
      (name: string) =>
      async (
        req: import('node:http').IncomingMessage,
        res: import('node:http').ServerResponse,
        body: Buffer,
      ) => {
        const path = (req.url ?? '/').split('?')[0]!;
        if (path === '/gzip') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
          res.end(gzipSync('{"zipped":true}'));
          return;
        }
        if (path.startsWith('/loop/')) {
          const n = Number(path.slice(6));
          res.writeHead(302, { location: `/loop/${n + 1}` });
          res.end();
          return;
        }
        if (path === '/hop') {
          res.writeHead(302, { location: '/landing' });
          res.end();
          return;
        }
        if (path === '/post-307') {
          res.writeHead(307, { location: '/landing' });
          res.end();
          return;
        }
        if (path === '/shadow') shadowHits++;
        if (path === '/c') await new Promise((r) => setTimeout(r, 50));
        if (path === '/fail') {
          res.writeHead(503);
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            from: name,
            path: req.url,
            body: body.toString(),
            xff: req.headers['x-forwarded-for'] ?? null,
          }),
        );
      };
    a = await startBackend(handler('a'));
    b = await startBackend(handler('b'));
    const plugins = fakePlugins({
      clients: {
        teapot: () => async (req: Request) =>
          new Response(
            JSON.stringify({
              method: req.method,
              url: req.url,
              body: await req.text(),
              ua: req.headers.get('user-agent'),
            }),
            {
              status: 201,
              headers: { 'content-type': 'application/json', 'set-cookie': 'k=v' },
            },
          ),
        broken: () => {
          throw new Error('no handler today');
        },
      },
    });
    const st = (
      strategy: 'always' | 'success' | 'errored' | 'complete' | 'incomplete',
      path: string,
    ) =>
      endpoint({
        endpoint: `/static/${strategy}${path}`,
        static: { strategy, data: { s: 1 } },
        backends: [{ host: a.url, urlPattern: path }],
      });
    const endpoints = [
      endpoint({ endpoint: '/lb', backends: [{ host: [a.url, b.url], urlPattern: '/x' }] }),
      ...(['always', 'success', 'errored', 'complete', 'incomplete'] as const).flatMap((s) => [
        st(s, '/ok'),
        st(s, '/fail'),
      ]),
      endpoint({
        endpoint: '/concurrent',
        concurrentCalls: 3,
        backends: [{ host: a.url, urlPattern: '/c' }],
      }),
      endpoint({
        endpoint: '/shadowed',
        backends: [
          { host: a.url, urlPattern: '/main' },
          { host: b.url, urlPattern: '/shadow', shadow: true },
        ],
      }),
      endpoint({ endpoint: '/gzip', backends: [{ host: a.url, urlPattern: '/gzip' }] }),
      endpoint({
        endpoint: '/gzip-noop',
        outputEncoding: 'no-op',
        backends: [{ host: a.url, urlPattern: '/gzip' }],
      }),
      endpoint({
        endpoint: '/gzip-passed',
        outputEncoding: 'no-op',
        inputHeaders: ['Accept-Encoding'],
        backends: [{ host: a.url, urlPattern: '/gzip' }],
      }),
      endpoint({ endpoint: '/loop/{n}', backends: [{ host: a.url, urlPattern: '/loop/{n}' }] }),
      endpoint({
        endpoint: '/loop-noop/{n}',
        outputEncoding: 'no-op',
        backends: [{ host: a.url, urlPattern: '/loop/{n}' }],
      }),
      endpoint({
        endpoint: '/hop-noop',
        outputEncoding: 'no-op',
        backends: [{ host: a.url, urlPattern: '/hop' }],
      }),
      endpoint({
        endpoint: '/no-redirect',
        outputEncoding: 'no-op',
        backends: [
          {
            host: a.url,
            urlPattern: '/hop',
            extra: { 'plugin/http-client': { name: 'no-redirect' } },
          },
        ],
      }),
      endpoint({
        endpoint: '/post-307',
        method: 'POST',
        backends: [{ host: a.url, urlPattern: '/post-307' }],
      }),
      endpoint({
        endpoint: '/client-plugin',
        method: 'POST',
        backends: [
          {
            host: a.url,
            urlPattern: '/p/{x}',
            extra: { 'plugin/http-client': { name: 'teapot' } },
          },
        ],
      }),
      endpoint({
        endpoint: '/client-plugin-noop',
        method: 'POST',
        outputEncoding: 'no-op',
        backends: [
          { host: a.url, urlPattern: '/p', extra: { 'plugin/http-client': { name: 'teapot' } } },
        ],
      }),
      endpoint({
        endpoint: '/client-broken',
        backends: [
          { host: a.url, urlPattern: '/x', extra: { 'plugin/http-client': { name: 'broken' } } },
        ],
      }),
      endpoint({ endpoint: '/files/*', backends: [{ host: a.url, urlPattern: '/static' }] }),
      endpoint({ endpoint: '/xff', backends: [{ host: a.url, urlPattern: '/xff' }] }),
      endpoint({
        endpoint: '/cache',
        cacheTtlSeconds: 0.5,
        backends: [{ host: a.url, urlPattern: '/x' }],
      }),
      endpoint({
        endpoint: '/body',
        method: 'POST',
        backends: [{ host: a.url, urlPattern: '/body' }],
      }),
      endpoint({
        endpoint: '/cl-all',
        method: 'POST',
        outputEncoding: 'no-op',
        inputHeaders: ['*'],
        backends: [{ host: a.url, urlPattern: '/cl' }],
      }),
    ];
    gw = await servePipe(endpoints, {
      router: { returnErrorMsg: true },
      deps: { plugins, onBackendCall: (r) => records.push(r) },
    });
    hidden = await servePipe(
      [endpoint({ endpoint: '/x', backends: [{ host: a.url, urlPattern: '/x' }] })],
      {
        router: { hideVersionHeader: true },
      },
    );
  });

  after(async () => {
    await gw.close();
    await hidden.close();
    await a.close();
    await b.close();
  });

  const get = (path: string, init?: Parameters<typeof request>[1]) =>
    request(`${gw.url}${path}`, init);

  it('a host list is load-balanced round-robin', async () => {
    const from = [];
    for (let i = 0; i < 4; i++) from.push(JSON.parse((await get('/lb')).body).from);
    assert.deepEqual(from, ['a', 'b', 'a', 'b']);
  });

  it('static strategies: always, success, errored, complete, incomplete', async () => {
    const expect: Record<string, [string, string]> = {
      always: ['{"s":1}', '{"s":1}'],
      success: ['{"s":1}', ''],
      errored: ['', '{"s":1}'],
      complete: ['{"s":1}', ''],
      incomplete: ['', '{"s":1}'],
    };
    for (const [strategy, [onOk, onFail]] of Object.entries(expect)) {
      const ok = JSON.parse((await get(`/static/${strategy}/ok`)).body) as Record<string, unknown>;
      assert.equal('s' in ok, onOk !== '', `${strategy} on success`);
      const failed = await get(`/static/${strategy}/fail`);
      assert.equal(failed.status, onFail === '' ? 500 : 200, `${strategy} on failure`);
      if (onFail) assert.equal(failed.body, onFail);
    }
  });

  it('concurrent_calls fires N identical requests and answers once', async () => {
    const before = a.seen.filter((s) => s.url === '/c').length;
    const r = await get('/concurrent');
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).from, 'a');
    assert.equal(a.seen.filter((s) => s.url === '/c').length - before, 3);
  });

  it('a shadow backend gets a copy; its answer is ignored', async () => {
    const r = await get('/shadowed');
    assert.equal(JSON.parse(r.body).path, '/main');
    for (let i = 0; i < 50 && shadowHits === 0; i++)
      await new Promise((res) => setTimeout(res, 20));
    assert.equal(shadowHits, 1);
  });

  it('gzip the gateway asked for is undone; a forwarded Accept-Encoding keeps it', async () => {
    assert.equal((await get('/gzip')).body, '{"zipped":true}');
    const noop = await get('/gzip-noop');
    assert.equal(noop.body, '{"zipped":true}');
    assert.equal(noop.headers['content-encoding'], undefined);
    const passed = await get('/gzip-passed', { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(passed.headers['content-encoding'], 'gzip');
  });

  it("redirects: 9 are followed, the 10th is Go's error; no-op follows too", async () => {
    const far = await get('/loop/0');
    assert.equal(far.status, 500);
    assert.equal(far.body, 'Get "/loop/10": stopped after 10 redirects');
    const near = await get('/loop/1');
    assert.equal(near.status, 500);
    const noop = await get('/hop-noop');
    assert.equal(noop.status, 200);
    assert.equal(JSON.parse(noop.body).path, '/landing');
  });

  it('the built-in no-redirect client plugin returns the redirect itself', async () => {
    const r = await get('/no-redirect');
    assert.equal(r.status, 302);
    assert.equal(r.headers['location'], '/landing');
  });

  it('a 307 is not followed when the body cannot be sent again', async () => {
    const r = await get('/post-307', { method: 'POST', body: 'x' });
    assert.equal(r.status, 500);
    assert.match(r.body, /^invalid status code 307 /);
  });

  it('plugin/http-client: a WHATWG handler replaces the call, then the usual status and decoding', async () => {
    const r = await get('/client-plugin', { method: 'POST', body: 'hi' });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), {
      method: 'POST',
      url: `${a.url}/p/%7B%7B.X%7D%7D`,
      body: 'hi',
      ua: 'KrakenD Version 2.13.8',
    });
    const noop = await get('/client-plugin-noop', { method: 'POST', body: 'yo' });
    assert.equal(noop.status, 201);
    assert.equal(noop.headers['set-cookie']?.[0], 'k=v');
    assert.equal(JSON.parse(noop.body).body, 'yo');
    assert.ok(records.some((rec) => rec.source === 'plugin' && rec.status === 201));
  });

  it('a client plugin whose factory fails falls back to the network, with a warning', async () => {
    const r = await get('/client-broken');
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).from, 'a');
    assert.ok(
      gw.lines.some(
        (l) =>
          l.level === 40 &&
          l.msg ===
            '[BACKEND: GET /client-broken -> /x] Error getting the plugin handler: no handler today',
      ),
    );
  });

  it('a wildcard endpoint appends the rest of the path', async () => {
    const r = await get('/files/a/b%20c.txt?q=1');
    assert.equal(JSON.parse(r.body).path, '/static/a/b%20c.txt');
  });

  it('X-Forwarded-For: the left-most client entry when all are IPs, else the socket address', async () => {
    assert.equal(
      JSON.parse((await get('/xff', { headers: { 'X-Forwarded-For': '1.2.3.4, 10.0.0.1' } })).body)
        .xff,
      '1.2.3.4',
    );
    assert.equal(
      JSON.parse((await get('/xff', { headers: { 'X-Forwarded-For': 'nope, 1.2.3.4' } })).body).xff,
      '127.0.0.1',
    );
    assert.equal(
      JSON.parse((await get('/xff', { headers: { 'X-Real-IP': '5.6.7.8' } })).body).xff,
      '5.6.7.8',
    );
  });

  it('hide_version_header: Version undefined; the User-Agent keeps the version', async () => {
    const r = await request(`${hidden.url}/x`);
    assert.equal(r.headers['x-krakend'], 'Version undefined');
    assert.equal(a.seen.at(-1)!.headers['user-agent'], 'KrakenD Version 2.13.8');
  });

  it('cache_ttl under a second still sends max-age=0', async () => {
    assert.equal((await get('/cache')).headers['cache-control'], 'public, max-age=0');
  });

  it('a forwarded Content-Length frames the streamed body (lura sets ContentLength from it)', async () => {
    const body = Buffer.alloc(256 * 1024, 1);
    await get('/cl-all', { method: 'POST', body });
    const all = a.seen.at(-1)!;
    assert.equal(all.headers['content-length'], String(body.length));
    assert.equal(all.headers['transfer-encoding'], undefined);
    assert.equal(all.body.length, body.length);
  });

  it('backend calls are recorded with method, url, status and source', async () => {
    await get('/lb');
    const rec = records.at(-1)!;
    assert.equal(rec.method, 'GET');
    assert.match(rec.url, /\/x$/);
    assert.equal(rec.status, 200);
    assert.equal(rec.source, 'live');
    assert.equal(typeof rec.ms, 'number');
  });
});
