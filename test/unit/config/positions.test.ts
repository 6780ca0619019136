import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatPath } from '../../../src/config/json-path.js';
import { createPositionMap, lineColumn } from '../../../src/config/positions.js';

describe('positions and JSON paths', () => {
  test('line and column are 1-based; CRLF files count like LF ones', () => {
    assert.deepEqual(lineColumn('abc', 0), { line: 1, column: 1 });
    assert.deepEqual(lineColumn('a\nbc', 3), { line: 2, column: 2 });
    assert.deepEqual(lineColumn('a\r\nbc', 4), { line: 2, column: 2 });
    assert.deepEqual(lineColumn('a\n', 2), { line: 2, column: 1 });
    assert.deepEqual(lineColumn('ab', 99), { line: 1, column: 3 });
  });

  test('a path finds its value; a missing node falls back to its nearest ancestor', () => {
    const text = '{\n  "a": [\n    {"b.c": 1},\n    2\n  ],\n  "a": {"d": true}\n}';
    const map = createPositionMap(text);
    // Duplicate keys: the last one wins, as in JSON.parse and Go.
    assert.deepEqual(map.locate(['a']), { line: 6, column: 8 });
    assert.deepEqual(map.locate(['a', 'd']), { line: 6, column: 14 });
    assert.deepEqual(map.locate(['a', 'missing', 3]), { line: 6, column: 8 });
    assert.deepEqual(map.locate([]), { line: 1, column: 1 });
    const first = createPositionMap('{"a": [{"b.c": 1}, 2]}');
    assert.deepEqual(first.locate(['a', 0, 'b.c']), { line: 1, column: 16 });
    assert.deepEqual(first.locate(['a', 1]), { line: 1, column: 20 });
    assert.deepEqual(createPositionMap(undefined).locate(['a']), { line: 0, column: 0 });
  });

  test('paths print as endpoints[2].backend[0]; odd keys are quoted', () => {
    assert.equal(formatPath(['endpoints', 2, 'backend', 0]), 'endpoints[2].backend[0]');
    assert.equal(
      formatPath(['extra_config', 'security/cors', 'max_age']),
      'extra_config.security/cors.max_age',
    );
    assert.equal(
      formatPath(['extra_config', 'github.com/devopsfaith/krakend/proxy']),
      'extra_config["github.com/devopsfaith/krakend/proxy"]',
    );
    assert.equal(formatPath([]), '');
  });
});
