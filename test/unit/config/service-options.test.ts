import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultRouterOptions } from '../../../src/config/router-options.js';
import { backend, errorOf, resolveObject, v3 } from './helpers.js';

const withExtra = (extra: Record<string, unknown>, top: Record<string, unknown> = {}) =>
  resolveObject(v3([{ endpoint: '/a', backend: [backend()] }], { ...top, extra_config: extra }));

describe('service options', () => {
  test('CORS: KrakenD CE fixture values', () => {
    const config = withExtra({
      'security/cors': {
        allow_origins: ['*'],
        allow_methods: ['post', 'GET'],
        allow_headers: ['Origin', 'Authorization', 'Content-Type'],
        expose_headers: ['content-length', 'x-request-id'],
        max_age: '12h',
        allow_credentials: true,
      },
    });
    assert.deepEqual(config.cors, {
      allowOrigins: ['*'],
      allowMethods: ['POST', 'GET'],
      allowHeaders: ['Origin', 'Authorization', 'Content-Type'],
      exposeHeaders: ['Content-Length', 'X-Request-Id'],
      allowCredentials: true,
      maxAgeSeconds: 43200,
      optionsPassthrough: false,
      optionsSuccessStatus: 204,
      allowPrivateNetwork: false,
    });
    assert.deepEqual(config.warnings, []);
  });

  test('CORS: defaults for empty lists, bad values warned and ignored', () => {
    const config = withExtra({
      'security/cors': {
        max_age: 'forever',
        options_success_status: 200,
        options_passthrough: true,
        allow_private_network: 'yes',
        debug: true,
        unknown_key: 1,
      },
    });
    assert.deepEqual(config.cors, {
      allowOrigins: ['*'],
      allowMethods: ['GET', 'POST', 'HEAD'],
      allowHeaders: ['Origin', 'Accept', 'Content-Type'],
      exposeHeaders: [],
      allowCredentials: false,
      maxAgeSeconds: 0,
      optionsPassthrough: true,
      optionsSuccessStatus: 200,
      allowPrivateNetwork: false,
    });
    assert.deepEqual(
      config.warnings.map((w) => w.path),
      [
        'extra_config.security/cors.unknown_key',
        'extra_config.security/cors.max_age',
        'extra_config.security/cors.allow_private_network',
      ],
    );
    assert.equal(withExtra({}).cors, undefined);
  });

  test('router: defaults, honoured keys, one warning per other key', () => {
    assert.deepEqual(withExtra({}).router, defaultRouterOptions());
    assert.equal(defaultRouterOptions().healthPath, '/__health');
    // gin's default, as KrakenD leaves it unless the key says otherwise
    assert.equal(defaultRouterOptions().forwardedByClientIp, true);
    assert.equal(
      withExtra({ router: { forwarded_by_client_ip: false } }).router.forwardedByClientIp,
      false,
    );
    const config = withExtra({
      router: {
        return_error_msg: true,
        health_path: '/healthz',
        disable_access_log: true,
        logger_skip_paths: ['/__health'],
        auto_options: true,
        error_body: { '404': { msg: 'nope' } },
        trusted_proxies: ['10.0.0.0/8'],
        remote_ip_headers: ['X-Real-Ip'],
        forwarded_by_client_ip: true,
        disable_redirect_fixed_path: true,
        hide_version_header: 'yes',
        app_engine: true,
        max_multipart_memory: 10,
        '@comment': 'fine',
      },
    });
    const r = config.router;
    assert.equal(r.returnErrorMsg, true);
    assert.equal(r.healthPath, '/healthz');
    assert.equal(r.disableAccessLog, true);
    assert.deepEqual(r.loggerSkipPaths, ['/__health']);
    assert.equal(r.autoOptions, true);
    assert.deepEqual(r.errorBody, { '404': { msg: 'nope' } });
    assert.deepEqual(r.trustedProxies, ['10.0.0.0/8']);
    assert.deepEqual(r.remoteIpHeaders, ['X-Real-Ip']);
    assert.equal(r.forwardedByClientIp, true);
    assert.equal(r.disableRedirectFixedPath, true);
    assert.equal(r.disableRedirectTrailingSlash, false);
    assert.equal(r.hideVersionHeader, false);
    assert.deepEqual(
      config.warnings.map((w) => w.message),
      [
        "router option 'hide_version_header' must be a boolean; it is ignored",
        "router option 'app_engine' is not supported by krakend-connect and is ignored",
        "router option 'max_multipart_memory' is not supported by krakend-connect and is ignored",
      ],
    );
  });

  test('router max_payload: a whole number is the limit; anything else fails the load', () => {
    assert.equal(withExtra({ router: { max_payload: 1024 } }).router.maxPayload, 1024);
    for (const bad of ['12 potatoes', -5, 1.5]) {
      const err = errorOf(() => withExtra({ router: { max_payload: bad } }));
      assert.equal(err.code, 'KC_CONFIG_INVALID');
      assert.deepEqual(
        err.problems.map((p) => `${p.path}: ${p.message}`),
        ["extra_config.router.max_payload: router option 'max_payload' must be a whole number of bytes"],
      );
    }
  });

  test('logging: level, prefix, stdout; syslog and format warn once each', () => {
    const config = withExtra({
      'telemetry/logging': {
        level: 'DEBUG',
        prefix: '[KRAKEND]',
        stdout: true,
        syslog: true,
        format: 'logstash',
      },
    });
    assert.deepEqual(config.logging, { level: 'DEBUG', prefix: '[KRAKEND]', stdout: true });
    assert.deepEqual(
      config.warnings.map((w) => w.path),
      ['extra_config.telemetry/logging.syslog', 'extra_config.telemetry/logging.format'],
    );
    assert.deepEqual(withExtra({}).logging, {});
    // Options left at their defaults ask for nothing, so nothing is said about them.
    const quiet = withExtra({
      'telemetry/logging': { level: 'INFO', syslog: false, format: 'default' },
      router: { disable_gzip: false, app_engine: false, max_multipart_memory: 0 },
    });
    assert.deepEqual(quiet.warnings, []);
  });

  test('plugin folder resolves against the config folder; http-server plugins kept as written', () => {
    const config = withExtra(
      { 'plugin/http-server': { name: ['a', 'b'], a: { x: 1 } } },
      { plugin: { folder: './plugins/', pattern: '.so' } },
    );
    assert.deepEqual(config.plugin, { folder: '/project/plugins', pattern: '.so' });
    assert.deepEqual(config.httpServerPlugins, { name: ['a', 'b'], a: { x: 1 } });
    const abs = withExtra({}, { plugin: { folder: '/opt/plugins', pattern: '.js' } });
    assert.deepEqual(abs.plugin, { folder: '/opt/plugins', pattern: '.js' });
    assert.equal(withExtra({}).plugin, undefined);
    assert.equal(withExtra({}).httpServerPlugins, undefined);
  });

  test('encodings: lower-cased, unknown is json with a warning, no-op output forces no-op', () => {
    const config = resolveObject(
      v3(
        [
          {
            endpoint: '/a',
            backend: [
              backend('/', { encoding: 'XML' }),
              backend('/', { encoding: 'fast-json' }),
              backend('/', { encoding: 'SafeJSON' }),
            ],
          },
          {
            endpoint: '/b',
            output_encoding: 'no-op',
            backend: [backend('/', { encoding: 'json' })],
          },
        ],
        { output_encoding: 'negotiate' },
      ),
    );
    const [a, b] = config.endpoints;
    assert.deepEqual(
      a!.backends.map((x) => x.encoding),
      ['xml', 'json', 'safejson'],
    );
    assert.equal(a!.outputEncoding, 'negotiate');
    assert.equal(b!.outputEncoding, 'no-op');
    assert.equal(b!.backends[0]!.encoding, 'no-op');
    assert.deepEqual(
      config.warnings.map((w) => [w.path, w.message]),
      [
        [
          'endpoints[0].backend[1].encoding',
          "unknown encoding 'fast-json': KrakenD decodes it as json",
        ],
      ],
    );
  });

  test('input headers are canonicalised; query strings kept as written', () => {
    const config = resolveObject(
      v3([
        {
          endpoint: '/a',
          input_headers: ['x-api-key', 'AUTHORIZATION', '*'],
          input_query_strings: ['Page', '*'],
          backend: [backend('/', { input_headers: ['content-type'], input_query_strings: ['q'] })],
        },
      ]),
    );
    const [a] = config.endpoints;
    assert.deepEqual(a!.inputHeaders, ['X-Api-Key', 'Authorization', '*']);
    assert.deepEqual(a!.inputQueryStrings, ['Page', '*']);
    assert.deepEqual(a!.backends[0]!.inputHeaders, ['Content-Type']);
    assert.deepEqual(a!.backends[0]!.inputQueryStrings, ['q']);
  });

  test('placeholders from the request (DECISIONS.md 3) and sequential responses are allowed', () => {
    const config = resolveObject(
      v3([
        {
          endpoint: '/a/{id}',
          backend: [
            backend('/x/{id}?k={input_headers.X-Key}&q={input_query_strings.q}'),
            backend('/{resp0_a.b}'),
          ],
        },
      ]),
    );
    assert.equal(
      config.endpoints[0]!.backends[0]!.urlPattern,
      '/x/{id}?k={input_headers.X-Key}&q={input_query_strings.q}',
    );
    assert.deepEqual(config.endpoints[0]!.params, ['id']);
  });
});

describe('sequential placeholders', () => {
  test('{respN_x} outside a sequential endpoint or pointing forward is warned', () => {
    const config = resolveObject(
      v3([
        { endpoint: '/a', backend: [backend('/{resp0_x}')] },
        {
          endpoint: '/b',
          extra_config: { proxy: { sequential: true } },
          backend: [backend('/{resp1_x}'), backend('/{resp0_y.z}')],
        },
      ]),
    );
    assert.deepEqual(
      config.warnings.map((w) => [w.path, w.message]),
      [
        [
          'endpoints[0].backend[0].url_pattern',
          '{resp0_x} never gets a value (the endpoint is not sequential): it stays literal',
        ],
        [
          'endpoints[1].backend[0].url_pattern',
          '{resp1_x} never gets a value (backend 1 answers after this one): it stays literal',
        ],
      ],
    );
  });
});
