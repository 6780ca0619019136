import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import { startGateway, type RunningGateway } from '../../helpers/gateway.js';
import { headerLines, request } from '../../helpers/http.js';

/**
 * The head of a no-op answer (src/proxy/raw-headers.ts): the gateway's own lines first, then the
 * backend's, added and never replacing (Go's `Header().Add`), whether the head goes out as one
 * array (nothing set before) or joins headers a layer set earlier (CORS here).
 */
const SHOWN = new Set(['x-krakend', 'x-krakend-completed', 'content-type', 'set-cookie', 'access-control-allow-origin', 'vary']);

const shownLines = (raw: string[]): string[] => headerLines(raw, (name) => SHOWN.has(name));

describe('the head of a no-op answer', () => {
  let backend: TestBackend;
  let plain: RunningGateway;
  let cors: RunningGateway;

  before(async () => {
    backend = await startBackend((_req, res) => {
      res.writeHead(201, [
        'Content-Type', 'text/plain',
        'X-Krakend', 'from the backend',
        'Set-Cookie', 'a=1',
        'Set-Cookie', 'b=2',
        'Keep-Alive', 'timeout=9',
      ]);
      res.end('hi');
    });
    const config = (extra: object) => ({
      version: 3,
      ...extra,
      endpoints: [
        {
          endpoint: '/n',
          output_encoding: 'no-op',
          backend: [{ host: [backend.url], url_pattern: '/n', encoding: 'no-op' }],
        },
      ],
    });
    plain = await startGateway({ config: config({}) });
    cors = await startGateway({
      config: config({ extra_config: { 'security/cors': { allow_origins: ['*'] } } }),
    });
  });

  after(async () => {
    await plain.close();
    await cors.close();
    await backend.close();
  });

  it('nothing set before: the gateway lines, then every backend line, in order', async () => {
    const r = await request(`${plain.url}/n`);
    assert.equal(r.status, 201);
    assert.equal(r.body, 'hi');
    assert.deepEqual(shownLines(r.rawHeaders), [
      'X-Krakend: Version 2.13.8',
      'X-Krakend-Completed: false',
      'Content-Type: text/plain',
      'X-Krakend: from the backend',
      'Set-Cookie: a=1',
      'Set-Cookie: b=2',
    ]);
    assert.equal(r.headers['keep-alive'], undefined); // hop-by-hop: never the backend's
  });

  it('CORS set headers first: they stay, and the same lines follow, grouped by name', async () => {
    const r = await request(`${cors.url}/n`, { headers: { Origin: 'http://app.test' } });
    assert.equal(r.status, 201);
    assert.equal(r.body, 'hi');
    // Node's header map keeps one entry per name: an added value joins the first one's place.
    assert.deepEqual(shownLines(r.rawHeaders), [
      'Vary: Origin',
      'Access-Control-Allow-Origin: *',
      'X-Krakend: Version 2.13.8',
      'X-Krakend: from the backend',
      'X-Krakend-Completed: false',
      'Content-Type: text/plain',
      'Set-Cookie: a=1',
      'Set-Cookie: b=2',
    ]);
    assert.equal(r.headers['keep-alive'], undefined);
  });

  it('a failed call still carries the gateway lines', async () => {
    const down = await startBackend(() => {});
    const url = down.url;
    await down.close();
    const gw = await startGateway({
      config: {
        version: 3,
        endpoints: [
          { endpoint: '/d', output_encoding: 'no-op', backend: [{ host: [url], url_pattern: '/', encoding: 'no-op' }] },
        ],
      },
    });
    try {
      const r = await request(`${gw.url}/d`);
      assert.equal(r.status, 500);
      assert.deepEqual(shownLines(r.rawHeaders), ['X-Krakend: Version 2.13.8', 'X-Krakend-Completed: false']);
    } finally {
      await gw.close();
    }
  });
});
