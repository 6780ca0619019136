import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jsonRoutes, startBackend, type TestBackend } from '../../helpers/backend.js';
import { startGateway, type RunningGateway } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { LEVEL, logSink } from '../../helpers/log.js';

describe('logging (DECISIONS.md 21)', () => {
  let backend: TestBackend;
  let gw: RunningGateway;
  const sink = logSink('info');
  before(async () => {
    backend = await startBackend(jsonRoutes({ '/x': { foo: 42 } }));
    gw = await startGateway({
      logger: sink.logger,
      config: {
        version: 3,
        host: [backend.url],
        extra_config: {
          router: { logger_skip_paths: ['/__health'] },
          'auth/validator': { alg: 'RS256' },
          'telemetry/opentelemetry': {},
        },
        endpoints: [
          { endpoint: '/x', backend: [{ url_pattern: '/x' }], extra_config: { 'auth/validator': {} } },
          { endpoint: '/y', backend: [{ url_pattern: '/x', extra_config: { 'qos/ratelimit/proxy': {} } }] },
        ],
      },
    });
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test('one access-log line per request with method, path, status, ms', async () => {
    await request(`${gw.url}/x?secret=1`);
    await request(`${gw.url}/__health`);
    await request(`${gw.url}/not-mine`);
    await new Promise((r) => setTimeout(r, 50));
    const access = sink.lines.filter((l) => 'status' in l);
    assert.equal(access.length, 1);
    assert.equal(access[0].method, 'GET');
    assert.equal(access[0].path, '/x');
    assert.equal(access[0].status, 200);
    assert.equal(typeof access[0].ms, 'number');
    assert.match(access[0].msg, /^GET \/x 200 [\d.]+ms$/);
    assert.equal(access[0].level, LEVEL.info);
  });

  test('one warning per unsupported namespace, naming it', () => {
    const warnings = sink.lines.filter((l) => l.level === LEVEL.warn).map((l) => l.msg);
    assert.equal(warnings.filter((m) => m.includes('auth/validator')).length, 1);
    assert.equal(warnings.filter((m) => m.includes('telemetry/opentelemetry')).length, 1);
    assert.equal(warnings.filter((m) => m.includes('qos/ratelimit/proxy')).length, 1);
  });

  test('the startup route table lists the endpoints', () => {
    const table = sink.lines.find((l) => l.msg.includes('endpoints loaded'));
    assert.ok(table);
    assert.match(table.msg, /GET\s+\/x\s+json/);
    assert.match(table.msg, /GET\s+\/y\s+json/);
  });
});
