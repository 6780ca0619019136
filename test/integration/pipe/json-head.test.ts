import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import { startGateway, type RunningGateway } from '../../helpers/gateway.js';
import { headerLines, request } from '../../helpers/http.js';

/**
 * The head of an encoded answer (src/http/pipe-handler.ts): written as one array when nothing
 * was set on the response before, through Node's header map otherwise (CORS here). Both give the
 * same lines in the same order; only what a layer set earlier comes first.
 */
const HIDDEN = new Set(['date', 'connection', 'keep-alive']);

function lines(raw: string[], drop: (name: string) => boolean = () => false): string[] {
  // The measured duration changes with every call.
  return headerLines(raw, (name) => !HIDDEN.has(name) && !drop(name)).map((l) =>
    l.replace(/dur=[\d.]+/g, 'dur=N'),
  );
}

describe('the head of an encoded answer', () => {
  let a: TestBackend;
  let plain: RunningGateway;
  let cors: RunningGateway;

  before(async () => {
    a = await startBackend((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Set-Cookie': 'x=1' });
      res.end(req.url === '/u' ? '{"b":2,"a":"é<"}' : '{"n":1}');
    });
    const config = (extra: object) => ({
      version: 3,
      cache_ttl: '30s',
      ...extra,
      endpoints: [
        { endpoint: '/one', backend: [{ host: [a.url], url_pattern: '/u' }] },
        {
          endpoint: '/two',
          backend: [
            { host: [a.url], url_pattern: '/u' },
            { host: [a.url], url_pattern: '/v' },
          ],
        },
        { endpoint: '/text', output_encoding: 'string', backend: [{ host: [a.url], url_pattern: '/u', encoding: 'string' }] },
      ],
    });
    plain = await startGateway({ config: config({}), serverTiming: true });
    cors = await startGateway({
      config: config({ extra_config: { 'security/cors': { allow_origins: ['*'] } } }),
      serverTiming: true,
    });
  });

  after(async () => {
    await plain.close();
    await cors.close();
    await a.close();
  });

  const json = (body: string, timing: string) => [
    'X-Krakend: Version 2.13.8',
    `Server-Timing: ${timing}`,
    'Cache-Control: public, max-age=30',
    'X-Krakend-Completed: true',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];

  it('nothing set before: the gateway lines in order, Content-Length from the body', async () => {
    const r = await request(`${plain.url}/one`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"a":"é\\u003c","b":2}');
    assert.deepEqual(lines(r.rawHeaders), json(r.body, 'backend-0;desc="GET /u";dur=N'));

    const m = await request(`${plain.url}/two`);
    assert.equal(m.body, '{"a":"é\\u003c","b":2,"n":1}');
    assert.deepEqual(
      lines(m.rawHeaders),
      json(m.body, 'backend-0;desc="GET /u";dur=N, backend-1;desc="GET /v";dur=N'),
    );
  });

  it('CORS set headers first: they stay first, the same lines follow', async () => {
    const r = await request(`${cors.url}/one`, { headers: { Origin: 'http://app.test' } });
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"a":"é\\u003c","b":2}');
    assert.deepEqual(lines(r.rawHeaders), [
      'Vary: Origin',
      'Access-Control-Allow-Origin: *',
      ...json(r.body, 'backend-0;desc="GET /u";dur=N'),
    ]);
  });

  it('a string render', async () => {
    const t = await request(`${plain.url}/text`);
    assert.equal(t.body, '{"b":2,"a":"é<"}');
    assert.deepEqual(lines(t.rawHeaders, (n) => n === 'server-timing'), [
      'X-Krakend: Version 2.13.8',
      'Cache-Control: public, max-age=30',
      'X-Krakend-Completed: true',
      'Content-Type: text/plain; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(t.body)}`,
    ]);
  });
});
