import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jsonRoutes, startBackend, type TestBackend } from '../../helpers/backend.js';
import { startGateway, type RunningGateway } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { LEVEL, logSink } from '../../helpers/log.js';
import { Writable } from 'node:stream';
import { accessLine } from '../../../src/http/access-log.js';
import { createLogger } from '../../../src/logger.js';

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

describe('the access line written past pino (src/logger.ts)', () => {
  test('is byte for byte the line pino writes for the same fields', () => {
    let out = '';
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _enc, cb) {
          out += chunk.toString('utf8');
          cb();
        },
      }),
    });
    const cases: [string, string, number, number][] = [
      ['GET', '/small', 200, 1.23],
      ['POST', '/a"b\\c', 0, 0],
      ['GET', '/caf\u00e9/\u{1F600}/\u0001/\u2028', 404, 12.5],
      ['DELETE', '/\u00ff\u0080', 500, 3000],
    ];
    // No lone surrogate: Node's parser reads the request target as latin1 (chars up to U+00FF),
    // and there JSON.stringify escapes one where pino writes it raw.
    for (const [method, path, status, ms] of cases) {
      out = '';
      const msg = `${method} ${path} ${status || 'aborted'} ${ms}ms`;
      logger.info({ method, path, status, ms }, msg);
      const time = Number(/"time":(\d+)/.exec(out)?.[1]);
      assert.equal(accessLine(time, method, path, status, ms, msg), out);
    }
  });

  /** A gateway on its own JSON logger, serving `/x` from a backend; `text()` is all it wrote. */
  async function withJsonLog(
    extra: Record<string, unknown>,
    fn: (url: string, text: () => string) => Promise<void>,
  ): Promise<void> {
    const backend = await startBackend(jsonRoutes({ '/x': { foo: 42 } }));
    let text = '';
    const gw = await startGateway({
      logger: undefined,
      logDestination: new Writable({
        write(chunk: Buffer, _enc, cb) {
          text += chunk.toString('utf8');
          cb();
        },
      }),
      config: {
        version: 3,
        host: [backend.url],
        ...extra,
        endpoints: [{ endpoint: '/x', backend: [{ url_pattern: '/x' }] }],
      },
    });
    try {
      await fn(gw.url, () => text);
    } finally {
      await gw.close();
      await backend.close();
    }
  }

  test('a gateway with its own JSON logger writes it once per request', async () => {
    await withJsonLog({}, async (url, text) => {
      await request(`${url}/x?secret=1`);
      await new Promise((r) => setTimeout(r, 50));
      const access = text().split('\n').filter((l) => l.includes('"status"'));
      assert.equal(access.length, 1);
      assert.match(
        access[0]!,
        /^\{"level":30,"time":\d+,"method":"GET","path":"\/x","status":200,"ms":[\d.]+,"msg":"GET \/x 200 [\d.]+ms"\}$/,
      );
    });
  });

  test('telemetry/logging prefix: on the gateway\'s messages, not on the access line', async () => {
    const extra = { extra_config: { 'telemetry/logging': { level: 'INFO', prefix: '[KRAKEND]' } } };
    await withJsonLog(extra, async (url, text) => {
      await request(`${url}/x`);
      await new Promise((r) => setTimeout(r, 50));
      const msgs = text().split('\n').filter(Boolean).map((l) => JSON.parse(l).msg as string);
      assert.ok(msgs.some((m) => m.startsWith('[KRAKEND] [SERVICE: Gateway] 1 endpoints loaded')), msgs.join('\n'));
      assert.ok(msgs.some((m) => /^GET \/x 200 [\d.]+ms$/.test(m)), msgs.join('\n'));
    });
  });
});
