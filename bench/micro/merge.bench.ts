import { jsonCollectionDecoder, jsonDecoder } from '../../src/encoding/json.js';
import { stringifyGo } from '../../src/encoding/go-json.js';
import { createFormatter } from '../../src/proxy/formatter.js';
import { MergeAccumulator } from '../../src/proxy/merge.js';
import type { ProxyResponse } from '../../src/proxy/types.js';
import { emptyHeaders } from '../../src/proxy/types.js';
import { bodyOf } from '../targets/backend.js';
import { measure, printResults } from './measure.js';

// The JSON work of one merged request, step by step, on the bench backend's bodies (the
// `gateway merge` scenario: allow on /small, deny + mapping on /stats), beside V8's own
// JSON.parse/stringify as the floor. Run: node --import tsx bench/micro/merge.bench.ts
const small = bodyOf('/small');
const stats = bodyOf('/stats');
const big = bodyOf('/big');
const allow = createFormatter({ target: '', group: '', allow: ['id', 'name', 'email', 'address.city'], deny: [], mapping: {}, flatmap: [] });
const denyMap = createFormatter({ target: '', group: '', allow: [], deny: ['internal'], mapping: { views: 'visits' }, flatmap: [] });
if (!allow || !denyMap) throw new Error('the formatters should not be empty');

const response = (data: Record<string, unknown> | null): ProxyResponse => ({
  data,
  isComplete: true,
  metadata: { statusCode: 200, headers: emptyHeaders() },
});

function mergeTwo(): string {
  const acc = new MergeAccumulator(2);
  acc.add({ response: response(allow!(jsonDecoder(small))) });
  acc.add({ response: response(denyMap!(jsonDecoder(stats))) });
  return stringifyGo(acc.result().data);
}

const decodedSmall = jsonDecoder(small);
const decodedBig = JSON.parse(big.toString('utf8')) as unknown;
const results = [
  measure('decode /small (210 B)', () => jsonDecoder(small)),
  measure('  JSON.parse /small', () => JSON.parse(small.toString('utf8'))),
  measure('encode /small (Go order)', () => stringifyGo(decodedSmall)),
  measure('  JSON.stringify /small', () => JSON.stringify(decodedSmall)),
  measure('allow filter /small', () => allow(jsonDecoder(small))),
  measure('deny + mapping /stats', () => denyMap(jsonDecoder(stats))),
  measure('merge two, end to end', mergeTwo),
  measure('decode /big (100 KB, collection)', () => jsonCollectionDecoder(big)),
  measure('  JSON.parse /big', () => JSON.parse(big.toString('utf8'))),
  measure('encode /big (Go order)', () => stringifyGo(decodedBig)),
  measure('  JSON.stringify /big', () => JSON.stringify(decodedBig)),
];
console.log(mergeTwo());
printResults('merge: decode, filter, merge, encode', results);
