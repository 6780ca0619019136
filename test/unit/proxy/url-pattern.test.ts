import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { wellFormed } from '../../../src/encoding/go-json.js';
import { splitUrl } from '../../../src/proxy/backend-call.js';
import {
  compileUrlPattern,
  escapePathValue,
  toLuraTemplate,
} from '../../../src/proxy/url-pattern.js';

const src = (params: Record<string, string>) => ({ params, headers: {}, query: {} });

describe('url_pattern substitution', () => {
  it('R3 TestRequestGeneratePath: params into path and query', () => {
    const params = { Supu: '42', Tupu: 'false', Foo: 'bar' };
    const cases: [string, string][] = [
      ['/a/{supu}', '/a/42'],
      ['/a?b={tupu}', '/a?b=false'],
      ['/a/{supu}/foo/{foo}', '/a/42/foo/bar'],
      ['/a', '/a'],
    ];
    for (const [pattern, want] of cases)
      assert.equal(compileUrlPattern(pattern).render(src(params)), want);
  });

  it("C8 lura's internal template form for error messages", () => {
    assert.equal(toLuraTemplate('/supu/{tupu}'), '/supu/{{.Tupu}}');
    assert.equal(
      toLuraTemplate('/supu/{tupu_56}{supu-5t6}?a={foo}&b={foo}'),
      '/supu/{{.Tupu_56}}{{.Supu-5t6}}?a={{.Foo}}&b={{.Foo}}',
    );
    assert.equal(
      toLuraTemplate('/{resp0_x}/{tupu1}/{JWT.foo}'),
      '/{{.Resp0_x}}/{{.Tupu1}}/{{.JWT.foo}}',
    );
  });

  it('a missing sequential value stays literal, percent-encoded', () => {
    assert.equal(compileUrlPattern('/r/{resp0_x}').render(src({})), '/r/%7B%7B.Resp0_x%7D%7D');
  });

  it('JWT placeholders are empty; input_headers/query placeholders are filled and encoded', () => {
    const t = compileUrlPattern('/t/{JWT.sub}/{input_headers.X-Tenant}?q={input_query_strings.q}');
    const out = t.render({ params: {}, headers: { 'X-Tenant': ['a b'] }, query: { q: ['x&y'] } });
    assert.equal(out, '/t//a%20b?q=x%26y');
  });

  it('a wildcard remainder is appended segment by segment', () => {
    const t = compileUrlPattern('/api', true);
    assert.equal(t.render(src({ '*': 'a/b/c' })), '/api/a/b/c');
    assert.equal(t.render(src({ '*': 'a//../b' })), '/api/a/%2E%2E/b');
    assert.equal(compileUrlPattern('/api/?x=1', true).render(src({ '*': 'v' })), '/api/v?x=1');
  });

  it('a param can never leave its segment, the path, or the host', () => {
    const t = compileUrlPattern('/users/{id}/orders?x={id}');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const path = t.render(src({ Id: value }));
        const url = `http://backend.internal:8080${path}`;
        const { origin, path: raw } = splitUrl(url);
        assert.equal(origin, 'http://backend.internal:8080');
        const [p, q] = raw.split('?');
        const segments = p!.split('/');
        assert.equal(segments.length, 4);
        assert.equal(segments[1], 'users');
        assert.equal(segments[3], 'orders');
        assert.notEqual(segments[2], '..');
        assert.notEqual(segments[2], '.');
        assert.ok(!/[\\#\s]/.test(raw));
        assert.equal(q!.split('&').length, 1);
        assert.equal(new URLSearchParams(q).get('x'), wellFormed(value));
      }),
      { numRuns: 2000, seed: 42 },
    );
  });

  it('escapePathValue keeps pchars and neutralises dot segments', () => {
    assert.equal(escapePathValue('a:b@c!$&'), 'a:b@c!$&');
    assert.equal(escapePathValue('café'), 'caf%C3%A9');
    assert.equal(escapePathValue('..'), '%2E%2E');
    assert.equal(escapePathValue('a/b\\c?d#e%f'), 'a%2Fb%5Cc%3Fd%23e%25f');
  });
});
