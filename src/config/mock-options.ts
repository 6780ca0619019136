import type { FaultOptions, MockOptions } from '../types.js';
import { asStringMap, isObject, type Obj } from './coerce.js';
import { parseGoDuration } from './durations.js';
import type { JsonPath } from './json-path.js';
import type { Report } from './report.js';

/**
 * Our own `extra_config` namespaces for local mocking (README: Local API mocking). KrakenD ignores them, so
 * a production config carrying them behaves the same there; here they are checked at load and
 * their mistakes reported with file, line and column like any config problem.
 */
export const MOCK_NS = 'krakend-connect/mock';
export const FAULTS_NS = 'krakend-connect/faults';
const KNOWN = [MOCK_NS, FAULTS_NS];

const MOCK_KEYS = new Set(['file', 'folder', 'status', 'headers']);
const FAULT_KEYS = new Set(['delay', 'status', 'body', 'rate', 'reset']);

function unknownKeys(r: Report, path: JsonPath, value: Obj, known: ReadonlySet<string>): void {
  for (const key of Object.keys(value)) {
    if (known.has(key) || /^[@$_#]/.test(key)) continue;
    r.warn([...path, key], `unknown key '${key}' is ignored (known: ${[...known].join(', ')})`);
  }
}

/** A status a response can carry, or undefined after reporting why not. */
function readStatus(r: Report, path: JsonPath, v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 200 && v <= 599) return v;
  r.problem(path, `'status' must be an integer from 200 to 599, got ${JSON.stringify(v)}`);
  return undefined;
}

/** Milliseconds of a Go duration string (`"200ms"`), or undefined after reporting why not. */
function readMs(r: Report, path: JsonPath, v: unknown): number | undefined {
  if (typeof v !== 'string') {
    r.problem(path, `expected a duration string such as "200ms", got ${JSON.stringify(v)}`);
    return undefined;
  }
  const parsed = parseGoDuration(v);
  if ('error' in parsed) {
    r.problem(path, parsed.error);
    return undefined;
  }
  if (parsed.ns < 0) {
    r.problem(path, `a delay cannot be negative (${JSON.stringify(v)})`);
    return undefined;
  }
  return parsed.ns / 1e6;
}

function readDelay(r: Report, path: JsonPath, v: unknown): FaultOptions['delay'] {
  if (isObject(v)) {
    unknownKeys(r, path, v, new Set(['min', 'max']));
    if (v['min'] === undefined || v['max'] === undefined) {
      r.problem(
        path,
        `a random delay needs both 'min' and 'max', e.g. {"min": "100ms", "max": "2s"}`,
      );
      return undefined;
    }
    const minMs = readMs(r, [...path, 'min'], v['min']);
    const maxMs = readMs(r, [...path, 'max'], v['max']);
    if (minMs === undefined || maxMs === undefined) return undefined;
    if (minMs > maxMs) {
      r.problem(path, `'min' (${v['min']}) is more than 'max' (${v['max']})`);
      return undefined;
    }
    return { minMs, maxMs };
  }
  const ms = readMs(r, path, v);
  return ms === undefined ? undefined : { minMs: ms, maxMs: ms };
}

/** `krakend-connect/faults` on an endpoint or a backend. */
export function readFaults(r: Report, path: JsonPath, extra: Obj): FaultOptions | undefined {
  const value = extra[FAULTS_NS];
  if (value === undefined) return undefined;
  const at = [...path, FAULTS_NS];
  if (!isObject(value)) {
    r.problem(at, `'${FAULTS_NS}' must be an object such as {"delay": "200ms"} or {"status": 503}`);
    return undefined;
  }
  unknownKeys(r, at, value, FAULT_KEYS);
  const faults: FaultOptions = { reset: false, rate: 1 };
  if (value['delay'] !== undefined) {
    const delay = readDelay(r, [...at, 'delay'], value['delay']);
    if (delay) faults.delay = delay;
  }
  if (value['status'] !== undefined) {
    const status = readStatus(r, [...at, 'status'], value['status']);
    if (status !== undefined) faults.status = status;
  }
  if (value['reset'] !== undefined) {
    if (typeof value['reset'] !== 'boolean') {
      r.problem([...at, 'reset'], `'reset' must be true or false`);
    } else faults.reset = value['reset'];
  }
  if (faults.reset && value['status'] !== undefined) {
    r.problem(at, `'status' and 'reset' exclude each other: a reset connection has no status`);
  }
  const body = value['body'];
  if (body !== undefined) {
    if (value['status'] === undefined) {
      r.warn([...at, 'body'], `'body' goes with 'status'; without it the body is ignored`);
    } else if (typeof body === 'string') {
      faults.body = body;
      faults.contentType = 'text/plain; charset=utf-8';
    } else {
      faults.body = JSON.stringify(body);
      faults.contentType = 'application/json';
    }
  }
  const rate = value['rate'];
  if (rate !== undefined) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
      r.problem(
        [...at, 'rate'],
        `'rate' must be a number from 0 to 1, got ${JSON.stringify(rate)}`,
      );
    } else {
      faults.rate = rate;
      if (faults.status === undefined && !faults.reset) {
        r.warn([...at, 'rate'], `'rate' applies to 'status' or 'reset'; the delay hits every call`);
      }
    }
  }
  if (value['delay'] === undefined && value['status'] === undefined && value['reset'] !== true) {
    r.warn(at, `no 'delay', 'status' or 'reset': this fault does nothing`);
    return undefined;
  }
  if (!faults.delay && faults.status === undefined && !faults.reset) return undefined;
  return faults;
}

/** `krakend-connect/mock` on a backend; paths stay as written (relative to the config's folder). */
export function readMock(r: Report, path: JsonPath, extra: Obj): MockOptions | undefined {
  const value = extra[MOCK_NS];
  if (value === undefined) return undefined;
  const at = [...path, MOCK_NS];
  if (!isObject(value)) {
    r.problem(at, `'${MOCK_NS}' must be an object such as {"file": "mocks/users.json"}`);
    return undefined;
  }
  unknownKeys(r, at, value, MOCK_KEYS);
  const { file, folder } = value;
  if ((file === undefined) === (folder === undefined)) {
    r.problem(at, `'${MOCK_NS}' needs exactly one of 'file' or 'folder'`);
    return undefined;
  }
  const key = file !== undefined ? 'file' : 'folder';
  const where = file ?? folder;
  if (typeof where !== 'string' || where.trim() === '') {
    r.problem([...at, key], `'${key}' must be a path relative to the config file`);
    return undefined;
  }
  const headers = asStringMap(r, [...at, 'headers'], value['headers']);
  const mock: MockOptions = { status: 200, headers };
  mock[key] = where;
  if (value['status'] !== undefined) {
    const status = readStatus(r, [...at, 'status'], value['status']);
    if (status !== undefined) mock.status = status;
  }
  return mock;
}

/**
 * Our namespaces where they do nothing (a mock on an endpoint) or misspelt: a warning each, since
 * KrakenD ignores every one of them and the config loads anyway.
 */
export function checkOwnNamespaces(
  r: Report,
  path: JsonPath,
  extra: Obj,
  level: 'service' | 'endpoint' | 'backend',
): void {
  for (const name of Object.keys(extra)) {
    if (!name.startsWith('krakend-connect/')) continue;
    const at = [...path, name];
    if (!KNOWN.includes(name)) {
      r.warn(at, `unknown namespace '${name}' is ignored (known: ${KNOWN.join(', ')})`);
    } else if (level === 'service' || (level === 'endpoint' && name === MOCK_NS)) {
      const place = name === MOCK_NS ? 'a backend' : 'an endpoint or a backend';
      r.warn(at, `'${name}' belongs on ${place}; here it is ignored`);
    }
  }
}
