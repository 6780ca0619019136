import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBackend, type TestBackend } from '../helpers/backend.js';
import { rawRequest, request } from '../helpers/http.js';
import {
  assertHealthy,
  krakend,
  startStandalone,
  trackCrashes,
  type Standalone,
} from './harness.js';

/**
 * reliability.md §6 row 58 through the whole gateway: a handler plugin that writes CR/LF into a
 * response header, or a request modifier that puts one into a header the backend would receive,
 * gets a 500 and a log line; no request with the injected line leaves the gateway. Rows 54–57
 * (throws, rejections, plugins that never answer, double `next`) are
 * test/integration/plugins/chain.test.ts.
 */
const PLUGIN = `
export const HandlerRegisterer = {
  RegisterHandlers(register) {
    register('crlf', (_ctx, _extra, next) => (req, res) => {
      if (req.url === '/twice') {
        res.end('one');
        return res.end('two');
      }
      if (req.url === '/response') {
        res.setHeader('X-Injected', 'a\\r\\nSet-Cookie: evil=1');
        return res.end('not reached');
      }
      return next(req, res);
    });
    register('headers', (_ctx, _extra, next) => (req, res) => {
      req.headers['x-added'] = 'by-plugin';
      delete req.headers['authorization'];
      return next(req, res);
    });
  },
};
export const ModifierRegisterer = {
  RegisterModifiers(register) {
    register(
      'inject',
      () => (req) => ({ ...req, headers: { ...req.headers, 'X-Injected': ['a\\r\\nX-Evil: 1'] } }),
      true,
      false,
    );
    register('tag', () => (res) => ({ ...res, data: { ...res.data, tagged: true } }), false, true);
  },
};
`;

describe('reliability §6 row 58: plugins that inject CR/LF', () => {
  const crashes = trackCrashes();
  let dir: string;
  let backend: TestBackend;
  let gw: Standalone;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kc-crlf-'));
    await writeFile(join(dir, 'crlf.mjs'), PLUGIN);
    backend = await startBackend((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end('{"ok":true}');
    });
    gw = await startStandalone(
      krakend(
        [
          { endpoint: '/response', backend: [{ host: [backend.url], url_pattern: '/' }] },
          {
            endpoint: '/request',
            extra_config: { 'plugin/req-resp-modifier': { name: ['inject'] } },
            backend: [{ host: [backend.url], url_pattern: '/' }],
          },
          {
            endpoint: '/noop-tag',
            output_encoding: 'no-op',
            extra_config: { 'plugin/req-resp-modifier': { name: ['tag'] } },
            backend: [{ host: [backend.url], url_pattern: '/', encoding: 'no-op' }],
          },
          ...['json', 'no-op'].map((encoding) => ({
            endpoint: `/${encoding}`,
            output_encoding: encoding,
            input_headers: ['*'],
            backend: [{ host: [backend.url], url_pattern: `/${encoding}` }],
          })),
        ],
        {
          plugin: { folder: dir, pattern: '.mjs' },
          extra_config: { 'plugin/http-server': { name: ['crlf', 'headers'] } },
        },
      ),
      { cwd: dir },
    );
  });

  after(async () => {
    await gw.close();
    await backend.close();
    await rm(dir, { recursive: true, force: true });
    crashes.stop();
    assert.deepEqual(crashes.crashes, []);
  });

  test('row 58: CR/LF in a response header → 500, logged with the plugin name', async () => {
    const r = await request(`${gw.url}/response`);
    assert.equal(r.status, 500);
    assert.equal(r.headers['set-cookie'], undefined);
    assert.equal(r.headers['x-injected'], undefined);
    assert.ok(
      gw.problems().some((m) => /crlf/.test(m) && /Invalid character in header content/.test(m)),
      gw.problems().join('\n'),
    );
    await assertHealthy(gw.url);
  });

  test('row 57: a plugin that ends its response twice is logged; the gateway keeps serving', async () => {
    const r = await request(`${gw.url}/twice`);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'one');
    await assertHealthy(gw.url);
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(
      gw.problems().some((m) => m.includes('GET /twice: write after end (a plugin wrote to a finished response)')),
      gw.problems().join('\n'),
    );
  });

  test('a response modifier on a no-op endpoint: each backend header once', async () => {
    const r = await rawRequest(gw.port, 'GET /noop-tag HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(r.status, 200);
    const head = r.text.slice(0, r.text.indexOf('\r\n\r\n')).toLowerCase();
    assert.equal(head.split('\r\ncontent-type:').length - 1, 1, head);
    assert.equal(head.split('\r\ncontent-length:').length - 1, 1, head);
    assert.ok(r.text.endsWith('{"ok":true}'), r.text);
  });

  test('row 58: CR/LF in a request header → 500; the backend never sees the request', async () => {
    const before = backend.seen.length;
    const r = await request(`${gw.url}/request`);
    assert.equal(r.status, 500);
    assert.equal(backend.seen.length, before);
    const problems = gw.problems();
    assert.ok(problems.some((m) => m.includes('[ENDPOINT: /request]')), problems.join('\n'));
    await assertHealthy(gw.url);
  });

  test('a handler plugin drops a credential or adds a header: the backend sees it', async () => {
    for (const encoding of ['json', 'no-op']) {
      const r = await request(`${gw.url}/${encoding}`, {
        headers: { Authorization: 'Bearer client', 'X-Kept': 'yes' },
      });
      assert.equal(r.status, 200);
      const seen = backend.seen.at(-1)!;
      assert.equal(seen.url, `/${encoding}`);
      assert.equal(seen.headers['authorization'], undefined);
      assert.equal(seen.headers['x-added'], 'by-plugin');
      assert.equal(seen.headers['x-kept'], 'yes');
    }
    await assertHealthy(gw.url);
  });
});
