import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfigText } from '../../../src/config/index.js';
import { findSyntaxError, goQuoteChar } from '../../../src/config/json-scan.js';
import { errorOf } from './helpers.js';

function where(text: string): string {
  const err = errorOf(() => parseConfigText(text, 'k.json'));
  assert.equal(err.code, 'KC_CONFIG_SYNTAX');
  assert.equal(err.file, 'k.json');
  assert.equal(err.message, `k.json:${err.line}:${err.column} ${err.problems[0]!.message}`);
  return `${err.line}:${err.column} ${err.problems[0]!.message}`;
}

describe('syntax errors: Go wording, exact line and column', () => {
  test('missing comma between members, on the next line', () => {
    assert.equal(
      where('{\n  "version": 3\n  "port": 8080\n}'),
      `3:3 invalid character '"' after object key:value pair`,
    );
  });

  test('trailing comma in an object and in an array', () => {
    assert.equal(
      where('{\n  "a": 1,\n}'),
      "3:1 invalid character '}' looking for beginning of object key string",
    );
    assert.equal(
      where('{"a": [1, 2,]}'),
      "1:13 invalid character ']' looking for beginning of value",
    );
  });

  test('missing colon, missing comma in an array', () => {
    assert.equal(where('{"a" 1}'), "1:6 invalid character '1' after object key");
    assert.equal(where('{"a": [1 2]}'), "1:10 invalid character '2' after array element");
  });

  test('truncated file points at its end', () => {
    assert.equal(where('{\n  "endpoints": [\n'), '3:1 unexpected end of JSON input');
    assert.equal(where(''), '1:1 unexpected end of JSON input');
    assert.equal(where('{"a": "abc'), '1:11 unexpected end of JSON input');
  });

  test('literals, numbers, strings', () => {
    assert.equal(where('{"a": tru}'), "1:10 invalid character '}' in literal true (expecting 'e')");
    assert.equal(
      where('{"a": nul }'),
      "1:10 invalid character ' ' in literal null (expecting 'l')",
    );
    assert.equal(where('{"a": -x}'), "1:8 invalid character 'x' in numeric literal");
    assert.equal(
      where('{"a": 1.}'),
      "1:9 invalid character '}' after decimal point in numeric literal",
    );
    assert.equal(where('{"a": 1e}'), "1:9 invalid character '}' in exponent of numeric literal");
    assert.equal(where('{"a": 01}'), "1:8 invalid character '1' after object key:value pair");
    assert.equal(where('{"a": "\\x"}'), "1:9 invalid character 'x' in string escape code");
    assert.equal(
      where('{"a": "\\u12G4"}'),
      "1:12 invalid character 'G' in \\u hexadecimal character escape",
    );
    assert.equal(where('{"a": "x\ty"}'), "1:9 invalid character '\\t' in string literal");
    assert.equal(
      where("{'a': 1}"),
      "1:2 invalid character '\\'' looking for beginning of object key string",
    );
  });

  test('content after the top-level value; comments are not JSON', () => {
    assert.equal(where('{} {}'), "1:4 invalid character '{' after top-level value");
    assert.equal(
      where('{\n  // note\n  "version": 3\n}'),
      "2:3 invalid character '/' looking for beginning of object key string",
    );
  });

  test('root that is not an object: position of the value', () => {
    assert.equal(
      where('\n  [1]'),
      '2:3 json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
    assert.equal(
      where('"x"'),
      '1:1 json: cannot unmarshal string into Go value of type map[string]interface {}',
    );
    assert.equal(
      where('true'),
      '1:1 json: cannot unmarshal bool into Go value of type map[string]interface {}',
    );
  });

  test('a null root is an empty config, as Go decodes it', () => {
    assert.deepEqual(parseConfigText('null', 'k.json'), {});
  });

  test('non-ASCII characters are quoted as Go sees their first byte', () => {
    assert.equal(goQuoteChar('é'), "'Ã'");
    assert.equal(goQuoteChar('\uFEFF'), "'ï'");
    assert.equal(where('\uFEFF{}'), "1:1 invalid character 'ï' looking for beginning of value");
  });

  test('valid documents have no error', () => {
    for (const text of [
      '{}',
      '{"a":[1,-2.5e+3,true,false,null,"\\u00e9\\n"],"b":{}}',
      ' [ ] ',
      '0',
    ]) {
      assert.equal(findSyntaxError(text), undefined, text);
    }
  });
});
