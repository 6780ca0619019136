import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { createDebugHandler } from './endpoints/debug.js';
import { echoHandler } from './endpoints/echo.js';
import { healthHandler } from './endpoints/health.js';
import { createCors } from './http/cors.js';
import {
  createEndpointHandler,
  createUpgradeHandler,
  type EndpointDeps,
  type EndpointHandler,
  type UpgradeHandler,
} from './http/endpoint.js';
import {
  forwardedPrefix,
  writeAutoOptions,
  writeBadParam,
  writeMethodNotAllowed,
  writeNotFound,
  writeRedirect,
} from './http/standalone.js';
import {
  payloadTooLarge,
  requestProblem,
  writeBadRequest,
  writePayloadTooLarge,
} from './http/request-guard.js';
import { cleanPath, pathOf } from './internal/path.js';
import { getState } from './internal/request-state.js';
import { createMocking, serverTimingValue, type RecordReplayOptions } from './mock/index.js';
import type { BackendDispatchers } from './proxy/dispatchers.js';
import { buildHandlerChain, loadPlugins } from './plugins/index.js';
import type { PluginRegistry } from './plugins/types.js';
import { compileRoutes, type CompiledRoutes } from './router/compile.js';
import { allowedMethods, match } from './router/match.js';
import { badEscape, checkParams } from './router/params.js';
import { redirectTarget } from './router/redirect.js';
import type { BackendCallRecord, Method, NodeHandler, ResolvedConfig } from './types.js';

export interface RouteValue {
  handler: EndpointHandler;
  upgrade?: UpgradeHandler;
}

export interface GenerationOptions {
  id: number;
  logger: Logger;
  dispatchers: BackendDispatchers;
  fallthrough: boolean;
  debugEndpoints: boolean;
  /** Served under `/__krakend/` (the dashboard), when given. */
  dashboard?: NodeHandler;
  /** A plugin that fails to import fails the build (reload keeps the last good generation). */
  strictPlugins: boolean;
  /** The serving generation's handler plugins: failing one of them fails this build. */
  keepPlugins?: ReadonlySet<string>;
  onBackendCall?: (rec: BackendCallRecord) => void;
  version: string;
  /** Extra fields merged into the endpoint deps. */
  extraDeps?: Partial<EndpointDeps>;
  /** `--record` / `--replay` (src/mock); mock files and faults come from the config. */
  recordReplay?: RecordReplayOptions;
  /** `Server-Timing` headers with each backend call's time. */
  serverTiming?: boolean;
  /** Fill each request's backend call list (dashboard, `Server-Timing`, replay marks). */
  observeCalls?: boolean;
}

/** One complete, immutable build of config + routes + pipes + plugin chain. */
export interface Generation {
  readonly id: number;
  readonly config: ResolvedConfig;
  readonly plugins?: PluginRegistry;
  readonly routes: CompiledRoutes<RouteValue>;
  /** Files whose change should trigger a reload (config, plugin folder, plugin imports). */
  readonly watchFiles: readonly string[];
  /** Mock files (`krakend-connect/mock`) and their imports: watched like plugin files. */
  readonly mockFiles: readonly string[];
  handle(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** The handler plugins its chain injected: a reload must not silently lose one of them. */
  readonly handlerPlugins: ReadonlySet<string>;
  /** Requests still running on this generation. */
  readonly inflight: number;
  /** Waits (bounded) for in-flight requests, then aborts the plugins' signals. */
  retire(maxWaitMs?: number): Promise<void>;
}

export async function buildGeneration(
  config: ResolvedConfig,
  options: GenerationOptions,
): Promise<Generation> {
  const { logger } = options;
  const plugins = config.plugin
    ? await loadPlugins(config.plugin, { logger, strict: options.strictPlugins })
    : undefined;
  try {
    return await assemble(config, options, plugins);
  } catch (err) {
    plugins?.dispose();
    throw err;
  }
}

async function assemble(
  config: ResolvedConfig,
  options: GenerationOptions,
  plugins: PluginRegistry | undefined,
): Promise<Generation> {
  const { logger } = options;
  const mocking = await createMocking(config, {
    logger,
    strict: options.strictPlugins,
    recordReplay: options.recordReplay,
  });
  const deps: EndpointDeps = {
    config,
    logger,
    plugins,
    dispatchers: options.dispatchers,
    onBackendCall: options.onBackendCall,
    version: options.version,
    transportFor: mocking.transportFor,
    serverTiming: options.serverTiming ? serverTimingValue : undefined,
    observeCalls: options.observeCalls,
    ...options.extraDeps,
  };
  const routes = compileRoutes<RouteValue>(
    config.endpoints,
    (e) => ({ handler: createEndpointHandler(e, deps), upgrade: createUpgradeHandler(e, deps) }),
    config.file,
  );
  const cors = config.cors ? createCors(config.cors) : undefined;
  const router = config.router;
  const debugOn = options.debugEndpoints || config.debugEndpoint;
  const echoOn = options.debugEndpoints || config.echoEndpoint;
  const debugHandler = createDebugHandler(logger);
  const standalone = !options.fallthrough;

  /**
   * gin lists methods in the order its method trees were created, and lura registers the health
   * endpoint (a GET) in `NewEngine`, before any endpoint: GET comes first, then the config's
   * own first-seen order.
   */
  function ginAllow(allow: readonly Method[]): Method[] {
    if (router.disableHealth || !allow.includes('GET')) return [...allow];
    return ['GET', ...allow.filter((m) => m !== 'GET')];
  }

  /** A 400 for a malformed path, and a warning: the client's URL is what needs fixing (row 12). */
  function refuseParam(res: ServerResponse, method: string, path: string, why: string): void {
    logger.warn(`[SERVICE: Router] ${method} ${path}: 400 ${why}`);
    writeBadParam(res, why);
  }

  function gatewayCore(req: IncomingMessage, res: ServerResponse): void {
    if (cors && cors(req, res)) return;
    const method = req.method ?? 'GET';
    // gin's RemoveExtraSlash: the path is cleaned (`//`, `.`, `..`) before it is routed.
    const path = router.removeExtraSlash ? cleanPath(pathOf(req.url)) : pathOf(req.url);
    if (path.startsWith('/__')) {
      if (path === router.healthPath && !router.disableHealth && (method === 'GET' || standalone)) {
        if (method === 'GET') return healthHandler(req, res);
        return writeMethodNotAllowed(res, ['GET'], router, options.version);
      }
      if (debugOn && path.startsWith('/__debug/')) return debugHandler(req, res);
      if (echoOn && path.startsWith('/__echo/')) return echoHandler(req, res);
      if (options.dashboard && (path === '/__krakend' || path.startsWith('/__krakend/'))) {
        return void options.dashboard(req, res);
      }
      if (standalone && ((debugOn && path === '/__debug') || (echoOn && path === '/__echo'))) {
        return writeRedirect(res, method, `${path}/`, req.url);
      }
    } else if (router.healthPath !== '/__health' && path === router.healthPath && !router.disableHealth) {
      // A GET route in lura, wherever it lives: other methods get gin's 405 standalone.
      if (method === 'GET') return healthHandler(req, res);
      if (standalone) return writeMethodNotAllowed(res, ['GET'], router, options.version);
    }
    const found = match(routes, method, path);
    if (found.kind === 'route') {
      if (!standalone) {
        const problem = requestProblem(req); // standalone: already refused in gateway.ts
        if (problem) return writeBadRequest(req, res, problem);
      }
      if (!router.disablePathDecoding) {
        const bad = checkParams(found.params, found.route.endpoint.wildcard);
        if (bad) return refuseParam(res, method, path, bad);
      }
      if (router.maxPayload) {
        const over = payloadTooLarge(req, router.maxPayload);
        const at = found.route.endpoint.endpoint;
        if (over) return writePayloadTooLarge(req, res, over, router.maxPayload, at, logger);
      }
      const state = getState(req);
      if (state) state.endpoint = found.route.endpoint.endpoint;
      return found.route.value.handler(req, res, found.params);
    }
    const state = getState(req);
    if (!standalone && state?.next) {
      state.fellThrough = true;
      return state.next();
    }
    const escape = badEscape(path);
    if (escape) return refuseParam(res, method, path, escape);
    if (method === 'OPTIONS' && router.autoOptions) {
      const allow = allowedMethods(routes, path);
      if (allow.length > 0) return writeAutoOptions(res, allow, router, options.version);
    }
    const target = redirectTarget(routes, method, path, {
      trailingSlash: !router.disableRedirectTrailingSlash,
      fixedPath: !router.disableRedirectFixedPath,
    });
    if (target !== undefined) {
      // gin adds X-Forwarded-Prefix to a trailing-slash redirect only, sanitised.
      const prefix = target.kind === 'slash' ? forwardedPrefix(req.headers['x-forwarded-prefix']) : '';
      return writeRedirect(res, method, target.path, req.url, prefix);
    }
    if (!router.disableHandleMethodNotAllowed) {
      const allow = allowedMethods(routes, path);
      if (allow.length > 0) return writeMethodNotAllowed(res, ginAllow(allow), router, options.version);
    }
    return writeNotFound(res, router, options.version);
  }

  const handlerPlugins = new Set<string>();
  const chained =
    plugins && config.httpServerPlugins
      ? await buildHandlerChain(plugins, config.httpServerPlugins, gatewayCore, {
          logger,
          quiet: options.strictPlugins,
          keep: options.keepPlugins,
          injected: handlerPlugins,
        })
      : gatewayCore;

  let inflight = 0;
  const retirement = createRetirement(() => plugins?.dispose(), () => inflight);
  const onDone = () => {
    inflight--;
    if (inflight === 0) retirement.drained();
  };

  const watchFiles = [
    ...(config.file.startsWith('<') ? [] : [config.file]),
    ...(config.plugin ? [config.plugin.folder] : []),
    ...(plugins?.files ?? []),
    ...mocking.watchFiles,
  ];

  return {
    id: options.id,
    config,
    plugins,
    routes,
    watchFiles,
    mockFiles: mocking.watchFiles,
    handlerPlugins,
    get inflight() {
      return inflight;
    },
    handle(req, res) {
      inflight++;
      res.on('close', onDone); // a response closes once; `once` would allocate a wrapper
      try {
        const r = chained(req, res);
        if (r && typeof (r as Promise<void>).catch === 'function') {
          (r as Promise<void>).catch((err) => failSafe(res, err, logger));
        }
      } catch (err) {
        failSafe(res, err, logger);
      }
    },
    upgrade(req, socket, head) {
      const path = pathOf(req.url);
      const found = match(routes, req.method ?? 'GET', path);
      if (found.kind !== 'route') return false;
      const bad = router.disablePathDecoding ? undefined : checkParams(found.params, found.route.endpoint.wildcard);
      if (bad) {
        socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${bad}`);
        return true;
      }
      const up = found.route.value.upgrade;
      if (!up) {
        socket.end(
          'HTTP/1.1 426 Upgrade Required\r\nContent-Type: text/plain; charset=utf-8\r\n' +
            'Connection: close\r\n\r\nthis endpoint does not accept WebSocket upgrades (output_encoding is not no-op)',
        );
        return true;
      }
      up(req, socket, head, found.params);
      return true;
    },
    retire: (maxWaitMs = 30_000) => retirement.retire(maxWaitMs),
  };
}

/**
 * Waits for a generation's in-flight requests (bounded), then disposes its plugins once, which
 * aborts their `ctx.signal`. Asking again with a shorter bound (`close()` during a drain)
 * shortens the wait; every caller gets the same promise.
 */
function createRetirement(dispose: () => void, inflight: () => number) {
  let done: Promise<void> | undefined;
  let finish = () => {};
  let timer: NodeJS.Timeout | undefined;
  let deadline = Infinity;
  return {
    drained(): void {
      if (done) finish();
    },
    retire(maxWaitMs: number): Promise<void> {
      done ??= new Promise<void>((resolve) => {
        finish = () => {
          finish = () => {};
          clearTimeout(timer);
          dispose();
          resolve();
        };
      });
      const at = performance.now() + maxWaitMs;
      if (at < deadline) {
        deadline = at;
        clearTimeout(timer);
        timer = setTimeout(() => finish(), maxWaitMs);
        timer.unref();
      }
      if (inflight() === 0) finish();
      return done;
    },
  };
}

/** Last line of defence: nothing a layer throws may crash the host or hang the client. */
function failSafe(res: ServerResponse, err: unknown, logger: Logger): void {
  logger.error({ err }, `[SERVICE: Gateway] unhandled error: ${(err as Error)?.message ?? err}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = 500;
  res.end();
}
