import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeQuery, filterQuery, parseQuery, queryEscape } from '../../../src/proxy/query.js';
import { negotiate } from '../../../src/http/render.js';

describe('query strings and negotiation', () => {
  it("Go's ParseQuery: + is a space, bad escapes and ; pairs dropped, order kept", () => {
    assert.deepEqual(
      { ...parseQuery('a=1&b=x+y&c=%zz&d;e=1&a=2&f') },
      { a: ['1', '2'], b: ['x y'], f: [''] },
    );
  });

  it("Go's Values.Encode: sorted keys, QueryEscape", () => {
    assert.equal(encodeQuery(parseQuery('b=2&a=x y&c[]=1')), 'a=x+y&b=2&c%5B%5D=1');
    assert.equal(queryEscape("!'()*~"), '%21%27%28%29%2A~');
  });

  it('allow-list: exact keys with values; hostile keys never touch a prototype', () => {
    const q = parseQuery('__proto__[x]=1&constructor=1&toString=1&ok=1');
    assert.deepEqual({ ...filterQuery(q, ['ok', 'missing'], false) }, { ok: ['1'] });
    assert.equal(({} as Record<string, unknown>)['x'], undefined);
    assert.equal(encodeQuery(q), '__proto__%5Bx%5D=1&constructor=1&ok=1&toString=1');
  });

  it("gin's NegotiateFormat: order, no q-values, * and prefixes", () => {
    assert.equal(negotiate(undefined), 'application/json');
    assert.equal(negotiate('text/plain'), 'text/plain');
    assert.equal(negotiate('application/xml;q=0.1, application/json'), 'application/xml');
    assert.equal(negotiate('*/*'), 'application/json');
    assert.equal(negotiate('application/*'), 'application/json');
    assert.equal(negotiate('image/png'), '');
  });
});
