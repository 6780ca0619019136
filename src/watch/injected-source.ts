import type { InjectedWatcher } from '../types.js';
import type { EventSource, SourceEventKind, SourceSink } from './source.js';

const KINDS = ['add', 'change', 'unlink'] as const;

/**
 * A host's watcher (Vite's `server.watcher`) as an event source: we only `add` our paths and
 * listen; it is the host's to close, so `close()` just takes our listeners off.
 */
export function createInjectedSource(host: InjectedWatcher, sink: SourceSink): EventSource {
  const added = new Set<string>();
  const listeners = new Map<SourceEventKind, (path: string) => void>();
  for (const kind of KINDS) {
    const listener = (path: string) => sink.event(kind, path);
    listeners.set(kind, listener);
    host.on(kind, listener);
  }
  return {
    async update(targets) {
      const fresh = [...targets.files, ...targets.folders.keys()].filter((p) => !added.has(p));
      if (fresh.length === 0) return;
      for (const p of fresh) added.add(p);
      host.add(fresh);
    },
    async close() {
      for (const [kind, listener] of listeners) {
        if (host.off) host.off(kind as (typeof KINDS)[number], listener);
        else host.removeListener?.(kind as (typeof KINDS)[number], listener);
      }
      listeners.clear();
    },
  };
}
