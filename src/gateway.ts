import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { loadConfig } from './config/index.js';
import { GatewayError, isGatewayError } from './errors.js';
import { buildGeneration, type Generation } from './generation.js';
import { writeLoadError } from './http/load-error.js';
import { observeRequest, type ObserveOptions } from './http/access-log.js';
import { requestProblem, writeBadRequest } from './http/request-guard.js';
import { createHostCheck, writeHostBlocked, writeHostBlockedUpgrade } from './http/host-check.js';
import { createDashboardHandler } from './dashboard/handler.js';
import { DashboardState, type Snapshot } from './dashboard/state.js';
import { KRAKEND_VERSION } from './internal/version.js';
import { describeFaults } from './mock/faults.js';
import { RecordingStore, type RecordReplayOptions } from './mock/index.js';
import { setState } from './internal/request-state.js';
import { createLogger, setMessagePrefix, silentLogger, toPinoLevel } from './logger.js';
import { matchesPattern } from './plugins/index.js';
import { createDispatchers } from './proxy/dispatchers.js';
import { printRoutes } from './router/print.js';
import type {
  Gateway,
  GatewayEvents,
  GatewayOptions,
  NextFunction,
  ReloadEvent,
  RequestRecord,
} from './types.js';
import { createReloadQueue, type NewerWithin } from './watch/reload-queue.js';
import { createFileWatcher, type FileWatcher, type WatchTargets } from './watch/watcher.js';

/**
 * A reload that failed on a file caught mid-save stays quiet if another change arrives this soon,
 * or before the watcher has taken its second look (DECISIONS 19: retry over ~100 ms first).
 */
const SUPERSEDE_MS = 100;

/**
 * The composition root: one Connect middleware whose identity never changes while generations
 * (config + routes + pipes + plugin chain) are built off to the side and swapped in one
 * reference (STYLE.md rule 6). In-flight requests finish on the generation they started on.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const cwd = options.cwd ?? process.cwd();
  const production = process.env.NODE_ENV === 'production';
  const explicitLevel = options.logLevel !== undefined;
  const logger: Logger =
    options.logger === false
      ? silentLogger()
      : (options.logger ??
          createLogger({ level: options.logLevel ?? 'info', destination: options.logDestination }));
  const standalone = options.fallthrough === false;
  const emitter = new EventEmitter<GatewayEvents>();
  emitter.on('error', () => {});
  const dispatchers = createDispatchers();
  const configSource =
    typeof options.config === 'string' && !isAbsolute(options.config)
      ? resolve(cwd, options.config)
      : options.config;

  let current: Generation | undefined;
  let lastError: Error | undefined;
  let nextId = 1;
  let closed = false;
  let closing: Promise<void> | undefined;
  let watcher: FileWatcher | undefined;
  /** Old generations still finishing their in-flight requests. */
  const retiring = new Set<Generation>();
  const dashboardOn = options.dashboard ?? !production;
  const dashboard = dashboardOn ? new DashboardState() : undefined;
  const dashboardHandler = dashboard ? createDashboardHandler(dashboard, snapshot) : undefined;
  const serverTiming = options.serverTiming ?? !production;
  // One store per folder for the gateway's life: writes in flight outlive generations.
  const recordReplay: RecordReplayOptions | undefined =
    options.record || options.replay
      ? {
          record: options.record ? new RecordingStore(options.record, cwd, logger) : undefined,
          replay: options.replay ? new RecordingStore(options.replay, cwd, logger) : undefined,
          fallthrough: options.replayFallthrough ?? false,
        }
      : undefined;
  const mockingMode =
    options.record && options.replay
      ? 'live, recordings as fallback'
      : options.record
        ? 'record'
        : options.replay
          ? 'replay'
          : 'off';
  const onRecord = (rec: RequestRecord) => {
    dashboard?.addRequest(rec);
    if (emitter.listenerCount('request') > 0) emitter.emit('request', rec);
  };

  async function build(changed: string[], newerWithin?: NewerWithin): Promise<ReloadEvent> {
    const started = performance.now();
    const startedAt = Date.now();
    try {
      if (closed) throw new GatewayError('KC_CLOSED', 'the gateway was closed before this reload');
      const config = await loadConfig(configSource, { cwd });
      if (current && !lastError && sameConfigOnly(current, config.hash, changed)) {
        // The watcher caught an in-place save mid-write, then saw the rest: nothing to rebuild.
        logger.debug(`[SERVICE: Reload] ${config.file} unchanged, generation ${current.id} stays`);
        const routes = current.config.endpoints.length;
        return { ok: true, ms: 0, routes, generation: current.id, changed };
      }
      if (!explicitLevel && options.logger === undefined && config.logging.level) {
        const level = toPinoLevel(config.logging.level);
        if (level) logger.level = level;
      }
      // `telemetry/logging.prefix` (DECISIONS 21) on the gateway's own logger, never a host's.
      if (options.logger === undefined) setMessagePrefix(logger, config.logging.prefix);
      for (const w of config.warnings) {
        const where = w.line ? `${config.file}:${w.line}:${w.column} ${w.path}` : w.path;
        logger[w.level === 'error' ? 'error' : 'warn'](where ? `${where}: ${w.message}` : w.message);
      }
      const gen = await buildGeneration(config, {
        id: nextId++,
        logger,
        dispatchers,
        fallthrough: options.fallthrough ?? true,
        debugEndpoints: options.debugEndpoints ?? false,
        dashboard: dashboardHandler,
        // Strict only while a last good generation serves; after a failed start, this is the start.
        strictPlugins: current !== undefined,
        keepPlugins: current?.handlerPlugins,
        version: KRAKEND_VERSION,
        recordReplay,
        serverTiming,
        observeCalls: dashboardOn || serverTiming || recordReplay !== undefined,
      });
      if (closed) {
        void gen.retire(0);
        throw new GatewayError('KC_CLOSED', 'the gateway was closed during a reload');
      }
      const previous = current;
      current = gen;
      lastError = undefined;
      const ms = Math.round(performance.now() - started);
      logRoutes(gen, previous, changed, ms);
      if (previous) retire(previous);
      await watchFor(gen, undefined, startedAt);
      const event: ReloadEvent = { ok: true, ms, routes: gen.config.endpoints.length, generation: gen.id, changed };
      dashboard?.addReload({ time: Date.now(), ok: true, ms, generation: gen.id, routes: event.routes, changed });
      emitter.emit('reload', event);
      return event;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (closed) return { ok: false, error, changed }; // nobody is listening any more
      // A save caught half-written: stay quiet if the watcher's second look brings the rest.
      const quiet = current && changed.length > 0 && newerWithin;
      if (quiet && (await quiet(SUPERSEDE_MS, watcher?.settled()))) {
        logger.debug(`[SERVICE: Reload] ${error.message}\n(a newer save follows; not reported)`);
        return { ok: false, error, changed };
      }
      // The same failure again, caught by a save of some other file: said once already.
      const repeated =
        lastError !== undefined &&
        lastError.message === error.message &&
        isGatewayError(error) &&
        error.file !== undefined &&
        !changed.includes(error.file);
      lastError = error;
      await watchFor(current, error, startedAt);
      // An emptied or deleted config while a good one serves is a warning (§6 row 63).
      const gone = current !== undefined && isGatewayError(error) && error.context['gone'] === true;
      logger[repeated ? 'debug' : gone ? 'warn' : 'error'](
        { code: isGatewayError(error) ? error.code : undefined },
        current
          ? `[SERVICE: Reload] ${error.message}\n(still serving the last good config, generation ${current.id})`
          : `[SERVICE: Config] ${error.message}`,
      );
      const event: ReloadEvent = { ok: false, error, changed };
      dashboard?.addReload({ time: Date.now(), ok: false, changed, error: error.message });
      emitter.emit('reload', event);
      return event;
    }
  }

  /** Only the config file changed, and its text is the one the running generation was built on. */
  function sameConfigOnly(gen: Generation, hash: string, changed: readonly string[]): boolean {
    return (
      changed.length > 0 && changed.every((p) => p === configSource) && gen.config.hash === hash
    );
  }

  /**
   * What the next reload depends on: the config file, the plugin folder (names matching its
   * pattern) and every file the plugins import; after a failure also the file it points at, so
   * fixing a broken import that no generation has loaded yet still reloads.
   */
  function targetsOf(gen: Generation | undefined, error?: Error): WatchTargets {
    const files = new Set<string>();
    if (typeof configSource === 'string') files.add(configSource);
    for (const f of gen?.plugins?.files ?? []) files.add(f);
    for (const f of gen?.mockFiles ?? []) files.add(f);
    const failed = error && isGatewayError(error) ? error.file : undefined;
    if (failed && isAbsolute(failed)) files.add(failed);
    const plugin = gen?.config.plugin;
    const folders = plugin
      ? [{ path: plugin.folder, accept: (name: string) => matchesPattern(name, plugin.pattern) }]
      : [];
    return { files: [...files], folders };
  }

  async function watchFor(gen: Generation | undefined, error: Error | undefined, since: number) {
    if (!watcher || closed) return;
    try {
      await watcher.set(targetsOf(gen, error), since);
    } catch (err) {
      logger.warn(`[SERVICE: Watcher] ${(err as Error).message}`);
    }
  }

  /** The old generation finishes its in-flight requests, then its plugins' signals abort. */
  function retire(gen: Generation): void {
    retiring.add(gen);
    void gen.retire().finally(() => retiring.delete(gen));
  }

  function logRoutes(gen: Generation, previous: Generation | undefined, changed: string[], ms: number) {
    const endpoints = gen.config.endpoints;
    if (!previous) {
      logger.info(`[SERVICE: Gateway] ${endpoints.length} endpoints loaded in ${ms} ms from ${gen.config.file}\n${printRoutes(endpoints)}`);
      return;
    }
    const key = (e: { method: string; endpoint: string }) => `${e.method} ${e.endpoint}`;
    const before = new Set(previous.config.endpoints.map(key));
    const after = new Set(endpoints.map(key));
    const added = [...after].filter((k) => !before.has(k));
    const removed = [...before].filter((k) => !after.has(k));
    const base = typeof configSource === 'string' ? resolve(configSource, '..') : cwd;
    const what = changed.length ? changed.map((p) => relative(base, p) || p).join(', ') : 'reload';
    logger.info(
      { generation: gen.id, ms, added, removed },
      `[SERVICE: Reload] ${what} → generation ${gen.id} in ${ms} ms (${endpoints.length} routes, +${added.length} -${removed.length}${added.length ? ` added: ${added.join(', ')}` : ''}${removed.length ? ` removed: ${removed.join(', ')}` : ''})`,
    );
  }

  const first = build([]);
  const queue = createReloadQueue((changed, newerWithin) => build(changed, newerWithin), first);
  function reload(changed: string[] = []): Promise<ReloadEvent> {
    if (closed) return Promise.resolve({ ok: false, error: new GatewayError('KC_CLOSED', 'closed'), changed });
    return queue.request(changed);
  }
  // watch: false creates no watcher at all; otherwise chokidar, or the host's (Vite's) watcher.
  let watching: Promise<void> = Promise.resolve();
  if (options.watch ?? !production) {
    watcher = createFileWatcher({ injected: options.watcher });
    watcher.on('change', (paths) => void reload(paths));
    watcher.on('error', (err) => logger.warn(`[SERVICE: Watcher] ${err.message}`));
    watching = watchFor(undefined, undefined, Date.now());
  }

  // `ready` resolves with the watches in place, so an edit made right after it is seen.
  const ready: Promise<void> = first.then(async (e) => {
    await watching;
    if (!e.ok) throw e.error;
  });
  ready.catch(() => {});

  function gatewayMiddleware(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    // After close() nothing new starts: in-flight requests drain, new ones get 503 at once.
    if (closed) return writeLoadError(req, res, new GatewayError('KC_CLOSED', 'the gateway is closed'));
    const gen = current;
    if (gen) return serve(gen, req, res, next);
    // First load still running (or failed): wait for it, bounded, then serve or explain.
    const timer = setTimeout(() => answerNotReady(req, res), 2000);
    first.then(() => {
      clearTimeout(timer);
      if (res.writableEnded || res.headersSent) return;
      if (current) serve(current, req, res, next);
      else answerNotReady(req, res);
    });
  }

  function answerNotReady(req: IncomingMessage, res: ServerResponse): void {
    if (res.headersSent || res.writableEnded) return;
    writeLoadError(req, res, lastError ?? new GatewayError('KC_NOT_READY', 'the gateway is still loading its config'));
  }

  const hostCheck = options.allowedHosts ? createHostCheck(options.allowedHosts) : undefined;

  function serve(gen: Generation, req: IncomingMessage, res: ServerResponse, next?: NextFunction) {
    if (hostCheck) {
      const blocked = hostCheck(req);
      if (blocked !== undefined) {
        logger.warn(`[SERVICE: Gateway] blocked a request for host "${blocked}" (not in allowedHosts)`);
        return writeHostBlocked(res, blocked);
      }
    }
    const state = { start: performance.now(), next, fellThrough: false, generation: gen.id, backends: [] };
    setState(req, state);
    observeRequest(res, observeOptions(gen));
    // Standalone, the gateway is the whole server: refuse what Go's server refuses before any
    // handler or plugin runs. Mounted, only the routes it takes are checked (generation.ts).
    if (standalone) {
      const bad = requestProblem(req);
      if (bad) return writeBadRequest(req, res, bad);
    }
    gen.handle(req, res);
  }

  /** Built again only when the generation changes or `request` listeners come or go. */
  let observing: { generation: number; listens: boolean; options: ObserveOptions } | undefined;
  function observeOptions(gen: Generation): ObserveOptions {
    const listens = dashboard !== undefined || emitter.listenerCount('request') > 0;
    if (observing?.generation !== gen.id || observing.listens !== listens) {
      const router = gen.config.router;
      observing = {
        generation: gen.id,
        listens,
        options: {
          logger,
          log: !router.disableAccessLog,
          skip: router.loggerSkipPaths,
          onRecord: listens ? onRecord : undefined,
        },
      };
    }
    return observing.options;
  }

  function snapshot(): Snapshot {
    const gen = current;
    return {
      generation: gen?.id ?? 0,
      configFile: gen?.config.file ?? (typeof configSource === 'string' ? configSource : '<inline>'),
      routes: (gen?.config.endpoints ?? []).map((e) => ({
        method: e.method,
        endpoint: e.endpoint,
        outputEncoding: e.outputEncoding,
        ...(e.faults ? { faults: describeFaults(e.faults) } : {}),
        backends: e.backends.map((b) => ({
          method: b.method.toUpperCase(),
          host: b.hosts[0] ?? '(no host)',
          urlPattern: b.urlPattern,
          encoding: b.encoding,
          ...(b.mock ? { mock: b.mock.file ?? `${b.mock.folder!.replace(/\/+$/, '')}/` } : {}),
          ...(b.faults ? { faults: describeFaults(b.faults) } : {}),
        })),
      })),
      plugins: (gen?.plugins?.loaded ?? []).map((p) => ({ file: p.file, names: p.names, kinds: p.kinds, error: p.error })),
      requests: dashboard?.requests ?? [],
      reloads: dashboard?.reloads ?? [],
      lastError: lastError?.message,
      mocking: {
        record: options.record,
        replay: options.replay,
        fallthrough: options.replayFallthrough ?? false,
        mode: mockingMode,
        serverTiming,
      },
    };
  }

  /** Client sockets of upgraded (WebSocket) exchanges: `close()` ends them, they never end alone. */
  const upgraded = new Set<Duplex>();

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const gen = current;
    if (!gen || closed) return false;
    // The DNS-rebinding guard covers WebSockets too: a page on a foreign name must not open one.
    const blocked = hostCheck?.(req);
    if (blocked !== undefined) {
      logger.warn(`[SERVICE: Gateway] blocked a WebSocket for host "${blocked}" (not in allowedHosts)`);
      writeHostBlockedUpgrade(socket, blocked);
      return true;
    }
    const taken = gen.upgrade(req, socket, head);
    if (taken && !socket.destroyed) {
      upgraded.add(socket);
      socket.once('close', () => upgraded.delete(socket));
    }
    return taken;
  }

  /** Ends every proxied WebSocket (both sides: the exchange closes its backend with the client). */
  function closeUpgrades(): void {
    for (const socket of upgraded) socket.destroy();
    upgraded.clear();
  }

  function close(): Promise<void> {
    if (closing) return closing;
    closed = true;
    closeUpgrades();
    closing = (async () => {
      await Promise.allSettled([watcher?.close(), first, queue.idle()]);
      const gens = current ? [current, ...retiring] : [...retiring];
      await Promise.allSettled(gens.map((g) => g.retire(5000)));
      await dispatchers.close();
      await Promise.allSettled([recordReplay?.record?.close(), recordReplay?.replay?.close()]);
      dashboard?.close();
      emitter.removeAllListeners();
    })();
    return closing;
  }

  const gateway = gatewayMiddleware as unknown as Gateway;
  Object.defineProperties(gateway, {
    ready: { value: ready, enumerable: true },
    logger: { value: logger, enumerable: true },
    lastError: { get: () => lastError, enumerable: true },
    config: { get: () => current?.config, enumerable: true },
    watchedFiles: { get: () => current?.watchFiles ?? [], enumerable: true },
  });
  Object.assign(gateway, {
    close,
    upgrade,
    reload,
    on(event: keyof GatewayEvents, listener: (...args: never[]) => void) {
      emitter.on(event, listener as never);
      return gateway;
    },
    off(event: keyof GatewayEvents, listener: (...args: never[]) => void) {
      emitter.off(event, listener as never);
      return gateway;
    },
    once(event: keyof GatewayEvents, listener: (...args: never[]) => void) {
      emitter.once(event, listener as never);
      return gateway;
    },
  });
  return gateway;
}
