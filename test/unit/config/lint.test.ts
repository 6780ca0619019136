import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lintConfig } from '../../../src/config/index.js';

describe('lintConfig (official KrakenD 2.13 schema)', () => {
  test('a clean config has no problems', () => {
    const text = JSON.stringify({
      $schema: 'https://www.krakend.io/schema/v2.13/krakend.json',
      version: 3,
      endpoints: [{ endpoint: '/a', backend: [{ url_pattern: '/b', host: ['http://x'] }] }],
    });
    assert.deepEqual(lintConfig(text, 'k.json'), []);
  });

  test('unknown keys, bad enums and types: each at its node', () => {
    const text = [
      '{',
      '  "version": 3,',
      '  "endpoints": [',
      '    {',
      '      "endpoint": "/a",',
      '      "method": "FETCH",',
      '      "backend": [{ "url_pattern": "/b", "timeout": "1s" }]',
      '    }',
      '  ]',
      '}',
    ].join('\n');
    const problems = lintConfig(text, 'k.json');
    assert.deepEqual(
      problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`),
      [
        '6:17 endpoints[0].method: schema: must be one of ["GET","POST","PUT","PATCH","DELETE"]',
        `7:53 endpoints[0].backend[0].timeout: schema: property 'timeout' is not allowed`,
      ],
    );
    assert.ok(problems.every((p) => p.file === 'k.json'));
  });

  test('our own namespaces pass; an unknown one next to them still fails', () => {
    const text = JSON.stringify({
      version: 3,
      extra_config: { 'krakend-connect/faults': { delay: '1s' } },
      endpoints: [
        {
          endpoint: '/a',
          extra_config: { 'krakend-connect/faults': { status: 503 } },
          backend: [
            {
              url_pattern: '/b',
              host: ['http://x'],
              extra_config: { 'krakend-connect/mock': { body: { a: 1 } }, 'no/such': {} },
            },
          ],
        },
      ],
    });
    assert.deepEqual(
      lintConfig(text, 'k.json').map((p) => `${p.path}: ${p.message}`),
      [`endpoints[0].backend[0].extra_config.no/such: schema: property 'no/such' is not allowed`],
    );
  });

  test('a syntax error is reported as the one problem', () => {
    assert.deepEqual(lintConfig('{\n  "version": 3,\n}', 'k.json'), [
      {
        file: 'k.json',
        line: 3,
        column: 1,
        path: '',
        message: "invalid character '}' looking for beginning of object key string",
      },
    ]);
  });
});
