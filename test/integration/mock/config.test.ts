// The krakend-connect/mock and krakend-connect/faults namespaces are checked at load: mistakes are
// config problems with file, line and column; doubtful uses are warnings.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createGateway } from '../../../src/index.js';
import { logSink } from '../../helpers/log.js';
import { workspace } from './helpers.js';

const backend = (extra: Record<string, unknown>) => ({ url_pattern: '/x', extra_config: extra });

describe('mocking namespaces at load', () => {
  test('every mistake is reported at once, with file:line:col and the JSON path', async () => {
    const ws = workspace({
      version: 3,
      host: ['http://127.0.0.1:8081'],
      endpoints: [
        {
          endpoint: '/a',
          extra_config: { 'krakend-connect/faults': { delay: '2 seconds', status: 42, rate: 2 } },
          backend: [backend({ 'krakend-connect/mock': {} })],
        },
        {
          endpoint: '/b',
          backend: [
            backend({
              'krakend-connect/faults': {
                delay: { min: '2s', max: '1s' },
                status: 503,
                reset: true,
              },
              'krakend-connect/mock': { file: 'a.json', folder: 'b' },
            }),
          ],
        },
        {
          endpoint: '/c',
          backend: [
            backend({ 'krakend-connect/mock': 'mocks/c.json', 'krakend-connect/faults': [] }),
          ],
        },
      ],
    });
    const gateway = createGateway({ config: ws.file, logger: false, watch: false });
    try {
      const err = (await gateway.ready.then(
        () => assert.fail('the config loaded'),
        (e: unknown) => e,
      )) as Error & {
        code: string;
        problems: { line: number; column: number; path: string; message: string }[];
      };
      assert.equal(err.code, 'KC_CONFIG_INVALID');
      assert.deepEqual(
        err.problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`),
        [
          '11:20 endpoints[0].extra_config.krakend-connect/faults.delay: time: unknown unit " seconds" in duration "2 seconds"',
          "12:21 endpoints[0].extra_config.krakend-connect/faults.status: 'status' must be an integer from 200 to 599, got 42",
          "13:19 endpoints[0].extra_config.krakend-connect/faults.rate: 'rate' must be a number from 0 to 1, got 2",
          "20:37 endpoints[0].backend[0].extra_config.krakend-connect/mock: 'krakend-connect/mock' needs exactly one of 'file' or 'folder'",
          "31:39 endpoints[1].backend[0].extra_config.krakend-connect/faults: 'status' and 'reset' exclude each other: a reset connection has no status",
          "32:24 endpoints[1].backend[0].extra_config.krakend-connect/faults.delay: 'min' (2s) is more than 'max' (1s)",
          "39:37 endpoints[1].backend[0].extra_config.krakend-connect/mock: 'krakend-connect/mock' needs exactly one of 'file' or 'folder'",
          `53:37 endpoints[2].backend[0].extra_config.krakend-connect/mock: 'krakend-connect/mock' must be an object such as {"file": "mocks/users.json"}`,
          `54:39 endpoints[2].backend[0].extra_config.krakend-connect/faults: 'krakend-connect/faults' must be an object such as {"delay": "200ms"} or {"status": 503}`,
        ],
      );
      assert.match(err.message, new RegExp(`^${ws.file}:11:20 endpoints\\[0\\]`));
    } finally {
      await gateway.close();
      ws.remove();
    }
  });

  test('doubtful uses load with a warning each', async () => {
    const ws = workspace({
      version: 3,
      extra_config: { 'krakend-connect/faults': { delay: '1s' } },
      endpoints: [
        {
          endpoint: '/a',
          extra_config: { 'krakend-connect/mock': { file: 'a.json' }, 'krakend-connect/fault': {} },
          backend: [
            backend({
              'krakend-connect/mock': { file: 'a.json', statuss: 201 },
              'krakend-connect/faults': { rate: 0.5, delay: '10ms' },
            }),
          ],
        },
        { endpoint: '/b', backend: [backend({ 'krakend-connect/faults': { body: 'x' } })] },
      ],
    });
    const sink = logSink('warn');
    const gateway = createGateway({ config: ws.file, logger: sink.logger, watch: false });
    try {
      await gateway.ready;
      const warnings = sink.messages().map((m) => m.replace(`${ws.file}:`, ''));
      for (const expected of [
        "4:31 extra_config.krakend-connect/faults: 'krakend-connect/faults' belongs on an endpoint or a backend; here it is ignored",
        "12:33 endpoints[0].extra_config.krakend-connect/mock: 'krakend-connect/mock' belongs on a backend; here it is ignored",
        "15:34 endpoints[0].extra_config.krakend-connect/fault: unknown namespace 'krakend-connect/fault' is ignored (known: krakend-connect/mock, krakend-connect/faults)",
        "23:26 endpoints[0].backend[0].extra_config.krakend-connect/mock.statuss: unknown key 'statuss' is ignored (known: file, folder, status, headers)",
        "26:23 endpoints[0].backend[0].extra_config.krakend-connect/faults.rate: 'rate' applies to 'status' or 'reset'; the delay hits every call",
        "40:23 endpoints[1].backend[0].extra_config.krakend-connect/faults.body: 'body' goes with 'status'; without it the body is ignored",
        "39:39 endpoints[1].backend[0].extra_config.krakend-connect/faults: no 'delay', 'status' or 'reset': this fault does nothing",
      ]) {
        assert.ok(warnings.includes(expected), `missing: ${expected}\n${warnings.join('\n')}`);
      }
    } finally {
      await gateway.close();
      ws.remove();
    }
  });
});
