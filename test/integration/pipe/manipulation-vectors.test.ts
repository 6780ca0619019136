import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jsonRoutes, startBackend, type TestBackend } from '../../helpers/backend.js';
import { request } from '../../helpers/http.js';
import { endpoint, fakePlugins } from '../../unit/proxy/fixtures.js';
import { servePipe, type PipeServer } from './harness.js';

/**
 * behaviour §7.3 (P1–P16): lura's formatter, merge, sequential, static, decoder and status
 * vectors, each as an endpoint over a real loopback backend that answers the vector's data.
 */
const ABC = '{"supu":42,"tupu":false,"foo":"bar","a":{"b":true,"c":42,"d":"tupu"}}';
const S = '{"b":true,"c":42,"d":"tupu","e":[1,2,3,4]}';

describe('response manipulation vectors (behaviour §7.3)', () => {
  let data: TestBackend;
  let slow: TestBackend;
  let gw: PipeServer;
  const seenParams: Record<string, string>[] = [];

  before(async () => {
    data = await startBackend(
      jsonRoutes({
        '/abc': ABC,
        '/deep':
          '{"id":42,"tupu":{"muku":{"supu":1,"muku":2,"gutu":{"kugu":42}},"supu":{"supu":3,"muku":4}}}',
        '/deny':
          '{"supu":42,"tupu":false,"foo":"bar","a":{"a":{"b":true,"c":42,"d":"tupu","deeper":{"a":{"aa":"x","bb":"y"},"b":{"aa":"x","bb":"z"}}},"b":true,"c":42,"d":"tupu"}}',
        '/small': '{"supu":42,"tupu":false,"foo":"bar"}',
        '/group1': '{"supu":42,"tupu":false,"foo":"bar","group1":{"b":true,"c":42,"d":"tupu"}}',
        '/nested': '{"supu":42,"group1":{"group1":{"b":true,"c":42,"d":"tupu"}}}',
        '/nonobject': '{"supu":42,"group1":false}',
        '/flatmap': `{"content":{"supu":42,"tupu":false,"foo":"bar","a":${S},"collection":[${S},${S},${S},${S}],"y":[0,1,2,3,4,5,6],"z":[10,11,12,13,14,15,16]}}`,
        '/supu': '{"supu":42}',
        '/tupu': '{"tupu":true}',
        '/decimal': '{"foo":"bar","supu":false,"tupu":4.20}',
        '/list': '["foo","bar","supu"]',
        '/scalar': '3',
        '/boom': [500, 'booom\n', { 'content-type': 'text/plain; charset=utf-8' }],
        '/seq0':
          '{"int":42,"string":"some","bool":true,"struct":{"foo":"bar"},"array":["1","2"],"propagated":"everywhere"}',
        '/seq1/1,2/42/some/true/bar': '{"tupu":"foo"}',
        '/seq3': '{"done":true}',
        '/proto1': '{"a":{"__proto__":{"p":1},"keep":1,"drop":2},"c":1}',
        '/proto2': '{"__proto__":{"y":2},"b":2}',
      }),
    );
    slow = await startBackend(async (req, res) => {
      const path = (req.url ?? '').split('?')[0]!;
      const wait = path === '/late' ? 2000 : path === '/soon' ? 50 : 0;
      await new Promise((r) => setTimeout(r, wait));
      if (res.destroyed) return;
      if (path === '/two/foo') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('hello');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(path === '/late' ? '{"tupu":true}' : '{"supu":42}');
    });
    const d = data.url;
    const one = (path: string, b: object, extra: object = {}) =>
      endpoint({ endpoint: path, ...extra, backends: [{ host: d, ...b }] });
    const captureParams = {
      factory: () => (w: { params: Record<string, string> }) => {
        seenParams.push({ ...w.params });
        return w;
      },
      request: true,
    };
    // The only way a single backend answers incomplete data is a response modifier saying so.
    const markIncomplete = {
      factory: () => (w: { isComplete: boolean }) => ({ ...w, isComplete: false }),
      response: true,
    };
    gw = await servePipe(
      [
        one('/p1', { urlPattern: '/abc', allow: ['supu', 'a.b', 'a.c', 'foo.unknown'] }),
        one('/p2', { urlPattern: '/deep', allow: ['tupu.muku.supu', 'tupu.muku.gutu.kugu'] }),
        one('/p3', {
          urlPattern: '/deny',
          deny: [
            'supu',
            'a.b',
            'a.c',
            'foo.unknown',
            'a.a.b',
            'a.a.deeper.a.aa',
            'a.a.deeper.b.aa',
          ],
        }),
        one('/p4', { urlPattern: '/small', group: 'group1' }),
        one('/p5', {
          urlPattern: '/abc',
          mapping: { supu: 'SUPUUUUU', tupu: 'TUPUUUUU', 'a.b': 'a.BOOOOO' },
        }),
        one('/p6/target', { urlPattern: '/group1', target: 'group1' }),
        one('/p6/nested', { urlPattern: '/nested', target: 'group1.group1' }),
        one('/p6/unknown', { urlPattern: '/small', target: 'group1' }),
        one('/p6/nonobject', { urlPattern: '/nonobject', target: 'group1' }),
        one('/p7', {
          urlPattern: '/abc',
          target: 'a',
          allow: ['d'],
          group: 'group',
          mapping: { d: 'D' },
        }),
        one('/p8', {
          urlPattern: '/flatmap',
          target: 'content',
          group: 'group',
          flatmap: [
            { type: 'del', args: ['c'] },
            { type: 'append', args: ['y', 'z'] },
            { type: 'move', args: ['supu', 'SUPUUUUU'] },
            { type: 'move', args: ['a.b', 'a.BOOOOO'] },
            { type: 'del', args: ['collection.*.b', 'collection.*.d', 'collection.*.e'] },
            { type: 'move', args: ['collection.*.c', 'collection.*.x'] },
          ],
        }),
        endpoint({
          endpoint: '/p9',
          timeoutMs: 500,
          backends: [
            { host: d, urlPattern: '/supu' },
            { host: d, urlPattern: '/tupu' },
          ],
        }),
        endpoint({
          endpoint: '/p9/proto',
          backends: [
            { host: d, urlPattern: '/proto1', allow: ['a.__proto__', 'a.keep', 'c'] },
            { host: d, urlPattern: '/proto2' },
          ],
        }),
        endpoint({
          endpoint: '/p10',
          backends: [
            { host: d, urlPattern: '/supu' },
            {
              host: d,
              urlPattern: '/tupu',
              extra: { 'plugin/req-resp-modifier': { name: ['incomplete'] } },
            },
          ],
        }),
        endpoint({
          endpoint: '/p11',
          // lura: 100 ms, parts at 50 ms and 500 ms; the deadline scaled to survive a loaded CI box.
          timeoutMs: 500,
          backends: [
            { host: slow.url, urlPattern: '/soon' },
            { host: slow.url, urlPattern: '/late' },
          ],
        }),
        endpoint({
          endpoint: '/p12',
          backends: [
            { host: d, urlPattern: '/boom' },
            { host: d, urlPattern: '/missing' },
          ],
        }),
        endpoint({
          endpoint: '/p13',
          sequential: true,
          sequentialPropagatedParams: ['resp0_propagated', 'resp2'],
          backends: [
            { host: d, urlPattern: '/seq0' },
            {
              host: d,
              urlPattern:
                '/seq1/{resp0_array}/{resp0_int}/{resp0_string}/{resp0_bool}/{resp0_struct.foo}',
              group: 'one',
            },
            { host: slow.url, urlPattern: '/two/{resp1_one.tupu}', encoding: 'no-op' },
            {
              host: d,
              urlPattern: '/seq3',
              group: 'three',
              extra: { 'plugin/req-resp-modifier': { name: ['capture'] } },
            },
          ],
        }),
        ...(['/supu', '/abc-incomplete', '/boom'] as const).map((u, i) =>
          endpoint({
            endpoint: `/p14/${i}`,
            static: {
              strategy: 'incomplete',
              data: { 'new-1': true, 'new-2': { k1: 42 }, 'new-3': '42' },
            },
            backends:
              u === '/abc-incomplete'
                ? [
                    { host: d, urlPattern: '/supu' },
                    { host: d, urlPattern: '/boom' },
                  ]
                : [{ host: d, urlPattern: u }],
          }),
        ),
        one('/p15/json', { urlPattern: '/decimal' }),
        one('/p15/safejson', { urlPattern: '/decimal', encoding: 'safejson' }),
        one('/p15/collection', { urlPattern: '/list', isCollection: true }),
        one('/p15/safecollection', { urlPattern: '/list', encoding: 'safejson' }),
        one('/p15/scalar', { urlPattern: '/scalar', isCollection: true }),
        one('/p15/safescalar', { urlPattern: '/scalar', encoding: 'safejson' }),
        one('/p16', { urlPattern: '/boom' }),
        one('/p16/detailed', { urlPattern: '/boom', returnErrorDetails: 'some' }),
      ],
      {
        router: { returnErrorMsg: true },
        deps: {
          plugins: fakePlugins({
            modifiers: { capture: captureParams, incomplete: markIncomplete },
          }),
        },
      },
    );
  });

  after(async () => {
    await gw.close();
    await data.close();
    await slow.close();
  });

  const body = async (path: string) => (await request(`${gw.url}${path}`)).body;

  it('P1 allow: listed leaves kept, unknown paths ignored', async () => {
    assert.equal(await body('/p1'), '{"a":{"b":true,"c":42},"supu":42}');
  });

  it('P2 allow deep fields', async () => {
    assert.equal(await body('/p2'), '{"tupu":{"muku":{"gutu":{"kugu":42},"supu":1}}}');
  });

  it('P3 deny: exactly the listed paths', async () => {
    assert.equal(
      await body('/p3'),
      '{"a":{"a":{"c":42,"d":"tupu","deeper":{"a":{"bb":"y"},"b":{"bb":"z"}}},"d":"tupu"},"foo":"bar","tupu":false}',
    );
  });

  it('P4 group', async () => {
    assert.equal(await body('/p4'), '{"group1":{"foo":"bar","supu":42,"tupu":false}}');
  });

  it('P5 mapping: top level only', async () => {
    assert.equal(
      await body('/p5'),
      '{"SUPUUUUU":42,"TUPUUUUU":false,"a":{"b":true,"c":42,"d":"tupu"},"foo":"bar"}',
    );
  });

  it('P6 target: object, nested, missing, not an object', async () => {
    assert.equal(await body('/p6/target'), '{"b":true,"c":42,"d":"tupu"}');
    assert.equal(await body('/p6/nested'), '{"b":true,"c":42,"d":"tupu"}');
    const missing = await request(`${gw.url}/p6/unknown`);
    assert.equal(missing.body, '{}');
    assert.equal(missing.headers['x-krakend-completed'], 'false');
    assert.equal(await body('/p6/nonobject'), '{}');
  });

  it('P7 target + allow + mapping + group together', async () => {
    assert.equal(await body('/p7'), '{"group":{"D":"tupu"}}');
  });

  it('P8 target + flatmap del/append/move + group', async () => {
    assert.equal(
      await body('/p8'),
      '{"group":{"SUPUUUUU":42,"a":{"BOOOOO":true,"c":42,"d":"tupu","e":[1,2,3,4]},"collection":[{"x":42},{"x":42},{"x":42},{"x":42}],"foo":"bar","tupu":false,"z":[10,11,12,13,14,15,16,0,1,2,3,4,5,6]}}',
    );
  });

  it('P9 merge of two complete responses is complete', async () => {
    const r = await request(`${gw.url}/p9`);
    assert.equal(r.body, '{"supu":42,"tupu":true}');
    assert.equal(r.headers['x-krakend-completed'], 'true');
  });

  it('P9 with __proto__ keys: kept as data by allow and by the merge, nothing polluted', async () => {
    const r = await request(`${gw.url}/p9/proto`);
    assert.equal(r.body, '{"__proto__":{"y":2},"a":{"__proto__":{"p":1},"keep":1},"b":2,"c":1}');
    assert.equal(r.headers['x-krakend-completed'], 'true');
    const probe = {} as Record<string, unknown>;
    assert.equal(probe['y'], undefined);
    assert.equal(probe['p'], undefined);
  });

  it('P10 one incomplete part makes the merge incomplete', async () => {
    const r = await request(`${gw.url}/p10`);
    assert.equal(r.body, '{"supu":42,"tupu":true}');
    assert.equal(r.headers['x-krakend-completed'], 'false');
  });

  it('P11 partial timeout: the late part is dropped with context deadline exceeded', async () => {
    const r = await request(`${gw.url}/p11`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"supu":42}');
    assert.equal(r.headers['x-krakend-completed'], 'false');
    assert.ok(
      gw.errors().includes('[ENDPOINT: /p11] Error #0: context deadline exceeded'),
      gw.errors().join('\n'),
    );
  });

  it('P12 every part failing: no data, both errors', async () => {
    const r = await request(`${gw.url}/p12`);
    assert.equal(r.status, 500);
    assert.equal(
      r.body,
      `invalid status code 500 [GET /boom]: ${data.url}/boom\ninvalid status code 404 [GET /missing]: ${data.url}/missing`,
    );
    const errs = gw.errors();
    assert.ok(
      errs.includes(
        `[ENDPOINT: /p12] Error #0: invalid status code 500 [GET /boom]: ${data.url}/boom`,
      ),
    );
    assert.ok(
      errs.includes(
        `[ENDPOINT: /p12] Error #1: invalid status code 404 [GET /missing]: ${data.url}/missing`,
      ),
    );
  });

  it('P13 sequential params: arrays joined, numbers, strings, bools, nested, propagated, full body', async () => {
    const r = await request(`${gw.url}/p13`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-krakend-completed'], 'true');
    const seen = seenParams.at(-1)!;
    assert.equal(seen['Resp0_array'], '1,2');
    assert.equal(seen['Resp0_int'], '42');
    assert.equal(seen['Resp0_string'], 'some');
    assert.equal(seen['Resp0_bool'], 'true');
    assert.equal(seen['Resp0_struct.foo'], 'bar');
    assert.equal(seen['Resp1_one.tupu'], 'foo');
    assert.equal(seen['Resp0_propagated'], 'everywhere');
    assert.equal(seen['Resp2'], 'hello');
    assert.ok(slow.seen.some((s) => s.url === '/two/foo'));
  });

  it('P14 static incomplete: unchanged when complete, added when incomplete or failed', async () => {
    assert.equal(await body('/p14/0'), '{"supu":42}');
    assert.equal(await body('/p14/1'), '{"new-1":true,"new-2":{"k1":42},"new-3":"42","supu":42}');
    const failed = await request(`${gw.url}/p14/2`);
    assert.equal(failed.status, 200);
    assert.equal(failed.body, '{"new-1":true,"new-2":{"k1":42},"new-3":"42"}');
    assert.equal(failed.headers['x-krakend-completed'], 'false');
    assert.ok(
      gw
        .errors()
        .includes(`[ENDPOINT: /p14/2] invalid status code 500 [GET /boom]: ${data.url}/boom`),
    );
  });

  it('P15 decoders: number lexemes kept, collections, scalars', async () => {
    assert.equal(await body('/p15/json'), '{"foo":"bar","supu":false,"tupu":4.20}');
    assert.equal(await body('/p15/safejson'), '{"foo":"bar","supu":false,"tupu":4.20}');
    assert.equal(await body('/p15/collection'), '{"collection":["foo","bar","supu"]}');
    assert.equal(await body('/p15/safecollection'), '{"collection":["foo","bar","supu"]}');
    const scalar = await request(`${gw.url}/p15/scalar`);
    assert.equal(scalar.status, 500);
    assert.equal(scalar.body, 'json: cannot unmarshal number into Go value of type []interface {}');
    assert.equal(await body('/p15/safescalar'), '{"content":3}');
  });

  it('P16 bad status: an error, or details with return_error_details', async () => {
    const plain = await request(`${gw.url}/p16`);
    assert.equal(plain.status, 500);
    assert.match(plain.body, /^invalid status code 500 \[GET \/boom\]: /);
    const detailed = await request(`${gw.url}/p16/detailed`);
    assert.equal(detailed.status, 200);
    assert.equal(detailed.headers['x-krakend-completed'], 'false');
    assert.equal(
      detailed.body,
      '{"error_some":{"http_status_code":500,"http_body":"booom\\n","http_body_encoding":"text/plain; charset=utf-8"}}',
    );
  });
});
