import type { CorsOptions } from '../types.js';
import { isObject } from './coerce.js';
import { parseGoDuration } from './durations.js';
import type { JsonPath } from './json-path.js';
import type { Report } from './report.js';

const KNOWN = new Set([
  'allow_origins',
  'allow_methods',
  'allow_headers',
  'expose_headers',
  'allow_credentials',
  'max_age',
  'options_passthrough',
  'options_success_status',
  'allow_private_network',
  'debug',
]);

/** Go's `textproto.CanonicalMIMEHeaderKey`. */
export function canonicalHeader(name: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name;
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/**
 * `security/cors` as krakend-cors reads it (type assertions: a value of the wrong type is
 * ignored), with rs/cors defaults for empty lists (DECISIONS.md 18).
 */
export function readCors(r: Report, path: JsonPath, value: unknown): CorsOptions | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) {
    r.warn(path, `'security/cors' must be an object; CORS is off`);
    return undefined;
  }
  const list = (key: string): string[] => {
    const v = value[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      r.warn([...path, key], `'${key}' must be a list of strings; it is ignored`);
      return [];
    }
    return v.filter((x): x is string => typeof x === 'string');
  };
  const bool = (key: string): boolean => {
    const v = value[key];
    if (v !== undefined && typeof v !== 'boolean') {
      r.warn([...path, key], `'${key}' must be a boolean; it is ignored`);
    }
    return v === true;
  };
  for (const key of Object.keys(value)) {
    if (!KNOWN.has(key) && !/^[@$_#]/.test(key)) {
      r.warn([...path, key], `'security/cors' option '${key}' is not supported and is ignored`);
    }
  }
  const origins = list('allow_origins');
  const methods = list('allow_methods').map((m) => m.toUpperCase());
  const headers = list('allow_headers');
  let maxAgeSeconds = 0;
  const maxAge = value['max_age'];
  if (typeof maxAge === 'string') {
    const parsed = parseGoDuration(maxAge);
    if ('ns' in parsed) maxAgeSeconds = Math.max(0, Math.floor(parsed.ns / 1e9));
    else
      r.warn([...path, 'max_age'], `'max_age' is not a duration (${parsed.error}); it is ignored`);
  } else if (maxAge !== undefined) {
    r.warn(
      [...path, 'max_age'],
      `'max_age' must be a duration string such as "12h"; it is ignored`,
    );
  }
  let optionsSuccessStatus = 204;
  const status = value['options_success_status'];
  if (typeof status === 'number' && Number.isInteger(status) && status >= 200 && status <= 599) {
    optionsSuccessStatus = status;
  } else if (status !== undefined) {
    r.warn(
      [...path, 'options_success_status'],
      `'options_success_status' must be an HTTP status; using 204`,
    );
  }
  return {
    allowOrigins: origins.length ? origins : ['*'],
    allowMethods: methods.length ? methods : ['GET', 'POST', 'HEAD'],
    allowHeaders: headers.length ? headers : ['Origin', 'Accept', 'Content-Type'],
    exposeHeaders: list('expose_headers').map(canonicalHeader),
    allowCredentials: bool('allow_credentials'),
    maxAgeSeconds,
    optionsPassthrough: bool('options_passthrough'),
    optionsSuccessStatus,
    allowPrivateNetwork: bool('allow_private_network'),
  };
}
