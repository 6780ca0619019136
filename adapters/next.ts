import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Gateway, GatewayOptions } from '../src/index.js';
import { attachServer } from './internal/attach.js';
import { catchAllPath, segmentsFromParams, segmentsFromQuery } from './internal/catch-all.js';
import { stripPrefix } from './internal/prefix.js';
import { trackReady } from './internal/upgrade.js';
import { releaseGateway, sharedGateway } from './internal/registry.js';
import { createWebBridge } from './internal/web-bridge.js';

export type { Gateway, GatewayOptions } from '../src/index.js';

type Core = typeof import('../src/index.js');

/** By name, so it resolves from wherever a bundler put this file (a string, so tsc leaves it). */
const CORE: string = 'krakend-connect';
let core: Promise<Core> | undefined;

/**
 * The core, imported by Node at run time and never by Next's bundler: the gateway watches files,
 * loads plugins with esbuild and holds sockets, which only work as plain Node modules. Next
 * bundles route code, and `serverExternalPackages` cannot reach a package that is not under
 * `node_modules` (a workspace, or this repository's own examples). From a bundle (whose folder
 * has Next's own package.json) the name resolves from the project folder instead.
 */
function loadCore(): Promise<Core> {
  core ??= (
    import(/* webpackIgnore: true */ /* turbopackIgnore: true */ CORE) as Promise<Core>
  ).catch((err: NodeJS.ErrnoException) => {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    const fromProject = createRequire(join(process.cwd(), 'package.json')).resolve(CORE);
    const url = pathToFileURL(fromProject).href;
    return import(/* webpackIgnore: true */ /* turbopackIgnore: true */ url) as Promise<Core>;
  });
  core.catch(() => (core = undefined));
  return core;
}

export interface KrakendNextOptions extends GatewayOptions {
  /**
   * The path the route (or the custom server) serves the gateway under, e.g. `'/api'`. Route
   * handlers work it out from the catch-all segments when it is not given.
   * @since 0.1.0
   */
  prefix?: string;
}

/** An App Router route handler: a Web `Request` (and Next's context) in, a `Response` out. */
export type RouteHandler = (request: Request, context?: { params?: unknown }) => Promise<Response>;

/** Next's Pages Router API request: a Node request with the parsed `query`. */
export type PagesRequest = IncomingMessage & { query?: unknown };

/**
 * What {@link krakend} returns: the Pages Router API handler itself (default export of
 * `pages/api/[...gateway].ts`), carrying the App Router method handlers.
 */
export interface KrakendNextHandler {
  (req: PagesRequest, res: ServerResponse): Promise<void>;
  GET: RouteHandler;
  HEAD: RouteHandler;
  POST: RouteHandler;
  PUT: RouteHandler;
  PATCH: RouteHandler;
  DELETE: RouteHandler;
  OPTIONS: RouteHandler;
  /** The gateway, created on first use and shared by every route with the same options. */
  gateway(): Promise<Gateway>;
  /** Closes the shared gateway (the next request starts a new one). */
  close(): Promise<void>;
}

/**
 * The gateway as a Next route. In the Pages Router it is the API handler
 * (`export default krakend(...)` with `bodyParser: false`); in the App Router its methods are
 * the route handlers (`export const { GET, POST, PUT, PATCH, DELETE } = krakend(...)`). Either
 * way the gateway sees the path made of the catch-all segments (`/api/users/1` → `/users/1`).
 * Requests it does not serve get KrakenD's `404 page not found`. A relative `config` path
 * resolves against `process.cwd()`; list `krakend-connect` in `serverExternalPackages`.
 *
 * @example
 * // app/api/[...gateway]/route.ts
 * import { krakend } from 'krakend-connect/next';
 * export const { GET, POST, PUT, PATCH, DELETE } = krakend({ config: './krakend.json' });
 * @since 0.1.0
 */
export function krakend(options: KrakendNextOptions): KrakendNextHandler {
  const { prefix, ...gatewayOptions } = options;
  // Created on first request, not at import: `next build` evaluates routes without serving.
  const gateway = async () => sharedGateway(gatewayOptions, (await loadCore()).createGateway);
  let bridge: ReturnType<typeof createWebBridge> | undefined;

  async function serveNode(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let gw: Gateway;
    try {
      gw = await gateway();
    } catch (err) {
      return failed(res, err);
    }
    return new Promise<void>((resolve) => {
      res.once('close', () => resolve());
      gw(req, res, () => notFound(res));
    });
  }

  async function pagesHandler(req: PagesRequest, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    const search = q === -1 ? '' : url.slice(q);
    const inner =
      prefix !== undefined
        ? stripPrefix(url, prefix)
        : catchAllPath(pathname, segmentsFromQuery(pathname, req.query)) + search;
    if (inner === undefined) return notFound(res);
    req.url = inner;
    await serveNode(req, res);
  }

  const routeHandler: RouteHandler = async (request, context) => {
    const url = new URL(request.url);
    let path: string | undefined;
    if (prefix !== undefined) path = stripPrefix(url.pathname + url.search, prefix);
    else path = catchAllPath(url.pathname, segmentsFromParams(await context?.params)) + url.search;
    if (path === undefined) return new Response('404 page not found\n', { status: 404 });
    bridge ??= createWebBridge((req, res) => void serveNode(req, res));
    return bridge(request, path).catch((err: unknown) => {
      // The client left before the answer started: nobody reads this response.
      if (request.signal?.aborted) return new Response(null, { status: 499 });
      throw err;
    });
  };

  const handler = pagesHandler as KrakendNextHandler;
  for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
    (handler as unknown as Record<string, RouteHandler>)[method] = routeHandler;
  }
  Object.assign(handler, { gateway, close: () => releaseGateway(gatewayOptions) });
  return handler;
}

/** A Node request handler for a custom server, gateway first under `prefix`, then Next. */
export interface KrakendServerHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** WebSocket upgrades for no-op endpoints under `prefix`; `false` for any other path. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Wire `upgrade` on the server and close the gateway with it. Returns the server. */
  attach<S extends EventEmitter>(server: S): S;
  readonly gateway: Gateway;
  close(): Promise<void>;
}

/**
 * For a custom Next server: requests under `prefix` go to the gateway first, and what it does
 * not serve (and everything else) to Next's `handle`. Async because the core loads at run time.
 *
 * @example
 * const app = next({ dev });
 * await app.prepare();
 * const handler = await withKrakend(app.getRequestHandler(), {
 *   config: './krakend.json',
 *   prefix: '/gw',
 * });
 * handler.attach(createServer(handler)).listen(3000);
 * @since 0.1.0
 */
export async function withKrakend(
  handle: (req: IncomingMessage, res: ServerResponse) => unknown,
  options: KrakendNextOptions,
): Promise<KrakendServerHandler> {
  const { prefix = '', ...gatewayOptions } = options;
  // The same gateway as the routes with these options, if the app has any: one watcher, one log.
  const gateway = sharedGateway(gatewayOptions, (await loadCore()).createGateway);
  const close = () => releaseGateway(gatewayOptions);
  trackReady(gateway);

  function krakendServerHandler(req: IncomingMessage, res: ServerResponse): void {
    const original = req.url ?? '/';
    const inner = stripPrefix(original, prefix);
    if (inner === undefined) return void handle(req, res);
    req.url = inner;
    gateway(req, res, (err?: unknown) => {
      req.url = original;
      if (err) return failed(res, err, gateway.logger);
      void handle(req, res);
    });
  }

  const handler = krakendServerHandler as KrakendServerHandler;
  Object.defineProperty(handler, 'gateway', { value: gateway, enumerable: true });
  Object.assign(handler, {
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      const original = req.url ?? '/';
      const inner = stripPrefix(original, prefix);
      if (inner === undefined) return false;
      req.url = inner;
      const served = gateway.upgrade(req, socket, head);
      if (!served) req.url = original;
      return served;
    },
    attach<S extends EventEmitter>(server: S): S {
      attachServer(gateway, server, { path: prefix }, close);
      return server;
    },
    close,
  });
  return handler;
}

function notFound(res: ServerResponse): void {
  if (res.headersSent) return void res.end();
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('404 page not found\n');
}

function failed(res: ServerResponse, err: unknown, logger?: Gateway['logger']): void {
  const message = `[SERVICE: Next] ${(err as Error)?.message ?? err}`;
  if (logger) logger.error({ err }, message);
  else console.error(message);
  if (res.headersSent) return void res.destroy();
  res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('500 internal server error\n');
}
