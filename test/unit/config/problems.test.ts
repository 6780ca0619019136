import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatProblem } from '../../../src/errors.js';
import {
  backend,
  errorOf,
  FILE,
  problemMessages,
  resolveObject,
  resolveText,
  v3,
} from './helpers.js';

describe('validation reports every problem at once, each with its position and path', () => {
  test('three different problems give three problems, in document order', () => {
    const text = [
      '{',
      '  "version": 2,',
      '  "timeout": "3 s",',
      '  "endpoints": [',
      '    { "endpoint": "/ok", "backend": [{ "url_pattern": "/" }] },',
      '    { "endpoint": "/a", "method": "POST", "backend": [] }',
      '  ]',
      '}',
    ].join('\n');
    const err = errorOf(() => resolveText(text));
    assert.equal(err.code, 'KC_CONFIG_INVALID');
    assert.deepEqual(err.problems, [
      {
        file: FILE,
        line: 2,
        column: 14,
        path: 'version',
        message: 'unsupported version: 2 (want: 3)',
      },
      {
        file: FILE,
        line: 3,
        column: 14,
        path: 'timeout',
        message: `error decoding 'timeout': time: unknown unit " s" in duration "3 s"`,
      },
      {
        file: FILE,
        line: 6,
        column: 5,
        path: 'endpoints[1]',
        message: "ignoring the 'POST /a' endpoint, since it has 0 backends defined!",
      },
    ]);
    assert.equal(err.message, err.problems.map(formatProblem).join('\n'));
    assert.equal(
      err.message.split('\n')[2],
      `${FILE}:6:5 endpoints[1]: ignoring the 'POST /a' endpoint, since it has 0 backends defined!`,
    );
    assert.equal(err.line, 2);
    assert.equal(err.column, 14);
  });

  test('reserved paths: debug, echo, health, a star that is not last; /__healthz is fine', () => {
    const msgs = problemMessages(() =>
      resolveObject(
        v3([
          { endpoint: '/__echo/x', method: 'GET', backend: [backend()] },
          { endpoint: '__health', backend: [backend()] },
          { endpoint: '/a/*/b', method: 'GET', backend: [backend()] },
          { endpoint: '/__healthz', backend: [backend()] },
        ]),
      ),
    );
    assert.deepEqual(msgs, [
      "ignoring the 'GET /__echo/x' endpoint, since it is invalid!!!",
      // KrakenD checks before defaulting the method, so it prints empty.
      "ignoring the ' /__health' endpoint, since it is invalid!!!",
      "ignoring the 'GET /a/*/b' endpoint, since it is invalid!!!",
    ]);
  });

  test('unsupported methods are an ERROR-level warning and the endpoint is skipped', () => {
    const config = resolveObject(
      v3([
        { endpoint: '/h/{id}', method: 'head', backend: [backend('/{id}')] },
        { endpoint: '/o', method: 'OPTIONS', backend: [backend()] },
        { endpoint: '/g', method: 'GETTT', backend: [backend()] },
        { endpoint: '/ok', method: 'delete', backend: [backend()] },
      ]),
    );
    assert.deepEqual(
      config.endpoints.map((e) => `${e.method} ${e.endpoint} ${e.index}`),
      ['DELETE /ok 3'],
    );
    assert.deepEqual(
      config.warnings.map((w) => [w.level, w.path, w.message]),
      [
        ['error', 'endpoints[0]', '[SERVICE: Gin] [ENDPOINT: /h/:id ] Unsupported method HEAD'],
        ['error', 'endpoints[1]', '[SERVICE: Gin] [ENDPOINT: /o ] Unsupported method OPTIONS'],
        ['error', 'endpoints[2]', '[SERVICE: Gin] [ENDPOINT: /g ] Unsupported method GETTT'],
      ],
    );
  });

  test('route conflicts are per method', () => {
    const msgs = problemMessages(() =>
      resolveObject(
        v3([
          { endpoint: '/a/{x}', backend: [backend()] },
          { endpoint: '/a/{y}', method: 'POST', backend: [backend()] },
          { endpoint: '/a/{z}/c', backend: [backend()] },
          { endpoint: '/b', backend: [backend()] },
          { endpoint: 'b', method: 'get', backend: [backend()] },
          { endpoint: '/a/new', backend: [backend()] },
        ]),
      ),
    );
    assert.deepEqual(msgs, [
      "':z' in new path '/a/:z/c' conflicts with existing wildcard ':x' in existing prefix '/a/:x' (GET /a/{z}/c at endpoints[2] and GET /a/{x} at endpoints[0])",
      "handlers are already registered for path '/b' (GET /b at endpoints[4] and GET /b at endpoints[3])",
    ]);
  });

  test('wildcard endpoints load with a warning', () => {
    const config = resolveObject(v3([{ endpoint: '/api/*', backend: [backend('/v1')] }]));
    const [e] = config.endpoints;
    assert.equal(e!.wildcard, true);
    assert.equal(e!.routePath, '/api/*');
    assert.match(config.warnings[0]!.message, /wildcard endpoint: KrakenD CE rejects it/);
    assert.equal(
      resolveObject(v3([{ endpoint: '/*', backend: [backend()] }])).endpoints[0]!.wildcard,
      true,
    );
    assert.deepEqual(
      problemMessages(() => resolveObject(v3([{ endpoint: '/api*', backend: [backend()] }]))),
      ["catch-all '*' must follow a '/' in '/api*'"],
    );
  });

  test('a backend without any host loads with a warning (DECISIONS.md 1)', () => {
    const config = resolveObject({
      version: 3,
      endpoints: [{ endpoint: '/a', backend: [backend()] }],
    });
    assert.deepEqual(config.endpoints[0]!.backends[0]!.hosts, []);
    assert.deepEqual(
      config.warnings.map((w) => [w.path, w.message]),
      [
        [
          'endpoints[0].backend[0]',
          "backend has no host (none here nor at the top level): its calls fail with 'no hosts available'",
        ],
      ],
    );
  });

  test('backend hosts: sanitized unless disable_host_sanitize; a lone string is a list', () => {
    const config = resolveObject(
      v3([
        {
          endpoint: '/a',
          backend: [
            backend('/', { host: 'api.local:9000/' }),
            backend('/', { host: ['dns:///svc'], disable_host_sanitize: true, sd: 'dns' }),
          ],
        },
      ]),
    );
    const [b0, b1] = config.endpoints[0]!.backends;
    assert.deepEqual(b0!.hosts, ['http://api.local:9000']);
    assert.deepEqual(b1!.hosts, ['dns:///svc']);
    assert.equal(b1!.disableHostSanitize, true);
    assert.equal(b1!.sd, 'dns');
    const err = errorOf(() =>
      resolveObject(
        v3([{ endpoint: '/a', backend: [backend('/', { host: ['ok', 'http://h/api'] })] }]),
      ),
    );
    assert.deepEqual(
      err.problems.map((p) => [p.path, p.message]),
      [['endpoints[0].backend[0].host[1]', 'host http://h/api not valid: invalid host']],
    );
  });

  test('weak typing as mapstructure: strings for numbers and booleans, and its errors', () => {
    const config = resolveObject(
      v3(
        [
          {
            endpoint: '/a',
            concurrent_calls: '3',
            backend: [backend('/', { is_collection: 'true' })],
          },
        ],
        {
          port: '9000',
          debug_endpoint: 1,
          listen_ip: '127.0.0.1',
        },
      ),
    );
    assert.equal(config.port, 9000);
    assert.equal(config.debugEndpoint, true);
    assert.equal(config.listenIp, '127.0.0.1');
    assert.equal(config.endpoints[0]!.concurrentCalls, 3);
    assert.equal(config.endpoints[0]!.backends[0]!.isCollection, true);
    assert.deepEqual(
      problemMessages(() =>
        resolveObject(
          v3([{ endpoint: { x: 1 }, backend: [backend()] }], {
            port: 'abc',
            listen_ip: 'localhost',
            echo_endpoint: 'yes',
          }),
        ),
      ),
      [
        `cannot parse 'port' as int: strconv.ParseInt: parsing "abc": invalid syntax`,
        'invalid ip address localhost',
        `cannot parse 'echo_endpoint' as bool: strconv.ParseBool: parsing "yes": invalid syntax`,
        "'endpoints[0].endpoint' expected type 'string', got unconvertible type 'map[string]interface {}'",
      ],
    );
  });

  test('legacy v2 keys: one warning per key naming how many places use it', () => {
    const config = resolveObject(
      v3([
        {
          endpoint: '/a',
          headers_to_pass: ['Authorization'],
          backend: [
            backend('/', { headers_to_pass: ['X'], whitelist: ['a'] }),
            backend('/', { blacklist: ['b'] }),
          ],
        },
        { endpoint: '/b', querystring_params: ['q'], backend: [backend()] },
      ]),
    );
    assert.deepEqual(
      config.warnings.map((w) => [w.path, w.message]),
      [
        [
          'endpoints[0].headers_to_pass',
          "'headers_to_pass' is a KrakenD v2 key that KrakenD v3 ignores (used in 2 places); use 'input_headers'",
        ],
        [
          'endpoints[0].backend[0].whitelist',
          "'whitelist' is a KrakenD v2 key that KrakenD v3 ignores (used in 1 place); use 'allow'",
        ],
        [
          'endpoints[0].backend[1].blacklist',
          "'blacklist' is a KrakenD v2 key that KrakenD v3 ignores (used in 1 place); use 'deny'",
        ],
        [
          'endpoints[1].querystring_params',
          "'querystring_params' is a KrakenD v2 key that KrakenD v3 ignores (used in 1 place); use 'input_query_strings'",
        ],
      ],
    );
    assert.deepEqual(config.endpoints[0]!.inputHeaders, []);
    assert.deepEqual(config.endpoints[0]!.backends[0]!.allow, []);
  });

  test('warnings carry the line and column of their node', () => {
    const config = resolveText(
      '{\n  "version": 3,\n  "endpoints": [\n    {"endpoint": "/x", "backend": [{}]}\n  ]\n}',
    );
    assert.deepEqual(
      config.warnings.map((w) => [w.line, w.column, w.path]),
      [[4, 36, 'endpoints[0].backend[0]']],
    );
  });
});
