import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Logger } from 'pino';
import { GatewayError, isGatewayError } from '../errors.js';
import type { BackendTransport, TransportFactory } from '../proxy/deps.js';
import type { ResolvedBackend, ResolvedConfig, ResolvedEndpoint } from '../types.js';
import { faultTransport } from './faults.js';
import { findMockFile, MockCache } from './mock-folder.js';
import { isMissingFile, loadMockFile, type MockModule } from './mock-module.js';
import { mockTransport, type MockLookup } from './mock-transport.js';
import { recordReplayTransport, type RecordReplayOptions } from './record-replay.js';

export { RecordingStore } from './recordings.js';
export { serverTimingValue } from './server-timing.js';
export type { RecordReplayOptions } from './record-replay.js';

/**
 * The mocking layer of one generation (README: Local API mocking): mock files loaded, and per backend the
 * transport that answers instead of the network (mock), around it (faults), or records and
 * replays it. Backends that ask for nothing get no transport, so their pipes stay as they are.
 */
export interface Mocking {
  /** Undefined when no backend of this config needs mocking. */
  transportFor?: TransportFactory;
  /** Mock files and their imports: an edit reloads the gateway. */
  watchFiles: readonly string[];
}

export interface MockingOptions {
  logger: Logger;
  /** A broken mock file fails the build (a reload keeps the last good generation). */
  strict: boolean;
  recordReplay?: RecordReplayOptions;
}

function shownPath(config: ResolvedConfig, abs: string): string {
  const rel = relative(config.dir, abs);
  return (rel.startsWith('..') || isAbsolute(rel) ? abs : rel).split(sep).join('/');
}

type Loaded = MockModule | GatewayError;

/** Loads every `file` mock at build time: their errors are the build's (or logged, first load). */
async function loadFileMocks(config: ResolvedConfig, options: MockingOptions) {
  const files = new Set<string>();
  for (const e of config.endpoints) {
    for (const b of e.backends) if (b.mock?.file) files.add(resolve(config.dir, b.mock.file));
  }
  const loaded = new Map<string, Loaded>();
  const watch = new Set<string>();
  await Promise.all(
    [...files].map(async (file) => {
      try {
        const mod = await loadMockFile(file, shownPath(config, file));
        loaded.set(file, mod);
        for (const f of mod.inputs) watch.add(f);
      } catch (err) {
        const e = isGatewayError(err) ? err : new GatewayError('KC_CONFIG_INVALID', String(err));
        if (options.strict && !isMissingFile(e)) throw e;
        options.logger.error(`[MOCK] ${e.message}`);
        loaded.set(file, e);
        watch.add(file);
        if (e.file && isAbsolute(e.file)) watch.add(e.file);
      }
    }),
  );
  return { loaded, watch: [...watch] };
}

function failure(err: GatewayError, shown: string): GatewayError {
  return new GatewayError('KC_BACKEND_UNAVAILABLE', err.message, {
    cause: err,
    context: { source: 'mock', file: shown },
  });
}

export async function createMocking(
  config: ResolvedConfig,
  options: MockingOptions,
): Promise<Mocking> {
  const rr = options.recordReplay;
  const wanted = config.endpoints.some((e) => e.backends.some((b) => b.mock || b.faults));
  if (!wanted && !rr?.record && !rr?.replay) return { watchFiles: [] };
  const { loaded, watch } = await loadFileMocks(config, options);
  const cache = new MockCache();

  function lookupFor(backend: ResolvedBackend): MockLookup {
    const mock = backend.mock!;
    if (mock.file) {
      const file = resolve(config.dir, mock.file);
      const shown = shownPath(config, file);
      return {
        async find() {
          const at = loaded.get(file);
          if (at && !(at instanceof GatewayError)) return { module: at, shown, params: {} };
          // Not loadable at build time: maybe it is by now (the watcher may be off).
          const module = await cache.get(file, shown).catch((err: GatewayError) => {
            throw failure(err, shown);
          });
          return { module, shown, params: {} };
        },
      };
    }
    const root = resolve(config.dir, mock.folder!);
    const shownRoot = shownPath(config, root);
    return {
      async find(method, path) {
        const hit = await findMockFile(root, path, method);
        if (!hit) return `no mock file for ${method} ${path} in ${shownRoot}/`;
        const shown = shownPath(config, hit.file);
        const module = await cache.get(hit.file, shown).catch((err: GatewayError) => {
          throw failure(err, shown);
        });
        return { module, shown, params: hit.params };
      },
    };
  }

  const built = new WeakMap<ResolvedBackend, BackendTransport | undefined>();
  function build(endpoint: ResolvedEndpoint, backend: ResolvedBackend) {
    const prefix = `[MOCK: ${endpoint.method} ${endpoint.endpoint}]`;
    const inner = backend.mock
      ? mockTransport(endpoint, lookupFor(backend), backend.mock, options.logger, prefix)
      : rr && recordReplayTransport(rr, endpoint, backend);
    if (!backend.faults) return inner;
    const outer = faultTransport(backend.faults);
    if (!inner) return outer;
    return ((call, live) => outer(call, (c) => inner(c, live))) satisfies BackendTransport;
  }

  return {
    watchFiles: watch,
    transportFor(endpoint, backend) {
      if (!built.has(backend)) built.set(backend, build(endpoint, backend));
      return built.get(backend);
    },
  };
}
