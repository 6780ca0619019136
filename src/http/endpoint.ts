import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { PluginRegistry } from '../plugins/types.js';
import { withEndpointFaults } from '../mock/faults.js';
import type { PipeDeps } from '../proxy/deps.js';
import type { BackendDispatchers } from '../proxy/dispatchers.js';
import { toError } from '../proxy/errors.js';
import { backendLogPrefix } from '../proxy/factory.js';
import { createPassthroughHandler } from '../proxy/passthrough.js';
import { toLuraTemplate } from '../proxy/url-pattern.js';
import type { BackendCallRecord, ResolvedConfig, ResolvedEndpoint } from '../types.js';
import { createPipeHandler } from './pipe-handler.js';
import { handlerStrings } from './strings.js';

export { createDispatchers, type BackendDispatchers } from '../proxy/dispatchers.js';
export { createUpgradeHandler } from './upgrade.js';
export type { BackendTransport } from '../proxy/deps.js';

/** What every endpoint handler of one generation shares. */
export interface EndpointDeps extends PipeDeps {
  config: ResolvedConfig;
  logger: Logger;
  plugins?: PluginRegistry;
  dispatchers: BackendDispatchers;
  /** Called once per backend exchange (dashboard, request events). */
  onBackendCall?: (rec: BackendCallRecord) => void;
  /** The KrakenD CE version announced (`2.13.8`). */
  version: string;
}

/** Params come decoded and checked by the router, keyed as written (`id`), the rest under `*`. */
export type EndpointHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
) => void;

export type UpgradeHandler = (
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  params: Record<string, string>,
) => void;

const MODIFIERS = ['plugin/req-resp-modifier', 'github.com/devopsfaith/krakend/proxy/plugin'];
const CLIENT = [
  'plugin/http-client',
  'github.com/devopsfaith/krakend/transport/http/client/executor',
];

function namespace(
  extra: Readonly<Record<string, unknown>>,
  names: readonly string[],
): Record<string, unknown> | undefined {
  for (const n of names) {
    const v = extra[n];
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      return v as Record<string, unknown>;
  }
  return undefined;
}

function hasModifiers(
  extra: Readonly<Record<string, unknown>>,
  plugins: PluginRegistry | undefined,
): boolean {
  const names = namespace(extra, MODIFIERS)?.['name'];
  return (
    plugins !== undefined &&
    Array.isArray(names) &&
    names.some((n) => typeof n === 'string' && plugins.modifiers.has(n))
  );
}

/** The no-op hot path serves everything but plugins, mocking and concurrent calls. */
function passthroughFlags(
  endpoint: ResolvedEndpoint,
  deps: EndpointDeps,
): { ok: boolean; follow: boolean } {
  const backend = endpoint.backends[0];
  if (
    endpoint.outputEncoding !== 'no-op' ||
    endpoint.backends.length !== 1 ||
    backend === undefined ||
    deps.transportFor?.(endpoint, backend) !== undefined
  ) {
    return { ok: false, follow: true };
  }
  const client = namespace(backend.extra, CLIENT)?.['name'];
  const noRedirect = client === 'no-redirect';
  const clientPlugin =
    typeof client === 'string' &&
    client !== '' &&
    !noRedirect &&
    deps.plugins?.clients.has(client) === true;
  const ok =
    !clientPlugin &&
    endpoint.concurrentCalls <= 1 &&
    !backend.shadow &&
    !hasModifiers(endpoint.extra, deps.plugins) &&
    !hasModifiers(backend.extra, deps.plugins);
  if (ok && typeof client === 'string' && client !== '' && !noRedirect) {
    // What the client-plugin layer says when it falls back to the default client (§5.3).
    const prefix = backendLogPrefix(endpoint, toLuraTemplate(backend.urlPattern));
    deps.logger.debug(`${prefix} No plugin registered as ${client}`);
  }
  return { ok, follow: !noRedirect };
}

/**
 * The handler of one endpoint, built once at load (lura `router/gin/endpoint.go`). It never
 * throws and always answers or closes the socket.
 */
export function createEndpointHandler(
  endpoint: ResolvedEndpoint,
  deps: EndpointDeps,
): EndpointHandler {
  try {
    const strings = handlerStrings(deps);
    const fast = passthroughFlags(endpoint, deps);
    const handler = fast.ok
      ? createPassthroughHandler({ endpoint, deps, ...strings, followRedirects: fast.follow })
      : createPipeHandler(endpoint, deps, strings);
    // Decided here, once: an endpoint without faults keeps its handler untouched.
    return endpoint.faults
      ? withEndpointFaults(handler, endpoint.faults, strings.versionHeader, !!deps.serverTiming)
      : handler;
  } catch (err) {
    // KrakenD answers a pipe that failed to build with a bare 500 (vector E3).
    const message = `[ENDPOINT: ${endpoint.routePath}] ${toError(err).message}`;
    deps.logger.error(message);
    return function brokenEndpoint(_req, res) {
      res.statusCode = 500;
      res.end();
    };
  }
}
