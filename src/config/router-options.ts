import type { RouterOptions } from '../types.js';
import { isObject, type Obj } from './coerce.js';
import type { JsonPath } from './json-path.js';
import type { Report } from './report.js';

const BOOLEANS = {
  return_error_msg: 'returnErrorMsg',
  disable_health: 'disableHealth',
  disable_access_log: 'disableAccessLog',
  hide_version_header: 'hideVersionHeader',
  auto_options: 'autoOptions',
  disable_handle_method_not_allowed: 'disableHandleMethodNotAllowed',
  disable_redirect_trailing_slash: 'disableRedirectTrailingSlash',
  disable_redirect_fixed_path: 'disableRedirectFixedPath',
  disable_path_decoding: 'disablePathDecoding',
  remove_extra_slash: 'removeExtraSlash',
  forwarded_by_client_ip: 'forwardedByClientIp',
} as const;

const LISTS = {
  logger_skip_paths: 'loggerSkipPaths',
  trusted_proxies: 'trustedProxies',
  remote_ip_headers: 'remoteIpHeaders',
} as const;

export function defaultRouterOptions(): RouterOptions {
  return {
    returnErrorMsg: false,
    healthPath: '/__health',
    disableHealth: false,
    disableAccessLog: false,
    loggerSkipPaths: [],
    hideVersionHeader: false,
    autoOptions: false,
    disableHandleMethodNotAllowed: false,
    disableRedirectTrailingSlash: false,
    disableRedirectFixedPath: false,
    disablePathDecoding: false,
    removeExtraSlash: false,
    trustedProxies: [],
    remoteIpHeaders: [],
    // gin's default; lura overrides it only when the key is present (behaviour §2.3).
    forwardedByClientIp: true,
  };
}

/** Go's zero value: what an option left at its default holds. */
function zeroValue(v: unknown): boolean {
  return v === false || v === 0 || v === '' || v === null || (Array.isArray(v) && v.length === 0);
}

/**
 * The `router` namespace (DECISIONS.md 11). lura decodes it with `encoding/json`, so types are
 * strict: a value of the wrong type is ignored with a warning rather than coerced.
 */
export function readRouterOptions(r: Report, path: JsonPath, value: unknown): RouterOptions {
  const out = defaultRouterOptions() as { -readonly [K in keyof RouterOptions]: RouterOptions[K] };
  if (value === undefined) return out;
  if (!isObject(value)) {
    r.warn(path, `'router' must be an object; its options are ignored`);
    return out;
  }
  const wrongType = (key: string, want: string): void =>
    r.warn([...path, key], `router option '${key}' must be ${want}; it is ignored`);
  for (const [key, v] of Object.entries(value as Obj)) {
    if (/^[@$_#]/.test(key)) continue;
    if (key in BOOLEANS) {
      if (typeof v === 'boolean') out[BOOLEANS[key as keyof typeof BOOLEANS]] = v;
      else wrongType(key, 'a boolean');
    } else if (key in LISTS) {
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
        out[LISTS[key as keyof typeof LISTS]] = v as string[];
      } else wrongType(key, 'a list of strings');
    } else if (key === 'max_payload') {
      // A limit meant but unreadable would silently serve without one: refused instead
      // (reliability.md §6 row 62, "invalid size limit"; a reload keeps the last good config).
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0) out.maxPayload = v;
      else r.problem([...path, key], `router option 'max_payload' must be a whole number of bytes`);
    } else if (key === 'health_path') {
      if (typeof v === 'string') out.healthPath = v === '' ? '/__health' : v;
      else wrongType(key, 'a string');
    } else if (key === 'error_body') {
      if (isObject(v)) {
        out.errorBody = {};
        if (v['404'] !== undefined) out.errorBody['404'] = v['404'];
        if (v['405'] !== undefined) out.errorBody['405'] = v['405'];
      } else wrongType(key, 'an object');
    } else if (!zeroValue(v)) {
      // `disable_gzip: false` and the like ask for nothing: no warning for them (real configs
      // in the corpus carry several).
      r.warn(
        [...path, key],
        `router option '${key}' is not supported by krakend-connect and is ignored`,
      );
    }
  }
  return out;
}
