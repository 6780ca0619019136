import { ENCODINGS, type Encoding, type ResolvedBackend } from '../types.js';
import { asBool, asString, asStringList, asStringMap, isObject, type Obj } from './coerce.js';
import { noteLegacyKeys, type LoadContext } from './context.js';
import { canonicalHeader } from './cors.js';
import { cleanHost, invalidHostMessage } from './hosts.js';
import { formatPath, type JsonPath } from './json-path.js';
import { checkOwnNamespaces, readFaults, readMock } from './mock-options.js';
import { normalizeExtra } from './namespaces.js';
import { checkUrlPattern } from './placeholders.js';
import { readFlatmap } from './proxy-options.js';

/** What a backend inherits from its endpoint and the service. */
export interface BackendParent {
  /** The endpoint's method as written (defaulted to GET): lura's messages print it so. */
  method: string;
  routePath: string;
  outputEncoding: string;
  inputs: ReadonlySet<string>;
  serviceHosts: readonly string[];
  sequential: boolean;
}

export function cleanPath(p: string): string {
  return `/${p.startsWith('/') ? p.slice(1) : p}`;
}

export function readHeaderList(ctx: LoadContext, path: JsonPath, v: unknown): string[] {
  return asStringList(ctx.r, path, v).map((h) => (h === '*' ? h : canonicalHeader(h)));
}

function readHosts(
  ctx: LoadContext,
  path: JsonPath,
  raw: Obj,
  parent: BackendParent,
  noSanitize: boolean,
): string[] {
  const written = asStringList(ctx.r, [...path, 'host'], raw['host']);
  if (written.length === 0) return [...parent.serviceHosts];
  if (noSanitize) return written;
  return written.map((h, k) => {
    const clean = cleanHost(h);
    if (clean === undefined) ctx.r.problem([...path, 'host', k], invalidHostMessage(h));
    return clean ?? h;
  });
}

function readEncoding(ctx: LoadContext, path: JsonPath, raw: Obj, parent: BackendParent): Encoding {
  if (parent.outputEncoding === 'no-op') return 'no-op';
  const written = asString(ctx.r, [...path, 'encoding'], raw['encoding']).toLowerCase();
  if (written === '') return 'json';
  if ((ENCODINGS as readonly string[]).includes(written)) return written as Encoding;
  ctx.r.warn([...path, 'encoding'], `unknown encoding '${written}': KrakenD decodes it as json`);
  return 'json';
}

export function resolveBackend(
  ctx: LoadContext,
  path: JsonPath,
  index: number,
  raw: Obj,
  parent: BackendParent,
): ResolvedBackend {
  const { r } = ctx;
  noteLegacyKeys(ctx, raw, path);
  const urlPattern = cleanPath(asString(r, [...path, 'url_pattern'], raw['url_pattern']));
  const disableHostSanitize = asBool(
    r,
    [...path, 'disable_host_sanitize'],
    raw['disable_host_sanitize'],
  );
  const hosts = readHosts(ctx, path, raw, parent, disableHostSanitize);
  const extra = normalizeExtra(raw['extra_config'], [...path, 'extra_config'], ctx.namespaces);
  const xPath = [...path, 'extra_config'];
  checkOwnNamespaces(r, xPath, extra, 'backend');
  const mock = readMock(r, xPath, extra);
  const faults = readFaults(r, xPath, extra);
  if (hosts.length === 0 && !mock) {
    r.warn(
      path,
      `backend has no host (none here nor at the top level): its calls fail with 'no hosts available'`,
    );
  }
  const check = checkUrlPattern(urlPattern, parent.inputs, parent.method, parent.routePath, index);
  // KrakenD CE refuses to start on these; the issue asks that every real config loads (corpus
  // file 037 has one), so the dev gateway serves it and says loudly what production will do.
  if (check.error) {
    r.warn(
      [...path, 'url_pattern'],
      `${check.error} (KrakenD CE refuses to start with this backend; here the placeholder goes out unreplaced, as lura leaves it)`,
      'error',
    );
  }
  for (const name of check.outputs) {
    const n = /^resp(\d+)_/.exec(name)?.[1];
    if (n === undefined) continue;
    if (!parent.sequential || Number(n) >= index) {
      const why = parent.sequential
        ? `backend ${n} answers after this one`
        : 'the endpoint is not sequential';
      r.warn([...path, 'url_pattern'], `{${name}} never gets a value (${why}): it stays literal`);
    }
  }
  for (const name of check.jwt) {
    r.warn(
      [...path, 'url_pattern'],
      `{${name}} needs JWT validation, which krakend-connect does not do: it is empty`,
    );
  }
  const proxy = isObject(extra['proxy']) ? extra['proxy'] : {};
  const backendHttp = isObject(extra['backend/http']) ? extra['backend/http'] : {};
  const proxyPath = [...path, 'extra_config', 'proxy'];
  return {
    index,
    jsonPath: formatPath(path),
    urlPattern,
    hosts,
    method: (asString(r, [...path, 'method'], raw['method']) || parent.method).toUpperCase(),
    encoding: readEncoding(ctx, path, raw, parent),
    isCollection: asBool(r, [...path, 'is_collection'], raw['is_collection']),
    target: asString(r, [...path, 'target'], raw['target']),
    group: asString(r, [...path, 'group'], raw['group']),
    allow: asStringList(r, [...path, 'allow'], raw['allow']),
    deny: asStringList(r, [...path, 'deny'], raw['deny']),
    mapping: asStringMap(r, [...path, 'mapping'], raw['mapping']),
    disableHostSanitize,
    sd: asString(r, [...path, 'sd'], raw['sd']),
    inputHeaders: readHeaderList(ctx, [...path, 'input_headers'], raw['input_headers']),
    inputQueryStrings: asStringList(
      r,
      [...path, 'input_query_strings'],
      raw['input_query_strings'],
    ),
    flatmap: readFlatmap(r, [...proxyPath, 'flatmap_filter'], proxy),
    shadow: proxy['shadow'] === true,
    returnErrorCode: backendHttp['return_error_code'] === true,
    returnErrorDetails:
      typeof backendHttp['return_error_details'] === 'string'
        ? backendHttp['return_error_details']
        : '',
    extra,
    ...(mock ? { mock } : {}),
    ...(faults ? { faults } : {}),
  };
}
