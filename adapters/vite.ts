import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorPayload, Plugin, PreviewServer, ViteDevServer } from 'vite';
import {
  createGateway,
  type Gateway,
  type GatewayOptions,
  type ReloadEvent,
} from '../src/index.js';
import { codeFrame, errorLocation } from './internal/error-location.js';
import { trackReady, upgradeWhenReady } from './internal/upgrade.js';
import { viteLogDestination } from './internal/vite-log.js';

export type { Gateway, GatewayOptions } from '../src/index.js';

/** What the plugin exposes on `plugin.api` (tests and other plugins). */
export interface KrakendViteApi {
  /** Gateways mounted by this plugin that are not closed yet (one per running server). */
  readonly gateways: readonly Gateway[];
}

interface Mount {
  gateway: Gateway;
  /** Set when the server has its own HTTP server; it closes the mount on `close`. */
  http: EventEmitter | null;
  preview: boolean;
  close(): Promise<void>;
}

const HMR_PROTOCOLS = new Set(['vite-hmr', 'vite-ping']);

/**
 * A Vite plugin that serves `krakend.json` from the dev server (`vite`) and the preview server
 * (`vite preview`) on the same port as the app. It mounts ahead of Vite's proxy and SPA fallback,
 * reuses Vite's file watcher, sends config and plugin errors to the browser overlay, wires
 * WebSocket upgrades for no-op endpoints (never Vite's HMR socket) and closes with the server.
 * A relative `config` path resolves against Vite's `root`.
 *
 * @example
 * // vite.config.ts
 * import { krakend } from 'krakend-connect/vite';
 * export default defineConfig({ plugins: [krakend({ config: './krakend.json' })] });
 * @since 0.1.0
 */
export function krakend(options: GatewayOptions): Plugin<KrakendViteApi> {
  const mounts = new Set<Mount>();
  // A reused plugin object (inline config) sees the new server's mount before the old server's
  // closeServer hook; the order of creation tells them apart in middleware mode.
  const order: Mount[] = [];

  function track(mount: Mount): void {
    mounts.add(mount);
    order.push(mount);
    mount.http?.once('close', () => void release(mount));
  }

  async function release(mount: Mount): Promise<void> {
    if (!mounts.delete(mount)) return;
    order.splice(order.indexOf(mount), 1);
    await mount.close();
  }

  return {
    name: 'krakend-connect',
    apply: 'serve',
    api: {
      get gateways() {
        return [...mounts].map((m) => m.gateway);
      },
    },
    configureServer(server) {
      track(mountDev(server, options));
    },
    configurePreviewServer(server) {
      track(mountPreview(server, options));
    },
    async closeServer({ reason }) {
      // Mounts with an HTTP server already closed with it; this covers middleware mode.
      const headless = order.filter((m) => !m.preview && !m.http);
      const doomed = reason === 'restart' && headless.length > 1 ? headless.slice(0, -1) : headless;
      await Promise.all(doomed.map(release));
    },
    async closePreviewServer() {
      await Promise.all(order.filter((m) => m.preview).map(release));
    },
  };
}

function gatewayFor(
  options: GatewayOptions,
  root: string,
  vite: ViteDevServer['config']['logger'],
  watcher: GatewayOptions['watcher'],
  watch: boolean,
): Gateway {
  return createGateway({
    ...options,
    cwd: options.cwd ?? root,
    logDestination: options.logDestination ?? viteLogDestination(vite),
    watcher: options.watcher ?? watcher,
    watch: options.watch ?? watch,
  });
}

function mountDev(server: ViteDevServer, options: GatewayOptions): Mount {
  const { config } = server;
  // With `server.watch: null` Vite's watcher is a no-op stand-in: let the gateway watch itself.
  const viteWatches = config.server.watch !== null;
  const gateway = gatewayFor(
    options,
    config.root,
    config.logger,
    viteWatches ? server.watcher : undefined,
    true,
  );
  server.middlewares.use(gateway);

  const overlay = createOverlay(server, gateway);
  const middlewareServer =
    typeof config.server.middlewareMode === 'object' ? config.server.middlewareMode.server : null;
  const upgradeHost = (server.httpServer ?? middlewareServer ?? null) as EventEmitter | null;
  const onUpgrade = upgradeListener(gateway);
  upgradeHost?.on('upgrade', onUpgrade);

  return {
    gateway,
    http: server.httpServer as EventEmitter | null,
    preview: false,
    async close() {
      upgradeHost?.off('upgrade', onUpgrade);
      overlay.dispose();
      await gateway.close();
    },
  };
}

function mountPreview(server: PreviewServer, options: GatewayOptions): Mount {
  const { config } = server;
  // `vite preview` serves a build: no hot reload unless asked for.
  const gateway = gatewayFor(options, config.root, config.logger, undefined, false);
  server.middlewares.use(gateway);
  const http = server.httpServer as EventEmitter;
  const onUpgrade = upgradeListener(gateway);
  http.on('upgrade', onUpgrade);
  return {
    gateway,
    http,
    preview: true,
    async close() {
      http.off('upgrade', onUpgrade);
      await gateway.close();
    },
  };
}

/** Upgrades for gateway endpoints; everything else (Vite's HMR above all) is left alone. */
function upgradeListener(gateway: Gateway) {
  trackReady(gateway);
  return function krakendUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const protocol = req.headers['sec-websocket-protocol'];
    if (typeof protocol === 'string' && HMR_PROTOCOLS.has(protocol)) return;
    upgradeWhenReady(gateway, req, socket, head);
  };
}

/**
 * Config and plugin errors go to Vite's error overlay; the next good load clears it with a full
 * reload. Only the gateway's own reloads ever trigger a reload.
 */
function createOverlay(server: ViteDevServer, gateway: Gateway) {
  let current: ErrorPayload | undefined;
  const onReload = (event: ReloadEvent) => {
    if (!event.ok) {
      current = { type: 'error', err: overlayError(event.error) };
      server.ws.send(current);
    } else if (current) {
      current = undefined;
      server.ws.send({ type: 'full-reload', path: '*' });
    }
  };
  // A page opened (or reloaded) while the config is broken still gets the overlay.
  const onConnect = (_data: unknown, client: { send(payload: ErrorPayload): void }) => {
    if (current) client.send(current);
  };
  gateway.on('reload', onReload);
  server.ws.on('vite:client:connect', onConnect);
  return {
    dispose() {
      gateway.off('reload', onReload);
      server.ws.off('vite:client:connect', onConnect);
    },
  };
}

function overlayError(error: Error): ErrorPayload['err'] {
  const loc = errorLocation(error);
  return {
    message: error.message,
    stack: '',
    plugin: 'krakend-connect',
    ...(loc ? { id: loc.file, loc, frame: codeFrame(loc) } : {}),
  };
}
