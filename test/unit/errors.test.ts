import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES, GatewayError, isGatewayError } from '../../src/errors.js';

test('the README error table lists exactly the exported codes, with their status', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const table = readme.split('<!-- errors:start -->')[1].split('<!-- errors:end -->')[0];
  const rows = [...table.matchAll(/^\| `(KC_[A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3]]);
  const expected = Object.entries(ERROR_CODES).map(([code, v]) => [code, v.status, v.description]);
  assert.deepEqual(rows, expected);
});

test('errors are recognised by brand across module instances, not instanceof', () => {
  const err = new GatewayError('KC_BAD_PARAM', 'x');
  assert.equal(isGatewayError(err), true);
  assert.equal(err.status, 400);
  const foreign = Object.assign(new Error('y'), { [Symbol.for('krakend-connect.error')]: true, code: 'KC_CLOSED' });
  assert.equal(isGatewayError(foreign), true);
  assert.equal(isGatewayError(new Error('z')), false);
});
