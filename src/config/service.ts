import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { ResolvedConfig, ResolvedEndpoint, ServerTimeouts } from '../types.js';
import {
  asBool,
  asInt,
  asObjectList,
  asString,
  asStringList,
  isObject,
  type Obj,
} from './coerce.js';
import { legacyWarning, type LoadContext } from './context.js';
import { findRouteConflicts } from './conflicts.js';
import { readCors } from './cors.js';
import { readDuration } from './durations.js';
import { resolveEndpoint, type ServiceDefaults } from './endpoint.js';
import { cleanHost, invalidHostMessage } from './hosts.js';
import type { JsonPath } from './json-path.js';
import { checkOwnNamespaces } from './mock-options.js';
import { namespaceWarning, normalizeExtra } from './namespaces.js';
import { Report } from './report.js';
import { readRouterOptions } from './router-options.js';
import { readLogging, readPluginFolder } from './service-extras.js';

const DEFAULT_TIMEOUT_NS = 2e9;

/** Everything of a config except positions and freezing; problems and warnings go to `ctx.r`. */
export type UnlocatedConfig = Omit<ResolvedConfig, 'warnings' | 'file' | 'dir' | 'hash'>;

function serviceHosts(r: Report, raw: Obj): string[] {
  // Service-level hosts are always sanitized: there is no opt-out at this level.
  return asStringList(r, ['host'], raw['host']).map((h, k) => {
    const clean = cleanHost(h);
    if (clean === undefined) r.problem(['host', k], invalidHostMessage(h));
    return clean ?? h;
  });
}

/** Go durations in ms; a negative one means "no timeout" to Go, as 0 does. */
function readServerTimeouts(r: Report, raw: Obj): ServerTimeouts {
  const ms = (key: string): number => Math.max(0, (readDuration(r, [key], raw[key]) ?? 0) / 1e6);
  return {
    readHeaderTimeoutMs: ms('read_header_timeout'),
    readTimeoutMs: ms('read_timeout'),
    idleTimeoutMs: ms('idle_timeout'),
    maxShutdownWaitMs: ms('max_shutdown_wait_time'),
  };
}

function readPort(r: Report, raw: Obj): number {
  const port = asInt(r, ['port'], raw['port']) || 8080;
  if (port < 0 || port > 65535) r.problem(['port'], `listen tcp: address ${port}: invalid port`);
  return port;
}

function readListenIp(r: Report, raw: Obj): string {
  const ip = asString(r, ['listen_ip'], raw['listen_ip']);
  if (ip !== '' && isIP(ip) === 0) r.problem(['listen_ip'], `invalid ip address ${ip}`);
  return ip;
}

export function resolveService(raw: Obj, dir: string, r: Report): UnlocatedConfig {
  const version = asInt(r, ['version'], raw['version']);
  if (version !== 3) r.problem(['version'], `unsupported version: ${version} (want: 3)`);
  const ctx: LoadContext = {
    r,
    namespaces: new Map(),
    legacy: new Map(),
    disableRest: asBool(r, ['disable_rest'], raw['disable_rest']),
  };
  const service: ServiceDefaults = {
    hosts: serviceHosts(r, raw),
    timeoutNs: readDuration(r, ['timeout'], raw['timeout']) || DEFAULT_TIMEOUT_NS,
    cacheTtlNs: readDuration(r, ['cache_ttl'], raw['cache_ttl']) ?? 0,
    outputEncoding: asString(r, ['output_encoding'], raw['output_encoding']) || 'json',
  };
  const extra = normalizeExtra(raw['extra_config'], ['extra_config'], ctx.namespaces);
  checkOwnNamespaces(r, ['extra_config'], extra, 'service');
  const endpoints: ResolvedEndpoint[] = [];
  const owners: { endpoint: ResolvedEndpoint; path: JsonPath }[] = [];
  asObjectList(r, ['endpoints'], raw['endpoints']).forEach(({ value, path }, i) => {
    const endpoint = resolveEndpoint(ctx, path, i, value, service);
    if (endpoint) {
      endpoints.push(endpoint);
      owners.push({ endpoint, path });
    }
  });
  findRouteConflicts(r, owners);
  if (raw['async_agent'] !== undefined) {
    r.warn(['async_agent'], `'async_agent' is not supported by krakend-connect and is ignored`);
  }
  for (const [name, places] of ctx.namespaces)
    r.warn(places[0]!, namespaceWarning(name, places.length));
  for (const [key, places] of ctx.legacy) r.warn(places[0]!, legacyWarning(key, places.length));
  const xs = ['extra_config'];
  const plugin = readPluginFolder(r, raw['plugin'], dir);
  const httpServer = extra['plugin/http-server'];
  return {
    version: 3,
    name: asString(r, ['name'], raw['name']),
    port: readPort(r, raw),
    listenIp: readListenIp(r, raw),
    hosts: service.hosts,
    timeoutMs: service.timeoutNs / 1e6,
    cacheTtlSeconds: service.cacheTtlNs / 1e9,
    outputEncoding: service.outputEncoding,
    debugEndpoint: asBool(r, ['debug_endpoint'], raw['debug_endpoint']),
    echoEndpoint: asBool(r, ['echo_endpoint'], raw['echo_endpoint']),
    disableRest: ctx.disableRest,
    maxHeaderBytes: asInt(r, ['max_header_bytes'], raw['max_header_bytes']),
    server: readServerTimeouts(r, raw),
    router: readRouterOptions(r, [...xs, 'router'], extra['router']),
    cors: readCors(r, [...xs, 'security/cors'], extra['security/cors']),
    logging: readLogging(r, [...xs, 'telemetry/logging'], extra['telemetry/logging']),
    ...(plugin ? { plugin } : {}),
    ...(isObject(httpServer) ? { httpServerPlugins: httpServer } : {}),
    endpoints,
    extra,
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
