import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jsonRoutes, startBackend, type TestBackend } from '../../helpers/backend.js';
import { request } from '../../helpers/http.js';
import { endpoint, fakePlugins } from '../../unit/proxy/fixtures.js';
import { goHeaders, goQuery, servePipe, type PipeServer } from './harness.js';

/**
 * behaviour §7.4 (H1–H15) and the handler cases of §7.2 (R1, R2, R4, R5). lura drives its
 * handler with fake proxies; here real backends stand in, and modifier plugins play the proxy
 * when a vector needs an error or metadata only a proxy can produce. lura's unit tests run
 * unversioned (`Version undefined`).
 */
const dummy = (extra: object = {}) => Object.assign(new Error('this is a dummy error'), extra);

describe('handler and render vectors (behaviour §7.4, §7.2)', () => {
  let backend: TestBackend;
  let slowBackend: TestBackend;
  let gw: PipeServer;
  let errMsg: PipeServer;
  let captured:
    | {
        params: Record<string, string>;
        headers: Record<string, string[]>;
        query: Record<string, string[]>;
      }
    | undefined;

  before(async () => {
    backend = await startBackend(
      jsonRoutes({
        '/supu': '{"supu":"tupu"}',
        '/foo': '{"foo":"bar"}',
        '/empty': '{}',
        '/content': '{"content":{"B":"supu"}}',
        '/string': '{"content":"supu"}',
        '/number': '{"content":42}',
        '/tupu': '{"tupu":true}',
        '/noop': [
          200,
          'supu',
          {
            'content-type': 'text/plain; charset=utf-8',
            'set-cookie': ['a=1', 'b=2'] as unknown as string,
          },
        ],
        '/echo': '{}',
      }),
    );
    const slow = async (_req: unknown, res: import('node:http').ServerResponse): Promise<void> => {
      await new Promise((r) => setTimeout(r, 300));
      if (!res.destroyed) res.end('{"late":true}');
    };
    slowBackend = await startBackend(slow);
    const h = backend.url;
    const plugins = fakePlugins({
      modifiers: {
        incomplete: { factory: () => (w: object) => ({ ...w, isComplete: false }), response: true },
        dummy: {
          factory: () => () => {
            throw dummy();
          },
          request: true,
        },
        teapot: {
          factory: () => () => {
            throw dummy({ statusCode: 418 });
          },
          request: true,
        },
        teapotHeaders: {
          factory: () => () => {
            throw dummy({ statusCode: 418, headers: { 'X-Header': ['header1', 'header2'] } });
          },
          request: true,
        },
        teapotJson: {
          factory: () => () => {
            throw Object.assign(new Error('{ "message": "this is a dummy error" }'), {
              statusCode: 418,
              contentType: 'application/json',
            });
          },
          request: true,
        },
        capture: {
          factory:
            () =>
            (w: {
              params: Record<string, string>;
              headers: Record<string, string[]>;
              query: Record<string, string[]>;
            }) => {
              captured = {
                params: { ...w.params },
                headers: { ...w.headers },
                query: { ...w.query },
              };
              return w;
            },
          request: true,
        },
        // Adds to the headers it was handed, in place: they must be its own to change.
        stamp: {
          factory: () => (w: { headers: Record<string, string[]> }) => {
            w.headers['X-Stamp'] = ['1'];
            return w;
          },
          response: true,
        },
        echoRequest: {
          factory: () => (w: object) => ({
            ...w,
            data: { headers: captured?.headers, params: captured?.params, query: captured?.query },
            headers: { 'X-YZ': ['something'] },
          }),
          response: true,
        },
      },
    });
    const mod = (...name: string[]) => ({ 'plugin/req-resp-modifier': { name } });
    const endpoints = [
      endpoint({
        endpoint: '/r1/{param}',
        cacheTtlSeconds: 6 * 3600,
        inputQueryStrings: ['b', 'c[]', 'd'],
        backends: [{ host: h, urlPattern: '/supu' }],
      }),
      endpoint({
        endpoint: '/_gin_endpoint/{param}',
        inputHeaders: ['*'],
        inputQueryStrings: ['*'],
        extra: mod('capture', 'echoRequest'),
        backends: [{ host: h, urlPattern: '/echo' }],
      }),
      endpoint({
        endpoint: '/stamped',
        extra: mod('stamp'),
        backends: [{ host: h, urlPattern: '/supu' }],
      }),
      endpoint({
        endpoint: '/r4/extra',
        inputQueryStrings: ['some'],
        backends: [{ host: h, urlPattern: '/tupu?extra=true' }],
      }),
      endpoint({
        endpoint: '/r4/plain',
        inputQueryStrings: ['some'],
        backends: [{ host: h, urlPattern: '/tupu' }],
      }),
      endpoint({
        endpoint: '/r5',
        inputHeaders: ['*'],
        inputQueryStrings: ['*'],
        backends: [
          {
            host: h,
            urlPattern: '/tupu',
            inputHeaders: ['X-This-Shall-Pass', 'X-Gandalf-Will-Pass'],
            inputQueryStrings: ['oak', 'cedar'],
          },
        ],
      }),
      endpoint({
        endpoint: '/h1',
        cacheTtlSeconds: 60,
        extra: mod('incomplete'),
        backends: [{ host: h, urlPattern: '/foo' }],
      }),
      endpoint({ endpoint: '/', extra: mod('dummy'), backends: [{ host: h, urlPattern: '/foo' }] }),
      endpoint({
        endpoint: '/h3',
        extra: mod('teapot'),
        backends: [{ host: h, urlPattern: '/foo' }],
      }),
      endpoint({
        endpoint: '/h4',
        extra: mod('teapotHeaders'),
        backends: [{ host: h, urlPattern: '/foo' }],
      }),
      endpoint({
        endpoint: '/h5',
        extra: mod('teapotJson'),
        backends: [{ host: h, urlPattern: '/foo' }],
      }),
      endpoint({
        endpoint: '/h6',
        backends: [
          { host: h, urlPattern: '/foo' },
          { host: h, urlPattern: '/missing' },
        ],
      }),
      endpoint({
        endpoint: '/h7/empty',
        timeoutMs: 50,
        backends: [{ host: slowBackend.url, urlPattern: '/' }],
      }),
      endpoint({
        endpoint: '/h7/data',
        timeoutMs: 50,
        static: { strategy: 'always', data: { foo: 'bar' } },
        backends: [{ host: slowBackend.url, urlPattern: '/' }],
      }),
      endpoint({ endpoint: '/h8', backends: [{ host: h, urlPattern: '/empty' }] }),
      endpoint({
        endpoint: '/h9',
        outputEncoding: 'negotiate',
        backends: [{ host: h, urlPattern: '/content' }],
      }),
      endpoint({
        endpoint: '/h10',
        outputEncoding: 'negotiate',
        backends: [{ host: h, urlPattern: '/empty' }],
      }),
      endpoint({
        endpoint: '/h11/string',
        outputEncoding: 'string',
        backends: [{ host: h, urlPattern: '/string' }],
      }),
      endpoint({
        endpoint: '/h11/number',
        outputEncoding: 'string',
        backends: [{ host: h, urlPattern: '/number' }],
      }),
      endpoint({
        endpoint: '/h12',
        outputEncoding: 'no-op',
        backends: [{ host: h, urlPattern: '/noop' }],
      }),
      endpoint({
        endpoint: '/h13',
        outputEncoding: 'no-op',
        static: { strategy: 'errored', data: { any: 'thing' } },
        backends: [{ host: 'http://127.0.0.1:1', urlPattern: '/' }],
      }),
      endpoint({
        endpoint: '/h14',
        outputEncoding: 'no-op',
        backends: [{ host: 'http://127.0.0.1:1', urlPattern: '/' }],
      }),
      endpoint({
        endpoint: '/h15',
        outputEncoding: 'unknown',
        backends: [{ host: h, urlPattern: '/foo' }],
      }),
    ];
    gw = await servePipe(endpoints, { deps: { version: 'undefined', plugins } });
    errMsg = await servePipe(endpoints, {
      router: { returnErrorMsg: true },
      deps: { version: 'undefined', plugins },
    });
  });

  after(async () => {
    await gw.close();
    await errMsg.close();
    await backend.close();
    await slowBackend.close();
  });

  it('R1 TestEndpointHandler_ok: listed query keys, cache header, complete', async () => {
    const r = await request(`${gw.url}/r1/a?a=42&b=1&c[]=x&c[]=y&d=1&d=2`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"supu":"tupu"}');
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'public, max-age=21600');
    assert.equal(r.headers['x-krakend-completed'], 'true');
    assert.equal(r.headers['x-krakend'], 'Version undefined');
    assert.deepEqual(goQuery(backend.seen.at(-1)!.url), {
      b: ['1'],
      'c[]': ['x', 'y'],
      d: ['1', '2'],
    });
  });

  it('R2 TestEndpointHandler_okAllParams: every header and query key, metadata headers copied', async () => {
    const r = await request(`${gw.url}/_gin_endpoint/a?a=42&b=1&c[]=x&c[]=y&d=1&d=2`, {
      headers: { 'Content-Type': 'application/json', Host: '127.0.0.1:8080' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-yz'], 'something');
    assert.equal(
      r.body,
      '{"headers":{"Content-Type":["application/json"],"User-Agent":["KrakenD Version undefined"],"X-Forwarded-For":["127.0.0.1"],"X-Forwarded-Host":["127.0.0.1:8080"]},"params":{"Param":"a"},"query":{"a":["42"],"b":["1"],"c[]":["x","y"],"d":["1","2"]}}',
    );
  });

  it('a response modifier may change the headers it was handed in place', async () => {
    const r = await request(`${gw.url}/stamped`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-stamp'], '1');
    assert.equal(r.body, '{"supu":"tupu"}');
    const again = await request(`${gw.url}/r1/x`);
    assert.equal(again.headers['x-stamp'], undefined, 'no other response carries it');
  });

  it('R4 balancing: forwarded query appended to the url_pattern query', async () => {
    await request(`${gw.url}/r4/extra?some=none`);
    assert.equal(backend.seen.at(-1)!.url, '/tupu?extra=true&some=none');
    await request(`${gw.url}/r4/plain?some=none`);
    assert.equal(backend.seen.at(-1)!.url, '/tupu?some=none');
  });

  it('R5 backend filters: only the listed headers and query keys', async () => {
    await request(`${gw.url}/r5?oak=1&maple=2&cedar=3&willow=4`, {
      headers: {
        'X-This-Shall-Pass': 'yes',
        'X-You-Shall-Not-Pass': 'no',
        'X-Gandalf-Will-Pass': 'yes',
        'X-Drop-Tables': 'no',
      },
    });
    const seen = backend.seen.at(-1)!;
    assert.equal(seen.url, '/tupu?cedar=3&oak=1');
    const headers = goHeaders({ rawHeaders: seen.rawHeaders } as never);
    assert.deepEqual(
      Object.keys(headers).filter((k) => k.startsWith('X-')),
      ['X-This-Shall-Pass', 'X-Gandalf-Will-Pass'],
    );
    // The filter dropped KrakenD's User-Agent: Go's client then sends its own (behaviour §2.5).
    assert.deepEqual(headers['User-Agent'], ['Go-http-client/1.1']);
  });

  it('H1 TestEndpointHandler_incomplete: 200, no Cache-Control, completed false', async () => {
    const r = await request(`${gw.url}/h1`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"foo":"bar"}');
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.headers['cache-control'], undefined);
    assert.equal(r.headers['x-krakend-completed'], 'false');
  });

  it('H2 TestEndpointHandler_errored: 500, empty, logged', async () => {
    const r = await request(`${gw.url}/`);
    assert.equal(r.status, 500);
    assert.equal(r.body, '');
    assert.equal(r.headers['content-type'], undefined);
    assert.equal(r.headers['x-krakend-completed'], 'false');
    assert.ok(gw.errors().includes('[ENDPOINT: /] this is a dummy error'));
  });

  it('H3 TestEndpointHandler_errored_responseError: the error status, text with return_error_msg', async () => {
    const r = await request(`${gw.url}/h3`);
    assert.equal(r.status, 418);
    assert.equal(r.body, '');
    const withMsg = await request(`${errMsg.url}/h3`);
    assert.equal(withMsg.status, 418);
    assert.equal(withMsg.body, 'this is a dummy error');
  });

  it('H4 TestEndpointHandler_errored_withHeaders: the error headers reach the client', async () => {
    const r = await request(`${gw.url}/h4`);
    assert.equal(r.status, 418);
    assert.equal(r.headers['x-header'], 'header1, header2');
  });

  it('H5 TestEndpointHandler_errored_encodedResponseError: the error content type', async () => {
    const r = await request(`${errMsg.url}/h5`);
    assert.equal(r.status, 418);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.body, '{ "message": "this is a dummy error" }');
  });

  it('H6 TestEndpointHandler_incompleteAndErrored: data wins, 200', async () => {
    const r = await request(`${gw.url}/h6`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"foo":"bar"}');
    assert.equal(r.headers['x-krakend-completed'], 'false');
  });

  it('H7 TestEndpointHandler_cancel/_cancelEmpty: deadline → 500, or the data there is', async () => {
    const empty = await request(`${gw.url}/h7/empty`);
    assert.equal(empty.status, 500);
    assert.equal(empty.body, '');
    assert.ok(
      gw.errors().includes('[ENDPOINT: /h7/empty] context deadline exceeded'),
      gw.errors().join('\n'),
    );
    const data = await request(`${gw.url}/h7/data`);
    assert.equal(data.status, 200);
    assert.equal(data.body, '{"foo":"bar"}');
    assert.equal(data.headers['x-krakend-completed'], 'false');
    // Static data keeps the backend's error (behaviour §3.8), so that is what is logged.
    assert.ok(
      gw.errors().includes('[ENDPOINT: /h7/data] context deadline exceeded'),
      gw.errors().join('\n'),
    );
  });

  it('H8 TestEndpointHandler_noop: no data renders {}, incomplete', async () => {
    const r = await request(`${gw.url}/h8`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '{}');
    assert.equal(r.headers['x-krakend-completed'], 'false');
  });

  it('H9 TestRender_Negotiated_ok: yaml, json (no Accept / json), xml', async () => {
    const yaml = await request(`${gw.url}/h9`, { headers: { Accept: 'text/plain' } });
    assert.equal(yaml.headers['content-type'], 'application/yaml; charset=utf-8');
    // lura's fixture is a Go struct (yaml lower-cases field names); decoded JSON is a map.
    assert.equal(yaml.body, 'content:\n  B: supu\n');
    for (const accept of [undefined, 'application/json']) {
      const json = await request(`${gw.url}/h9`, { headers: accept ? { Accept: accept } : {} });
      assert.equal(json.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(json.body, '{"content":{"B":"supu"}}');
    }
    const xml = await request(`${gw.url}/h9`, { headers: { Accept: 'application/xml' } });
    assert.equal(xml.headers['content-type'], 'application/xml');
    assert.equal(xml.body, '<content><B>supu</B></content>');
  });

  it('H10 TestRender_Negotiated_noData: yaml {}, json {}, xml <doc/>', async () => {
    assert.equal(
      (await request(`${gw.url}/h10`, { headers: { Accept: 'text/plain' } })).body,
      '{}\n',
    );
    assert.equal(
      (await request(`${gw.url}/h10`, { headers: { Accept: 'application/json' } })).body,
      '{}',
    );
    assert.equal(
      (await request(`${gw.url}/h10`, { headers: { Accept: 'application/xml' } })).body,
      '<doc/>',
    );
  });

  it('H11 TestRender_string / _string_noData', async () => {
    const s = await request(`${gw.url}/h11/string`);
    assert.equal(s.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(s.body, 'supu');
    const n = await request(`${gw.url}/h11/number`);
    assert.equal(n.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(n.body, '');
  });

  it('H12 TestRender_noop: status, content type, both cookies, body', async () => {
    const r = await request(`${gw.url}/h12`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
    assert.deepEqual(r.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(r.body, 'supu');
  });

  it('H13 TestRender_noop_nilBody: a response without body or status is 200 empty', async () => {
    const r = await request(`${gw.url}/h13`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '');
    assert.equal(r.headers['content-type'], undefined);
  });

  it('H14 TestRender_noop_nilResponse: 500', async () => {
    const r = await request(`${gw.url}/h14`);
    assert.equal(r.status, 500);
    assert.equal(r.body, '');
  });

  it('H15 TestRender_unknown: json', async () => {
    const r = await request(`${gw.url}/h15`);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.body, '{"foo":"bar"}');
  });
});
