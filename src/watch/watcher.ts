import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import type { InjectedWatcher } from '../types.js';

export interface FileWatcher {
  /** Replace the set of watched files/folders. */
  set(paths: readonly string[]): void;
  close(): Promise<void>;
}

export interface FileWatcherOptions {
  injected?: InjectedWatcher;
  logger: Logger;
  initial: readonly string[];
  onChange(paths: string[]): void;
}

/** Minimal first version; the hot-reload work replaces it (settling, temp files, hashing). */
export function createFileWatcher(options: FileWatcherOptions): FileWatcher {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Set<string>();
  const fire = (path: string) => {
    pending.add(path);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const paths = [...pending];
      pending.clear();
      options.onChange(paths);
    }, 30);
  };
  const fsw: FSWatcher = watch([...options.initial], { ignoreInitial: true });
  fsw.on('all', (_event, path) => fire(path));
  fsw.on('error', (err) => options.logger.warn(`[SERVICE: Watcher] ${(err as Error).message}`));
  let watched = new Set(options.initial);
  return {
    set(paths) {
      const next = new Set(paths);
      for (const p of watched) if (!next.has(p)) fsw.unwatch(p);
      for (const p of next) if (!watched.has(p)) fsw.add(p);
      watched = next;
    },
    async close() {
      clearTimeout(timer);
      await fsw.close();
    },
  };
}
