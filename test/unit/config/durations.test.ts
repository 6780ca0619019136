import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseGoDuration } from '../../../src/config/durations.js';
import { backend, problemMessages, resolveObject, v3 } from './helpers.js';

describe('Go durations', () => {
  test('parses what time.ParseDuration parses', () => {
    const cases: [string, number][] = [
      ['0', 0],
      ['3s', 3e9],
      ['1m30s', 90e9],
      ['1.5s', 1.5e9],
      ['.5s', 0.5e9],
      ['1.s', 1e9],
      ['100ms', 100e6],
      ['250us', 250e3],
      ['250µs', 250e3],
      ['250μs', 250e3],
      ['42ns', 42],
      ['1h2m3s4ms', 3723004e6],
      ['12h', 43200e9],
      ['-2s', -2e9],
      ['+2s', 2e9],
    ];
    for (const [input, ns] of cases) assert.deepEqual(parseGoDuration(input), { ns }, input);
  });

  test('rejects with Go errors', () => {
    const cases: [string, string][] = [
      ['3', 'time: missing unit in duration "3"'],
      ['3 s', 'time: unknown unit " s" in duration "3 s"'],
      ['1d', 'time: unknown unit "d" in duration "1d"'],
      ['', 'time: invalid duration ""'],
      ['s', 'time: invalid duration "s"'],
      ['.s', 'time: invalid duration ".s"'],
    ];
    for (const [input, error] of cases) assert.deepEqual(parseGoDuration(input), { error }, input);
  });

  test('endpoint timeout and cache_ttl inherit the service values; 2s by default', () => {
    const config = resolveObject(
      v3(
        [
          { endpoint: '/a', backend: [backend()] },
          { endpoint: '/b', timeout: '1m30s', cache_ttl: '500ms', backend: [backend()] },
        ],
        { cache_ttl: '1h' },
      ),
    );
    assert.equal(config.timeoutMs, 2000);
    assert.equal(config.cacheTtlSeconds, 3600);
    const [a, b] = config.endpoints;
    assert.equal(a!.timeoutMs, 2000);
    assert.equal(a!.cacheTtlSeconds, 3600);
    assert.equal(b!.timeoutMs, 90000);
    // Not zero, so it does not inherit; whole seconds are for the header to truncate (max-age=0).
    assert.equal(b!.cacheTtlSeconds, 0.5);
  });

  test('a number is nanoseconds, with a warning', () => {
    const config = resolveObject(v3([{ endpoint: '/a', timeout: 3000, backend: [backend()] }]));
    assert.equal(config.endpoints[0]!.timeoutMs, 0.003);
    assert.deepEqual(
      config.warnings.map((w) => [w.path, w.message]),
      [
        [
          'endpoints[0].timeout',
          `'endpoints[0].timeout' is the number 3000, which KrakenD reads as 3000 nanoseconds; write a duration string such as "3000ms" or "3000s"`,
        ],
      ],
    );
  });

  test('an invalid string is a problem naming the field', () => {
    assert.deepEqual(
      problemMessages(() =>
        resolveObject(
          v3([{ endpoint: '/a', timeout: '3', cache_ttl: true, backend: [backend()] }]),
        ),
      ),
      [
        `error decoding 'endpoints[0].timeout': time: missing unit in duration "3"`,
        `'endpoints[0].cache_ttl' expected a duration string such as "3s", got true`,
      ],
    );
  });
});
