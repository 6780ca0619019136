import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  goStruct,
  parseJson,
  RawNumber,
  sortKeys,
  stringifyGo,
} from '../../../src/encoding/go-json.js';
import { getDecoder } from '../../../src/encoding/index.js';
import { toXml } from '../../../src/encoding/mxj.js';

describe('Go JSON', () => {
  it('P15 number lexemes survive a decode/encode round trip', () => {
    const v = parseJson(
      '{"foo":"bar","supu":false,"tupu":4.20,"big":12345678901234567890,"e":1e3,"n":-0}',
    );
    assert.ok((v as Record<string, unknown>)['tupu'] instanceof RawNumber);
    assert.equal(
      stringifyGo(v),
      '{"big":12345678901234567890,"e":1e3,"foo":"bar","n":-0,"supu":false,"tupu":4.20}',
    );
  });

  it('only the first value is read; trailing bytes are ignored', () => {
    assert.deepEqual(parseJson('{"a":1}\n{"b":2}'), { a: 1 });
    assert.equal(parseJson(' 3 garbage'), 3);
    assert.throws(() => parseJson(''), /EOF/);
    assert.throws(() => parseJson('{"a":'), SyntaxError);
  });

  it('a forged sentinel string stays a string', () => {
    const v = parseJson('{"a":"\\u0000deadbeef0000:1,\\"x\\":2","b":1.50}') as Record<
      string,
      unknown
    >;
    assert.equal(typeof v['a'], 'string');
    assert.equal(stringifyGo(v), '{"a":"\\u0000deadbeef0000:1,\\"x\\":2","b":1.50}');
  });

  it('deep documents are refused, not a stack overflow', () => {
    assert.throws(() => parseJson('['.repeat(100_000) + ']'.repeat(100_000)), RangeError);
  });

  it('__proto__ keys stay data', () => {
    const v = parseJson('{"__proto__":{"polluted":1},"n":1.0}') as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(stringifyGo(v), '{"__proto__":{"polluted":1},"n":1.0}');
  });

  it('output: sorted keys, HTML-safe escapes, invalid UTF-16 replaced, struct order kept', () => {
    assert.equal(
      stringifyGo({ b: '<a&b>', a: '\u2028\u2029' }),
      '{"a":"\\u2028\\u2029","b":"\\u003ca\\u0026b\\u003e"}',
    );
    assert.equal(stringifyGo({ s: 'x\ud800y' }), '{"s":"x\ufffdy"}');
    assert.equal(stringifyGo(goStruct({ z: 1, a: 2 })), '{"z":1,"a":2}');
    assert.equal(
      stringifyGo({ f: 1.5, g: 1e21, n: null, u: undefined }),
      '{"f":1.5,"g":1e+21,"n":null}',
    );
  });

  it('short key lists sort as Array.prototype.sort does (insertion below 17 keys)', () => {
    // A fixed-seed generator: key lists of 0..20 keys from an alphabet with the orderings that
    // matter (case, digits, prefixes, a BMP letter above the surrogates, an astral character).
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = ['a', 'B', 'b', '_', '0', '9', 'é', '\uffe0', '😀', ''];
    for (let round = 0; round < 3000; round++) {
      const keys: string[] = [];
      const n = rand(21);
      for (let i = 0; i < n; i++) {
        let k = '';
        for (let c = rand(4); c >= 0; c--) k += alphabet[rand(alphabet.length)];
        keys.push(k);
      }
      const expected = [...keys].sort();
      sortKeys(keys);
      assert.deepEqual(keys, expected, `round ${round}`);
    }
  });

  it('decoders per encoding', () => {
    assert.deepEqual(getDecoder('json', false)(Buffer.from('null')), null);
    assert.throws(() => getDecoder('json', false)(Buffer.from('[1]')), /cannot unmarshal array/);
    assert.deepEqual(getDecoder('string', false)(Buffer.from('hi')), { content: 'hi' });
    assert.deepEqual(getDecoder('safejson', false)(Buffer.from('"x"')), { content: 'x' });
    assert.deepEqual(getDecoder('unknown', true)(Buffer.from('[1]')), { collection: [1] });
    assert.deepEqual(getDecoder('xml', false)(Buffer.from('<a x="1"><b>t</b><b>u</b></a>')), {
      a: { b: ['t', 'u'], '-x': '1' },
    });
  });

  it('mxj xml: root, doc wrapper, attributes, arrays, empty elements, escaping', () => {
    assert.equal(toXml({ a: { '-x': '1', b: ['t', 'u'] } }), '<a x="1"><b>t</b><b>u</b></a>');
    assert.equal(toXml({ b: 1, a: {} }), '<doc><a/><b>1</b></doc>');
    assert.equal(toXml({ t: { '-k': 'v', '#text': 'x<y' } }), '<t k="v">x&lt;y</t>');
    assert.equal(toXml({}), '<doc/>');
  });
});
