import { METHODS, type Method, type ResolvedEndpoint } from '../types.js';
import { cleanPath, readHeaderList, resolveBackend, type BackendParent } from './backend.js';
import { asInt, asObjectList, asString, asStringList, isObject, type Obj } from './coerce.js';
import { noteLegacyKeys, type LoadContext } from './context.js';
import { readDuration } from './durations.js';
import { formatPath, type JsonPath } from './json-path.js';
import { checkOwnNamespaces, readFaults } from './mock-options.js';
import { normalizeExtra } from './namespaces.js';
import { endpointParams, routerPath } from './placeholders.js';
import { readFlatmap, readStatic, readStringList } from './proxy-options.js';

// lura `config/config.go` invalidPattern: reserved paths and a `*` that is not last.
const INVALID_PATH = /^[^/]|\*.|\/__(debug|echo|health)(\/.*)?$/;

export interface ServiceDefaults {
  hosts: readonly string[];
  timeoutNs: number;
  cacheTtlNs: number;
  outputEncoding: string;
}

/** The resolved endpoint, or undefined when KrakenD would skip it (unsupported method). */
export function resolveEndpoint(
  ctx: LoadContext,
  path: JsonPath,
  index: number,
  raw: Obj,
  service: ServiceDefaults,
): ResolvedEndpoint | undefined {
  const { r } = ctx;
  noteLegacyKeys(ctx, raw, path);
  const written = asString(r, [...path, 'method'], raw['method']);
  const endpoint = cleanPath(asString(r, [...path, 'endpoint'], raw['endpoint']));
  if (INVALID_PATH.test(endpoint)) {
    // KrakenD checks before defaulting the method, so an omitted one prints empty.
    r.problem(
      [...path, 'endpoint'],
      `ignoring the '${written} ${endpoint}' endpoint, since it is invalid!!!`,
    );
  }
  const rawBackends = asObjectList(r, [...path, 'backend'], raw['backend']);
  if (rawBackends.length === 0) {
    r.problem(
      path,
      `ignoring the '${written} ${endpoint}' endpoint, since it has 0 backends defined!`,
    );
  }
  const pathPart = endpoint.split('?')[0]!;
  const wildcard = pathPart.endsWith('*');
  if (wildcard && !pathPart.endsWith('/*')) {
    r.problem([...path, 'endpoint'], `catch-all '*' must follow a '/' in '${endpoint}'`);
  } else if (wildcard) {
    r.warn(
      [...path, 'endpoint'],
      `'${endpoint}' is a wildcard endpoint: KrakenD CE rejects it without the wildcard plugin; served as a catch-all`,
    );
  }
  const inputs = endpointParams(endpoint, ctx.disableRest);
  const routePath = routerPath(endpoint, inputs);
  const method = written || 'GET';
  const outputEncoding =
    asString(r, [...path, 'output_encoding'], raw['output_encoding']) || service.outputEncoding;
  if (outputEncoding === 'no-op' && rawBackends.length > 1) {
    r.problem(
      path,
      'can not use NoOp encoding with more than one backends connected to the same endpoint',
    );
  }
  const timeoutNs = readDuration(r, [...path, 'timeout'], raw['timeout']) || service.timeoutNs;
  const cacheTtlNs =
    readDuration(r, [...path, 'cache_ttl'], raw['cache_ttl']) || service.cacheTtlNs;
  const concurrentCalls = asInt(r, [...path, 'concurrent_calls'], raw['concurrent_calls']) || 1;
  const extra = normalizeExtra(raw['extra_config'], [...path, 'extra_config'], ctx.namespaces);
  checkOwnNamespaces(r, [...path, 'extra_config'], extra, 'endpoint');
  const faults = readFaults(r, [...path, 'extra_config'], extra);
  const proxy = isObject(extra['proxy']) ? extra['proxy'] : {};
  const proxyPath = [...path, 'extra_config', 'proxy'];
  const parent: BackendParent = {
    method,
    routePath,
    outputEncoding,
    inputs: new Set(inputs),
    serviceHosts: service.hosts,
    sequential: proxy['sequential'] === true,
  };
  const backends = rawBackends.map((b, j) => resolveBackend(ctx, b.path, j, b.value, parent));
  const staticProxy = readStatic(r, [...proxyPath, 'static'], proxy);
  const upper = method.toUpperCase();
  if (!(METHODS as readonly string[]).includes(upper)) {
    r.warn(path, `[SERVICE: Gin] [ENDPOINT: ${routePath} ] Unsupported method ${upper}`, 'error');
    return undefined;
  }
  return {
    index,
    jsonPath: formatPath(path),
    endpoint,
    method: upper as Method,
    routePath,
    params: [...new Set(inputs)],
    wildcard,
    timeoutMs: timeoutNs / 1e6,
    cacheTtlSeconds: cacheTtlNs / 1e9,
    inputQueryStrings: asStringList(
      r,
      [...path, 'input_query_strings'],
      raw['input_query_strings'],
    ),
    inputHeaders: readHeaderList(ctx, [...path, 'input_headers'], raw['input_headers']),
    outputEncoding,
    concurrentCalls,
    backends,
    sequential: parent.sequential,
    sequentialPropagatedParams: readStringList(proxy, 'sequential_propagated_params'),
    ...(staticProxy ? { static: staticProxy } : {}),
    flatmap: readFlatmap(r, [...proxyPath, 'flatmap_filter'], proxy),
    extra,
    ...(faults ? { faults } : {}),
  };
}
