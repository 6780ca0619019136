import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFormatter } from '../../../src/proxy/formatter.js';
import type { DataMap } from '../../../src/proxy/data.js';

/** lura's entity formatter (`proxy/formatter.go`) on the edges the vector tests do not reach. */
function formatter(over: { deny?: string[]; mapping?: Record<string, string>; allow?: string[] }) {
  const f = createFormatter({
    target: '',
    group: '',
    allow: over.allow ?? [],
    deny: over.deny ?? [],
    mapping: over.mapping ?? {},
    flatmap: [],
  });
  assert.ok(f);
  return f;
}

function parse(text: string): DataMap {
  return JSON.parse(text) as DataMap;
}

describe('entity formatter', () => {
  it('deny drops the listed paths and leaves the body it was given untouched', () => {
    const body = parse('{"a":1,"b":{"c":2,"d":3},"e":[1],"f":"x"}');
    const out = formatter({ deny: ['a', 'b.c', 'f.g', 'nope.x'] })(body);
    assert.deepEqual(out, { b: { d: 3 }, e: [1], f: 'x' });
    assert.deepEqual(body, parse('{"a":1,"b":{"c":2,"d":3},"e":[1],"f":"x"}'));
  });

  it('deny over a body with none of the listed keys gives that very body', () => {
    const body = parse('{"x":1,"y":{"z":2}}');
    assert.equal(formatter({ deny: ['a', 'b.c'] })(body), body);
  });

  it('mapping renames in config order, as lura sets then deletes', () => {
    const f = formatter({ mapping: { a: 'b', b: 'c', self: 'self', over: 'kept', gone: 'x' } });
    const body = parse('{"a":1,"b":2,"self":3,"over":4,"kept":5,"other":6}');
    // a→b, then the renamed b→c (the old b is overwritten first); self→self drops it; over
    // replaces an existing key; an absent key maps nothing.
    assert.deepEqual(f(body), { other: 6, c: 1, kept: 4 });
    assert.deepEqual(body, parse('{"a":1,"b":2,"self":3,"over":4,"kept":5,"other":6}'));
  });

  it('mapping that matches nothing gives that very body', () => {
    const body = parse('{"x":1}');
    assert.equal(formatter({ mapping: { a: 'b' } })(body), body);
  });

  it('an own __proto__ key is data, renamed and denied like any other', () => {
    const body = parse('{"__proto__":{"polluted":true},"a":1}');
    // JSON, not a literal: `{ __proto__: … }` in code sets the prototype instead of a key.
    const mapping = JSON.parse('{"__proto__":"proto","a":"__proto__"}') as Record<string, string>;
    const renamed = formatter({ mapping })(body)!;
    assert.deepEqual(Object.keys(renamed).sort(), ['__proto__', 'proto']);
    assert.equal(Object.getOwnPropertyDescriptor(renamed, '__proto__')?.value, 1);
    assert.deepEqual(renamed['proto'], { polluted: true });
    assert.equal(Object.getPrototypeOf(renamed), Object.prototype);
    const denied = formatter({ deny: ['a'] })(body)!;
    assert.deepEqual(Object.getOwnPropertyDescriptor(denied, '__proto__')?.value, { polluted: true });
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });

  it('deny then mapping on one backend', () => {
    const f = formatter({ deny: ['internal'], mapping: { views: 'visits' } });
    assert.deepEqual(f(parse('{"views":1,"internal":"x","likes":2}')), { likes: 2, visits: 1 });
  });
});
