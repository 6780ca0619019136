import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { findSyntaxError } from '../../../src/config/json-scan.js';

/** JSON.parse and the Go-worded scanner must agree on what is valid JSON. */
function agrees(text: string): boolean {
  let parsed = true;
  try {
    JSON.parse(text);
  } catch {
    parsed = false;
  }
  const error = findSyntaxError(text);
  if (error) assert.ok(error.offset >= 0 && error.offset <= text.length);
  return parsed === (error === undefined);
}

describe('Go-worded JSON scanner', () => {
  test('agrees with JSON.parse on valid documents', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => agrees(JSON.stringify(v, null, 2))),
      {
        numRuns: 300,
      },
    );
  });

  test('agrees with JSON.parse on corrupted documents', () => {
    const corrupt = fc
      .tuple(
        fc.jsonValue(),
        fc.nat(),
        fc.nat(),
        fc.constantFrom('', ',', '}', ']', '"', ':', '\\', 'x', '0', ' ', '\n', '-', '.', 'e'),
      )
      .map(([v, a, b, insert]) => {
        const s = JSON.stringify(v);
        const i = a % (s.length + 1);
        const cut = Math.min(s.length, i + (b % 3));
        return s.slice(0, i) + insert + s.slice(cut);
      });
    fc.assert(
      fc.property(corrupt, (text) => agrees(text)),
      { numRuns: 2000 },
    );
  });
});
