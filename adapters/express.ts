import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import { createGateway, type Gateway, type GatewayOptions } from '../src/index.js';
import { attachServer, closeWith, type AttachOptions } from './internal/attach.js';
import { trackReady } from './internal/upgrade.js';

export type { Gateway, GatewayOptions } from '../src/index.js';
export type { AttachOptions } from './internal/attach.js';

/** The Express middleware returned by {@link krakend}, with the gateway's lifecycle on it. */
export interface KrakendMiddleware {
  (req: Request | IncomingMessage, res: Response | ServerResponse, next: NextFunction): void;
  /** The underlying gateway (events, `reload()`, `watchedFiles`, …). */
  readonly gateway: Gateway;
  /** Resolves when the first config load is done; rejects with its error. */
  readonly ready: Promise<void>;
  /**
   * WebSocket upgrades for no-op endpoints under `options.path` (the mount path), and close the
   * gateway with the server. Returns the server.
   * @example krakendMw.attach(app.listen(3000), { path: '/api' })
   */
  attach<S extends EventEmitter>(server: S, options?: AttachOptions): S;
  /** A raw `upgrade` listener for servers you wire yourself (no mount path). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Idempotent: stops watchers, agents and sockets. */
  close(): Promise<void>;
}

/**
 * Express 5 (and 4) middleware serving `krakend.json`. Mount it anywhere, under any prefix; it
 * matches on the mounted path, lets everything it does not serve fall through to the next
 * route, forwards bodies that `express.json()`/`express.urlencoded()` already read, sends its
 * errors (a config that never loaded, a throw) to `next(err)` and closes with the HTTP server.
 * A relative `config` path resolves against `process.cwd()`.
 *
 * @example
 * import express from 'express';
 * import { krakend } from 'krakend-connect/express';
 * const app = express();
 * const gateway = krakend({ config: './krakend.json' });
 * app.use('/api', gateway);
 * gateway.attach(app.listen(3000), { path: '/api' });
 * @since 0.1.0
 */
export function krakend(options: GatewayOptions): KrakendMiddleware {
  const gateway = createGateway(options);
  trackReady(gateway);
  let loaded = false;
  gateway.on('reload', (event) => {
    if (event.ok) loaded = true;
  });

  // The server of the previous request: in the steady state one pointer compare, no lookup or
  // closure per request (closeWith is idempotent per server, only slower).
  let lastServer: EventEmitter | undefined;

  function krakendMiddleware(req: IncomingMessage, res: ServerResponse, next: NextFunction): void {
    const server = (req.socket as { server?: EventEmitter } | undefined)?.server;
    if (server !== undefined && server !== lastServer) {
      lastServer = server;
      closeWith(gateway, server);
    }
    // No config has ever loaded: the host's error handling renders it (status 503, `code`).
    if (!loaded && gateway.lastError) return next(gateway.lastError);
    try {
      gateway(req, res, next);
    } catch (err) {
      next(err);
    }
  }

  const middleware = krakendMiddleware as unknown as KrakendMiddleware;
  Object.defineProperties(middleware, {
    gateway: { value: gateway, enumerable: true },
    ready: { value: gateway.ready, enumerable: true },
  });
  Object.assign(middleware, {
    attach<S extends EventEmitter>(server: S, attachOptions?: AttachOptions): S {
      attachServer(gateway, server, attachOptions);
      return server;
    },
    upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      gateway.upgrade(req, socket, head),
    close: () => gateway.close(),
  });
  return middleware;
}
