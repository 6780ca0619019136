import { createRequire } from 'node:module';
import type { Dispatcher, Pool as PoolType } from 'undici';

/**
 * undici's index loads every feature (fetch, WebSocket, caches: ~170 ms on Node 20); the pool and
 * the request API load in ~45 ms, and start-up time is a target (corpus 002 listening in
 * < 300 ms). The API methods are attached to Dispatcher's prototype exactly as undici's own
 * index.js does (`Object.assign(Dispatcher.prototype, api)`).
 */
const undiciRequire = createRequire(import.meta.url);
const Pool = undiciRequire('undici/lib/dispatcher/pool.js') as typeof PoolType;
const DispatcherBase = undiciRequire('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
if (typeof (DispatcherBase.prototype as { request?: unknown }).request !== 'function') {
  Object.assign(DispatcherBase.prototype, undiciRequire('undici/lib/api/index.js'));
}

/**
 * Keep-alive connection pools to the backends, one per origin, shared by every generation of a
 * gateway and closed with it (STYLE rule 7). Bounded connections per origin; idle sockets are
 * dropped before the usual backend idle timeout (Node's 5 s) so a reused socket is rarely one
 * the backend is closing (reliability.md §3, row 45).
 */
export interface BackendDispatchers {
  /** The pool for one origin (`http://host:port`), created on first use. */
  get(origin: string): Dispatcher;
  /** Lets in-flight requests finish (bounded), then destroys every pool. Idempotent. */
  close(): Promise<void>;
}

export interface DispatcherOptions {
  /** Connections per origin. Default 128. */
  connections?: number;
  /** Idle keep-alive time in ms when the backend sends no hint. Default 4000. */
  keepAliveTimeout?: number;
  /** How long `close()` waits for in-flight requests before destroying sockets. Default 2000. */
  closeGraceMs?: number;
}

export function createDispatchers(options: DispatcherOptions = {}): BackendDispatchers {
  const pools = new Map<string, PoolType>();
  const connections = options.connections ?? 128;
  const keepAliveTimeout = options.keepAliveTimeout ?? 4000;
  const grace = options.closeGraceMs ?? 2000;
  let closing: Promise<void> | undefined;

  return {
    get(origin) {
      let pool = pools.get(origin);
      if (pool === undefined) {
        if (closing) throw new Error('backend dispatchers are closed');
        pool = new Pool(origin, {
          connections,
          keepAliveTimeout,
          keepAliveMaxTimeout: 60_000,
          keepAliveTimeoutThreshold: 1000,
          pipelining: 1,
          headersTimeout: 0,
          bodyTimeout: 0,
          maxHeaderSize: 1024 * 1024,
        });
        pools.set(origin, pool);
      }
      return pool;
    },
    close() {
      closing ??= (async () => {
        const all = [...pools.values()];
        await Promise.allSettled(
          all.map(async (pool) => {
            const timer = setTimeout(() => void pool.destroy().catch(() => {}), grace);
            try {
              await pool.close();
            } catch {
              await pool.destroy().catch(() => {});
            } finally {
              clearTimeout(timer);
            }
          }),
        );
      })();
      return closing;
    },
  };
}
