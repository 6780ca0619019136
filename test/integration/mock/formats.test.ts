// The pure parts of the mocking layer, table-driven: recording keys and file names, secret
// masking, recording files read back, Server-Timing quoting, {param} filling, fault rolls.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rollFault } from '../../../src/mock/faults.js';
import { fillParams } from '../../../src/mock/mock-answer.js';
import { parseRecording, recordingText } from '../../../src/mock/recording-file.js';
import { recordingKey, redactUrl } from '../../../src/mock/recording-key.js';
import { serverTimingValue } from '../../../src/mock/server-timing.js';

const headers = (h: Record<string, string> = {}) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k, [v]]));

describe('recording keys', () => {
  const cases: [string, string, Record<string, string>, string | null, RegExp | string][] = [
    ['GET', 'http://127.0.0.1:8081/users/1', {}, null, '127.0.0.1_8081/users/1/GET.json'],
    ['get', 'http://h/', {}, null, 'h/GET.json'],
    ['GET', 'http://h', {}, null, 'h/GET.json'],
    ['GET', 'http://h/users/', {}, null, 'h/users/_/GET.json'],
    ['GET', 'http://h/a/%2E%2E/b', {}, null, 'h/a/%2E%2E/b/GET.json'],
    ['GET', 'http://h/a/../b', {}, null, 'h/a/%2E%2E/b/GET.json'],
    ['GET', 'http://h/a b:c', {}, null, 'h/a%20b%3Ac/GET.json'],
    ['GET', 'http://[::1]:80/x', {}, null, '___1__80/x/GET.json'],
    ['GET', 'http://h/s?q=1', {}, null, /^h\/s\/GET-[0-9a-f]{8}\.json$/],
    ['GET', 'http://h/s', { Accept: 'text/html' }, null, /^h\/s\/GET-[0-9a-f]{8}\.json$/],
    ['POST', 'http://h/s', {}, 'body', /^h\/s\/POST-[0-9a-f]{8}\.json$/],
    [
      'GET',
      'http://h/s',
      { Authorization: 'x', 'X-Forwarded-For': '1.2.3.4' },
      null,
      'h/s/GET.json',
    ],
  ];
  for (const [method, url, h, body, rel] of cases) {
    test(`${method} ${url} ${JSON.stringify(h)} ${body ?? ''}`, () => {
      const key = recordingKey(method, url, headers(h), body === null ? null : Buffer.from(body));
      if (typeof rel === 'string') assert.equal(key.rel, rel);
      else assert.match(key.rel, rel);
    });
  }

  test('a long segment is cut and told apart by a hash', () => {
    const rel = recordingKey('GET', `http://h/${'x'.repeat(300)}`, headers(), null).rel;
    assert.match(rel, /^h\/x{100}~[0-9a-f]{8}\/GET\.json$/);
  });

  test('the same request gives the same key; a different query, header or body another', () => {
    const a = recordingKey('POST', 'http://h/s?q=1', headers({ Accept: 'a' }), Buffer.from('b'));
    const same = recordingKey('POST', 'http://h/s?q=1', headers({ Accept: 'a' }), Buffer.from('b'));
    assert.equal(a.rel, same.rel);
    for (const other of [
      recordingKey('POST', 'http://h/s?q=2', headers({ Accept: 'a' }), Buffer.from('b')),
      recordingKey('POST', 'http://h/s?q=1', headers({ Accept: 'c' }), Buffer.from('b')),
      recordingKey('POST', 'http://h/s?q=1', headers({ Accept: 'a' }), Buffer.from('c')),
    ]) {
      assert.notEqual(other.rel, a.rel);
    }
  });
});

describe('secrets in URLs', () => {
  const cases: [string, string][] = [
    ['http://user:pass@h/x', 'http://h/x'],
    ['http://h/x?token=abc&page=2', 'http://h/x?token=REDACTED&page=2'],
    [
      'http://h/x?api_key=1&apiKey=2&API-KEY=3',
      'http://h/x?api_key=REDACTED&apiKey=REDACTED&API-KEY=REDACTED',
    ],
    ['http://h/x?access%5Ftoken=1', 'http://h/x?access%5Ftoken=REDACTED'],
    [
      'http://h/x?auth=1&author=ada&x_auth=2',
      'http://h/x?auth=REDACTED&author=ada&x_auth=REDACTED',
    ],
    [
      'http://h/x?session=1&password=2&sig=3&signature=4',
      'http://h/x?session=REDACTED&password=REDACTED&sig=3&signature=REDACTED',
    ],
    ['http://h/x?token', 'http://h/x?token'],
  ];
  for (const [url, clean] of cases) {
    test(url, () => assert.equal(redactUrl(url), clean));
  }
});

describe('recording files', () => {
  const key = recordingKey('GET', 'http://h/x', headers(), null);
  const cases: [string, Buffer, Record<string, unknown>][] = [
    ['compact JSON', Buffer.from('{"a":[1,2]}'), { body: { a: [1, 2] } }],
    ['pretty JSON stays text', Buffer.from('{ "a": 1 }\n'), { bodyText: '{ "a": 1 }\n' }],
    ['text', Buffer.from('héllo'), { bodyText: 'héllo' }],
    ['bytes', Buffer.from([0xff, 0x00, 0x81]), { bodyBase64: '/wCB' }],
    ['empty', Buffer.alloc(0), {}],
  ];
  for (const [name, body, field] of cases) {
    test(`${name}: written readable, read back byte for byte`, () => {
      const text = recordingText(key, { status: 201, headers: headers({ 'X-A': '1' }), body });
      assert.deepEqual(JSON.parse(text).response, {
        status: 201,
        headers: { 'X-A': '1' },
        ...field,
      });
      const back = parseRecording(text, 'f.json');
      assert.equal(back.status, 201);
      assert.ok(back.body.equals(body));
      assert.deepEqual({ ...back.headers }, { 'X-A': ['1'] });
    });
  }

  test('dropped response headers: secrets, Date and the framing the replay sets itself', () => {
    const h = {
      'Set-Cookie': ['a=1', 'b=2'],
      Date: ['now'],
      'Content-Length': ['3'],
      'Content-Encoding': ['gzip'],
      Connection: ['close'],
      'X-Session-Id': ['s'],
      'X-Many': ['1', '2'],
    };
    const text = recordingText(key, { status: 200, headers: h, body: Buffer.alloc(0) });
    assert.deepEqual(JSON.parse(text).response.headers, { 'X-Many': ['1', '2'] });
  });

  test('a broken file says where', () => {
    assert.throws(() => parseRecording('{\n  "response": }', 'rec/x.json'), {
      code: 'KC_REPLAY_MISSING',
      message: "rec/x.json:2:15 invalid character '}' looking for beginning of value",
    });
    assert.throws(() => parseRecording('{"request": {}}', 'rec/x.json'), {
      message: 'rec/x.json:1:1 response: a recording needs "response": {"status": <number>, …}',
    });
    // Valid JSON with a wrong value: the position and path of that value.
    assert.throws(() => parseRecording('{\n  "response": {\n    "status": "200"\n  }\n}', 'rec/x.json'), {
      message: 'rec/x.json:3:15 response.status: a recording needs "response": {"status": <number>, …}',
    });
  });
});

describe('Server-Timing values', () => {
  test('quoted descriptions; sources and failures told', () => {
    const value = serverTimingValue([
      { method: 'GET', url: 'http://h/a"b\\c\u0001€', status: 0, ms: 1.26, source: 'replay' },
      { method: 'POST', url: 'http://h', status: 200, ms: 3, source: 'live' },
      { method: 'GET', url: 'not a url', status: 200, ms: 0.04, source: 'mock' },
    ]);
    assert.equal(
      value,
      'backend-0;desc="GET /a\\"b\\\\c?? (replay) (failed)";dur=1.3, ' +
        'backend-1;desc="POST /";dur=3, backend-2;desc="GET not a url (mock)";dur=0',
    );
  });
});

describe('mock JSON {param} filling', () => {
  test('strings anywhere; unknown names and other types stay', () => {
    const value = { a: '{id}', b: ['x{id}y', 1, null, true], c: { d: '{nope} {id}' }, e: '{ id }' };
    assert.deepEqual(fillParams(value, { id: '7' }), {
      a: '7',
      b: ['x7y', 1, null, true],
      c: { d: '{nope} 7' },
      e: '{ id }',
    });
  });
});

describe('fault rolls', () => {
  const seq =
    (...values: number[]) =>
    () =>
      values.shift()!;
  test('delay drawn in [min, max]; rate decides the failure', () => {
    const f = { delay: { minMs: 100, maxMs: 200 }, status: 503, reset: false, rate: 0.3 };
    assert.deepEqual(rollFault(f, seq(0, 0.29)), { delayMs: 100, fail: true });
    assert.deepEqual(rollFault(f, seq(1, 0.3)), { delayMs: 200, fail: false });
    assert.deepEqual(rollFault(f, seq(0.5, 0.9)), { delayMs: 150, fail: false });
  });
  test('rate 1 always fails without a draw; no status or reset never fails', () => {
    assert.deepEqual(rollFault({ reset: true, rate: 1 }, seq()), { delayMs: 0, fail: true });
    assert.deepEqual(
      rollFault({ delay: { minMs: 5, maxMs: 5 }, reset: false, rate: 1 }, seq(0.5)),
      {
        delayMs: 5,
        fail: false,
      },
    );
  });
});
