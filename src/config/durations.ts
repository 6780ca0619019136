import { formatPath, type JsonPath } from './json-path.js';
import type { Report } from './report.js';

const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5 micro sign
  μs: 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's `time.ParseDuration`: nanoseconds, or Go's error text. */
export function parseGoDuration(input: string): { ns: number } | { error: string } {
  const q = JSON.stringify(input);
  const invalid = { error: `time: invalid duration ${q}` };
  let s = input;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return { ns: 0 };
  if (s === '') return invalid;
  let total = 0;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    const [whole, int = '', frac] = m;
    if (int === '' && (frac === undefined || frac === '')) return invalid;
    s = s.slice(whole.length);
    const unit = /^[^0-9.]*/.exec(s)![0];
    if (unit === '') return { error: `time: missing unit in duration ${q}` };
    const scale = UNITS[unit];
    if (scale === undefined)
      return { error: `time: unknown unit ${JSON.stringify(unit)} in duration ${q}` };
    s = s.slice(unit.length);
    total += Number(`${int || '0'}.${frac || '0'}`) * scale;
  }
  return { ns: sign * Math.round(total) };
}

/**
 * A duration field in nanoseconds. Strings are Go durations; numbers are nanoseconds, as in
 * KrakenD, which is almost never what the author meant, so it is warned about.
 */
export function readDuration(r: Report, path: JsonPath, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const name = formatPath(path);
  if (typeof v === 'string') {
    const parsed = parseGoDuration(v);
    if ('ns' in parsed) return parsed.ns;
    r.problem(path, `error decoding '${name}': ${parsed.error}`);
    return undefined;
  }
  if (typeof v === 'number') {
    const ns = Math.trunc(v);
    if (ns !== 0) {
      r.warn(
        path,
        `'${name}' is the number ${v}, which KrakenD reads as ${v} nanoseconds; write a duration string such as "${v}ms" or "${v}s"`,
      );
    }
    return ns;
  }
  r.problem(path, `'${name}' expected a duration string such as "3s", got ${JSON.stringify(v)}`);
  return undefined;
}
