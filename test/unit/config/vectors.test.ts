// Configuration vectors C1–C12 of krakend-behaviour.md §7.1; KrakenD's messages as substrings
// (DECISIONS.md 6).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkUrlPattern } from '../../../src/config/placeholders.js';
import { cleanHost } from '../../../src/config/hosts.js';
import { parseConfigText } from '../../../src/config/index.js';
import { backend, errorOf, problemMessages, resolveObject, v3 } from './helpers.js';

/**
 * C6/C7 fail KrakenD CE's start; here they load with an ERROR-level warning carrying KrakenD's
 * message (the corpus must load: file 037 has an undefined output param).
 */
function warningMessages(fn: () => { warnings: readonly { level: string; message: string }[] }): string[] {
  const KRAKEND = / \(KrakenD CE refuses to start with this backend; here the placeholder goes out unreplaced, as lura leaves it\)$/;
  return fn()
    .warnings.filter((w) => w.level === 'error' && KRAKEND.test(w.message))
    .map((w) => w.message.replace(KRAKEND, ''));
}

describe('configuration vectors', () => {
  test('C1 version missing', () => {
    assert.deepEqual(
      problemMessages(() => resolveObject({})),
      ['unsupported version: 0 (want: 3)'],
    );
  });

  test('C2 reserved debug paths', () => {
    for (const path of ['/__debug', '/__debug/', '/__debug/foo', '/__debug/foo/bar']) {
      const msgs = problemMessages(() =>
        resolveObject(v3([{ endpoint: path, method: 'GET', backend: [backend()] }])),
      );
      assert.deepEqual(msgs, [`ignoring the 'GET ${path}' endpoint, since it is invalid!!!`]);
    }
  });

  test('C3 no backends', () => {
    const msgs = problemMessages(() =>
      resolveObject(v3([{ endpoint: '/supu', method: 'POST', backend: [] }])),
    );
    assert.deepEqual(msgs, [
      `ignoring the 'POST /supu' endpoint, since it has 0 backends defined!`,
    ]);
  });

  test('C4 no-op with two backends', () => {
    const msgs = problemMessages(() =>
      resolveObject(
        v3([{ endpoint: '/a', output_encoding: 'no-op', backend: [backend(), backend()] }]),
      ),
    );
    assert.deepEqual(msgs, [
      'can not use NoOp encoding with more than one backends connected to the same endpoint',
    ]);
  });

  test('C5 invalid host', () => {
    const host = 'http://127.0.0.1:8080http://127.0.0.1:8080';
    const msgs = problemMessages(() => resolveObject({ version: 3, host: [host], endpoints: [] }));
    assert.deepEqual(msgs, [`host ${host} not valid: invalid host`]);
  });

  test('C6 too many output params', () => {
    const msgs = warningMessages(() =>
      resolveObject(
        v3([
          {
            endpoint: '/some/{tupu}',
            backend: [backend('supu/{tupu_56}/{supu-5t6}?a={foo}&b={foo}')],
          },
        ]),
      ),
    );
    assert.deepEqual(msgs, [
      'input and output params do not match. endpoint: GET /some/:tupu, backend: 0. input: [tupu], output: [foo supu-5t6 tupu_56]',
    ]);
  });

  test('C7 undefined output param', () => {
    const check = checkUrlPattern(
      '/supu/{tupu_56}/{supu-5t6}?a={foo}&b={foo}',
      new Set(['tupu', 'supu', 'foo']),
      'GET',
      '/',
      0,
    );
    assert.equal(
      check.error,
      "undefined output param 'supu-5t6'! endpoint: GET /, backend: 0. input: [foo supu tupu], output: [foo supu-5t6 tupu_56]",
    );
    const msgs = warningMessages(() =>
      resolveObject(
        v3([
          {
            endpoint: '/{tupu}/{supu}/{foo}',
            backend: [backend('supu/{tupu_56}/{supu-5t6}?a={foo}&b={foo}')],
          },
        ]),
      ),
    );
    assert.deepEqual(msgs, [
      "undefined output param 'supu-5t6'! endpoint: GET /:tupu/:supu/:foo, backend: 0. input: [foo supu tupu], output: [foo supu-5t6 tupu_56]",
    ]);
  });

  test('C7 counting quirk: outputs {a,b} against input {a} fails the second check', () => {
    const check = checkUrlPattern('/{a}/{b}', new Set(['a']), 'get', '/x/:a', 1);
    assert.equal(
      check.error,
      "undefined output param 'b'! endpoint: get /x/:a, backend: 1. input: [a], output: [a b]",
    );
  });

  test('C8 accepted url patterns', () => {
    const config = resolveObject(
      v3([
        {
          endpoint: '/{tupu}/{tupu1}/{tupu_56}/{supu-5t6}/{foo}',
          extra_config: { proxy: { sequential: true } },
          backend: [
            backend('supu/{tupu}'),
            backend('supu/{tupu_56}{supu-5t6}?a={foo}&b={foo}'),
            backend('{resp0_x}/{tupu1}/{JWT.foo}'),
            backend('/supu.local/'),
          ],
        },
      ]),
    );
    const [endpoint] = config.endpoints;
    assert.deepEqual(
      endpoint!.backends.map((b) => b.urlPattern),
      [
        '/supu/{tupu}',
        '/supu/{tupu_56}{supu-5t6}?a={foo}&b={foo}',
        '/{resp0_x}/{tupu1}/{JWT.foo}',
        '/supu.local/',
      ],
    );
    assert.equal(endpoint!.sequential, true);
    assert.deepEqual(
      config.warnings.map((w) => w.message),
      ['{JWT.foo} needs JWT validation, which krakend-connect does not do: it is empty'],
    );
  });

  test('C9 host sanitization', () => {
    const cases: [string, string][] = [
      ['supu', 'http://supu'],
      ['127.0.0.1', 'http://127.0.0.1'],
      ['https://supu.local/', 'https://supu.local'],
      ['http://127.0.0.1', 'http://127.0.0.1'],
      ['supu_42.local:8080/', 'http://supu_42.local:8080'],
      ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ];
    for (const [input, want] of cases) assert.equal(cleanHost(input), want);
    const config = resolveObject({ version: 3, host: cases.map((c) => c[0]), endpoints: [] });
    assert.deepEqual(
      config.hosts,
      cases.map((c) => c[1]),
    );
    for (const bad of ['http://h/api', 'user:pw@h', 'http://[::1]:8080'])
      assert.equal(cleanHost(bad), undefined);
  });

  test('C10 endpoint paths, strict and with disable_rest', () => {
    // Different methods: the same paths under one method would clash in the router.
    const endpoints = ['supu/{tupu}', '/supu/{tupu}{supu}', 'supu/{tupu}/{supu}?a={s}&b=2'].map(
      (e, i) => ({
        endpoint: e,
        method: ['GET', 'POST', 'PUT'][i],
        backend: [backend()],
      }),
    );
    const strict = resolveObject(v3(endpoints));
    assert.deepEqual(
      strict.endpoints.map((e) => e.routePath),
      ['/supu/:tupu', '/supu/:tupu{supu}', '/supu/:tupu/:supu?a={s}&b=2'],
    );
    assert.deepEqual(strict.endpoints.map((e) => e.endpoint)[0], '/supu/{tupu}');
    assert.deepEqual(strict.endpoints[2]!.params, ['tupu', 'supu']);
    const loose = resolveObject(v3(endpoints, { disable_rest: true }));
    assert.equal(loose.endpoints[1]!.routePath, '/supu/:tupu:supu');
    assert.deepEqual(loose.endpoints[1]!.params, ['tupu', 'supu']);
  });

  test('C11 defaults and inheritance', () => {
    const config = resolveObject({
      version: 3,
      timeout: '5s',
      cache_ttl: '30m',
      host: ['http://127.0.0.1:8080'],
      endpoints: [
        { endpoint: '/supu', method: 'post', backend: [{ url_pattern: '/' }] },
        { endpoint: '/users/{user}', backend: [{ url_pattern: '/{user}' }] },
      ],
    });
    const [supu, users] = config.endpoints;
    assert.equal(supu!.method, 'POST');
    // lura keeps the backend's inherited method as written (`post`) and sends it upper-cased.
    assert.equal(supu!.backends[0]!.method, 'POST');
    assert.deepEqual(supu!.backends[0]!.hosts, ['http://127.0.0.1:8080']);
    assert.equal(supu!.timeoutMs, 5000);
    assert.equal(supu!.cacheTtlSeconds, 1800);
    assert.equal(users!.method, 'GET');
    assert.equal(users!.backends[0]!.method, 'GET');
    assert.equal(users!.routePath, '/users/:user');
    assert.equal(config.port, 8080);
    assert.equal(config.outputEncoding, 'json');
    assert.equal(supu!.outputEncoding, 'json');
    assert.equal(supu!.concurrentCalls, 1);
    assert.equal(supu!.backends[0]!.encoding, 'json');
  });

  test('C12 Go-worded parse errors', () => {
    const cases: [string, string][] = [
      ['{', 'unexpected end of JSON input'],
      ['>', "invalid character '>' looking for beginning of value"],
      ['"""', 'invalid character'],
      ['', 'unexpected end of JSON input'],
      ['[{}]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
      ['42', 'json: cannot unmarshal number into Go value of type map[string]interface {}'],
      ['  42', 'json: cannot unmarshal number into Go value of type map[string]interface {}'],
      ['{"a": 1 "b": 2}', `invalid character '"' after object key:value pair`],
      ['{hello', "invalid character 'h' looking for beginning of object key string"],
    ];
    for (const [text, want] of cases) {
      const err = errorOf(() => parseConfigText(text, 'reading.json'));
      assert.equal(err.code, 'KC_CONFIG_SYNTAX');
      assert.ok(err.message.includes(want), `${JSON.stringify(text)}: ${err.message}`);
    }
    assert.equal(
      errorOf(() => parseConfigText('{hello', 'reading.json')).message,
      "reading.json:1:2 invalid character 'h' looking for beginning of object key string",
    );
  });
});
