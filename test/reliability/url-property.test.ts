import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { loadConfig } from '../../src/config/index.js';
import { splitUrl } from '../../src/proxy/backend-call.js';
import { createHostPicker } from '../../src/proxy/hosts.js';
import { toProxyParams } from '../../src/proxy/request.js';
import { pathOf } from '../../src/internal/path.js';
import { compileUrlPattern } from '../../src/proxy/url-pattern.js';
import { compileRoutes, type CompiledRoutes } from '../../src/router/compile.js';
import { match } from '../../src/router/match.js';
import { checkParams } from '../../src/router/params.js';
import type { ResolvedEndpoint } from '../../src/types.js';
import { startBackend, type TestBackend } from '../helpers/backend.js';
import { rawRequest } from '../helpers/http.js';
import {
  assertHealthy,
  krakend,
  startStandalone,
  tcpBackend,
  trackCrashes,
  type Standalone,
  type TcpBackend,
} from './harness.js';

/**
 * Param and path injection (issue 9; reliability.md §1.7, §3): whatever a client writes in the
 * request target (`..`, `%2e%2e`, `%2F`, `//host`, backslashes, CR/LF, NUL, overlong UTF-8,
 * double encoding), the backend URL keeps the configured origin and the pattern's segments. Checked
 * twice with fast-check: in process over the same modules the gateway chains (router → param
 * checker → url_pattern → host picker → URL split), and over real sockets against a backend.
 */
const TOKENS = [
  'a', 'Z9', '-', '_', '~', '.', '..', '%2e', '%2E', '.%2E', '%2e%2e', '%2f', '%2F', '/', '//',
  '\\', '%5c', '%5C', '%00', '%0d', '%0a', '%0D%0A', '%09', '%20', '+', '%252e', '%252F', '%25',
  '%', '%%', '%G1', '?', '%3f', '%3F', '#', '%23', ';', ':', '@', '&', '=', '%26', '%3D',
  'evil.example', 'http:', 'https:%2F%2Fevil', '%C3%A9', '%C0%AE', '%C0%AF', '%E0%80%AE',
  '%E0%A4%A', '%F0%9F%98%80', '%ED%A0%80', '%FF', '$', '!', "'", '(', ')', '*', ',',
];

/** Raw path segments a client could write (no spaces or raw control bytes: the parser 400s). */
const hostile = fc
  .array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''));

const BACKEND = 'http://backend.internal:8080';

/** The built backend URL keeps its origin, and its path has the pattern's fixed segments. */
function assertContained(url: string, origin: string, prefix: string[], suffix: string[]): void {
  const { origin: o, path } = splitUrl(url);
  assert.equal(o, origin, url);
  const [p, q] = path.split('?');
  assert.equal(q, undefined, `no query was added: ${url}`);
  const segments = p!.split('/').slice(1);
  assert.equal(segments.length, prefix.length + 1 + suffix.length, url);
  assert.deepEqual(segments.slice(0, prefix.length), prefix, url);
  assert.deepEqual(segments.slice(prefix.length + 1), suffix, url);
  const value = segments[prefix.length]!;
  assert.ok(!/[\\#\s?]/.test(value) && value !== '.' && value !== '..', url);
  // The WHATWG parser (what a backend framework may use) resolves nothing in it either.
  assert.equal(new URL(url).pathname, p, url);
}

describe('param and path injection never leave the backend path or host', () => {
  let routes: CompiledRoutes<ResolvedEndpoint>;

  before(async () => {
    const config = await loadConfig(
      krakend([
        {
          endpoint: '/users/{id}/orders',
          backend: [{ host: [BACKEND], url_pattern: '/api/users/{id}/orders' }],
        },
        { endpoint: '/files/*', backend: [{ host: [BACKEND], url_pattern: '/static' }] },
        {
          endpoint: '/t/{tenant}',
          backend: [
            {
              host: ['http://{tenant}.svc.local:8080'],
              url_pattern: '/x',
              disable_host_sanitize: true,
            },
          ],
        },
      ]),
      { cwd: process.cwd() },
    );
    routes = compileRoutes(config.endpoints, (e) => e, '<inline>');
  });

  function build(target: string): string | 'refused' {
    if (target.includes('#')) return 'refused'; // requestProblem(), before routing
    const found = match(routes, 'GET', pathOf(target));
    if (found.kind !== 'route') return 'refused';
    const e = found.route.endpoint;
    if (checkParams(found.params, e.wildcard)) return 'refused';
    const params = toProxyParams(found.params);
    const backend = e.backends[0]!;
    const rendered = compileUrlPattern(backend.urlPattern, e.wildcard).render({
      params,
      headers: {},
      query: {},
    });
    try {
      return createHostPicker(backend.hosts)(params).base + rendered;
    } catch {
      return 'refused'; // a host placeholder that is not a DNS label fails the call
    }
  }

  test('in process: router → params → url_pattern → host never escape (10,000 runs)', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const url = build(`/users/${value}/orders`);
        if (url !== 'refused') assertContained(url, BACKEND, ['api', 'users'], ['orders']);
      }),
      { numRuns: 10_000, seed: 9 },
    );
  });

  test('in process: a wildcard remainder stays under its url_pattern', () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 4 }), (parts) => {
        const url = build(`/files/${parts.join('/')}`);
        if (url === 'refused') return;
        assert.equal(splitUrl(url).origin, BACKEND);
        const path = new URL(url).pathname;
        assert.ok(path === '/static' || path.startsWith('/static/'), url);
      }),
      { numRuns: 5000, seed: 9 },
    );
  });

  test('in process: a {param} in a host fills one DNS label, never another host', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const url = build(`/t/${value}`);
        if (url === 'refused') return;
        assert.match(splitUrl(url).origin, /^http:\/\/[A-Za-z0-9_-]+\.svc\.local:8080$/, url);
      }),
      { numRuns: 5000, seed: 9 },
    );
  });

  describe('over real sockets', () => {
    const crashes = trackCrashes();
    let backend: TestBackend;
    let sink: TcpBackend;
    let gw: Standalone;

    before(async () => {
      backend = await startBackend((_req, res) => void res.end('{}'));
      sink = await tcpBackend((s) => s.destroy());
      gw = await startStandalone(
        krakend([
          {
            endpoint: '/users/{id}/orders',
            output_encoding: 'no-op',
            backend: [{ host: [backend.url], url_pattern: '/api/users/{id}/orders' }],
          },
        ]),
        { level: 'warn' },
      );
    });

    after(async () => {
      await gw.close();
      await backend.close();
      await sink.close();
      crashes.stop();
      assert.deepEqual(crashes.crashes, []);
    });

    test('hostile targets: 400/404/redirect here and nothing sent, or a call inside', async () => {
      const host = `127.0.0.1:${backend.port}`;
      await fc.assert(
        fc.asyncProperty(
          hostile,
          fc.constantFrom('', `//127.0.0.1:${sink.port}`, `http://127.0.0.1:${sink.port}`),
          async (value, before) => {
            const seen = backend.seen.length;
            const target = `${before}/users/${value}/orders`;
            const r = await rawRequest(
              gw.port,
              `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
            );
            const sent = backend.seen.slice(seen);
            if (r.status === 301 || r.status === 307) {
              // KrakenD's fixed-path redirect (`/users/a//orders`): back to this gateway only.
              const location = /\r\nLocation: ([^\r]*)\r\n/i.exec(r.text)?.[1] ?? '';
              assert.match(location, /^\/[^/\\]/, `${target} → ${location}`);
              assert.equal(sent.length, 0, target);
            } else if (r.status === 200) {
              assert.equal(sent.length, 1, target);
              assert.equal(sent[0]!.headers.host, host);
              const url = `http://${host}${sent[0]!.url}`;
              assertContained(url, `http://${host}`, ['api', 'users'], ['orders']);
            } else {
              assert.ok([400, 404].includes(r.status), `${target} → ${r.status}`);
              assert.equal(sent.length, 0, target);
            }
          },
        ),
        { numRuns: 300, seed: 9 },
      );
      assert.equal(sink.accepted, 0);
      await assertHealthy(gw.url);
    });
  });
});
