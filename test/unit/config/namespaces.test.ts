import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shortNamespace } from '../../../src/config/namespaces.js';
import { backend, resolveObject, v3 } from './helpers.js';

describe('extra_config namespaces', () => {
  test('one warning per unsupported namespace, naming how many places use it', () => {
    const config = resolveObject(
      v3(
        [
          {
            endpoint: '/a',
            extra_config: { 'qos/ratelimit/router': { max_rate: 5 }, 'auth/validator': {} },
            backend: [
              backend('/', {
                extra_config: {
                  'qos/circuit-breaker': {},
                  'krakend-connect/mock': { file: 'mocks/a.json' },
                },
              }),
            ],
          },
          {
            endpoint: '/b',
            extra_config: { 'qos/ratelimit/router': {}, '@comment': 'ignored' },
            backend: [backend('/', { extra_config: { 'qos/circuit-breaker': {} } })],
          },
        ],
        { extra_config: { 'telemetry/metrics': {}, $schema: 'x', _private: 1 } },
      ),
    );
    assert.deepEqual(
      config.warnings.map((w) => [w.path, w.message]),
      [
        [
          'extra_config.telemetry/metrics',
          "namespace 'telemetry/metrics' is not supported by krakend-connect and is ignored (used in 1 place)",
        ],
        [
          'endpoints[0].extra_config.qos/ratelimit/router',
          "namespace 'qos/ratelimit/router' is not supported by krakend-connect and is ignored (used in 2 places)",
        ],
        [
          'endpoints[0].extra_config.auth/validator',
          "namespace 'auth/validator' is not supported by krakend-connect and is ignored (used in 1 place)",
        ],
        [
          'endpoints[0].backend[0].extra_config.qos/circuit-breaker',
          "namespace 'qos/circuit-breaker' is not supported by krakend-connect and is ignored (used in 2 places)",
        ],
      ],
    );
    assert.deepEqual(config.endpoints[0]!.backends[0]!.extra['krakend-connect/mock'], {
      file: 'mocks/a.json',
    });
  });

  test('long (KrakenD 1.x) names become short ones; both present: the short one wins', () => {
    const config = resolveObject(
      v3(
        [
          {
            endpoint: '/a',
            extra_config: {
              'github.com/devopsfaith/krakend/proxy': { sequential: true },
            },
            backend: [
              backend('/', {
                extra_config: {
                  'github.com/devopsfaith/krakend/http': { return_error_code: true },
                  'github.com/devopsfaith/krakend/proxy': { shadow: false },
                  proxy: { shadow: true },
                },
              }),
            ],
          },
        ],
        {
          extra_config: {
            'github_com/devopsfaith/krakend-cors': { allow_origins: ['http://a.test'] },
            'github_com/luraproject/lura/router/gin': { return_error_msg: true },
            'github_com/devopsfaith/krakend-gologging': { level: 'DEBUG' },
            'github_com/devopsfaith/krakend/transport/http/server/handler': { name: ['p'] },
            'github_com/devopsfaith/krakend-metrics': {},
          },
        },
      ),
    );
    assert.deepEqual(config.cors?.allowOrigins, ['http://a.test']);
    assert.equal(config.router.returnErrorMsg, true);
    assert.equal(config.logging.level, 'DEBUG');
    assert.deepEqual(config.httpServerPlugins, { name: ['p'] });
    assert.deepEqual(Object.keys(config.extra).sort(), [
      'plugin/http-server',
      'router',
      'security/cors',
      'telemetry/logging',
      'telemetry/metrics',
    ]);
    const [e] = config.endpoints;
    assert.equal(e!.sequential, true);
    assert.equal(e!.backends[0]!.returnErrorCode, true);
    assert.equal(e!.backends[0]!.shadow, true);
    assert.deepEqual(
      config.warnings.map((w) => w.message),
      [
        "namespace 'telemetry/metrics' is not supported by krakend-connect and is ignored (used in 1 place)",
      ],
    );
  });

  test('only the spelling in KrakenD\'s alias table maps; the other is ignored, with a hint', () => {
    assert.equal(shortNamespace('github.com/devopsfaith/krakend/proxy'), 'proxy');
    assert.equal(shortNamespace('github_com/devopsfaith/krakend-cors'), 'security/cors');
    assert.equal(shortNamespace('security/cors'), 'security/cors');
    // CE ignores these spellings: production would run without the options they hold.
    assert.equal(shortNamespace('github_com/devopsfaith/krakend/proxy'), 'github_com/devopsfaith/krakend/proxy');
    const config = resolveObject(
      v3([{ endpoint: '/a', extra_config: { 'github_com/devopsfaith/krakend/proxy': { sequential: true } }, backend: [backend()] }], {
        extra_config: { 'github.com/devopsfaith/krakend-cors': { allow_origins: ['*'] } },
      }),
    );
    assert.equal(config.cors, undefined);
    assert.equal(config.endpoints[0]!.sequential, false);
    assert.deepEqual(
      config.warnings.map((w) => w.message).sort(),
      [
        "namespace 'github.com/devopsfaith/krakend-cors' is not one KrakenD knows: it ignores it, and so does krakend-connect (used in 1 place); the legacy name is 'github_com/devopsfaith/krakend-cors', or use 'security/cors'",
        "namespace 'github_com/devopsfaith/krakend/proxy' is not one KrakenD knows: it ignores it, and so does krakend-connect (used in 1 place); the legacy name is 'github.com/devopsfaith/krakend/proxy', or use 'proxy'",
      ],
    );
  });

  test('proxy options: static, sequential, flatmap; backend: flatmap, shadow, backend/http', () => {
    const config = resolveObject(
      v3([
        {
          endpoint: '/a',
          extra_config: {
            proxy: {
              static: { strategy: 'errored', data: { foo: 42 } },
              sequential: true,
              sequential_propagated_params: ['resp0_x', 7],
              flatmap_filter: [
                { type: 'move', args: ['a', 'b'] },
                { type: 'noop', args: [] },
              ],
            },
          },
          backend: [
            backend('/', {
              extra_config: {
                proxy: { flatmap_filter: [{ type: 'del', args: ['x.*.y'] }], shadow: true },
                'backend/http': { return_error_code: true, return_error_details: 'b1' },
              },
            }),
            backend('/'),
          ],
        },
        {
          endpoint: '/b',
          extra_config: { proxy: { static: { strategy: 'whenever', data: {} } } },
          backend: [backend()],
        },
        {
          endpoint: '/c',
          extra_config: { proxy: { static: { strategy: 'always' } } },
          backend: [backend()],
        },
      ]),
    );
    const [a, b, c] = config.endpoints;
    assert.deepEqual(a!.static, { strategy: 'errored', data: { foo: 42 } });
    assert.equal(a!.sequential, true);
    assert.deepEqual(a!.sequentialPropagatedParams, ['resp0_x']);
    assert.deepEqual(a!.flatmap, [{ type: 'move', args: ['a', 'b'] }]);
    assert.deepEqual(a!.backends[0]!.flatmap, [{ type: 'del', args: ['x.*.y'] }]);
    assert.equal(a!.backends[0]!.shadow, true);
    assert.equal(a!.backends[0]!.returnErrorCode, true);
    assert.equal(a!.backends[0]!.returnErrorDetails, 'b1');
    assert.equal(a!.backends[1]!.shadow, false);
    assert.equal(a!.backends[1]!.returnErrorDetails, '');
    assert.deepEqual(b!.static, { strategy: 'always', data: {} });
    assert.equal(c!.static, undefined);
    assert.deepEqual(
      config.warnings.map((w) => w.path),
      [
        'endpoints[0].extra_config.proxy.flatmap_filter[1]',
        'endpoints[1].extra_config.proxy.static.strategy',
        'endpoints[2].extra_config.proxy.static',
      ],
    );
  });
});
