import { EventEmitter } from 'node:events';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { InjectedWatcher } from '../types.js';
import { createChokidarSource } from './chokidar-source.js';
import { readFileState } from './hash.js';
import { createInjectedSource } from './injected-source.js';
import { BurstScheduler, DEFAULT_TIMING, type BurstTiming } from './scheduler.js';
import type { EventSource, SourceEventKind } from './source.js';
import { NO_TARGETS, TargetSet, type WatchTargets } from './targets.js';

export type { WatchFolder, WatchTargets } from './targets.js';

export interface FileWatcherEvents {
  /** Files whose content really changed (or folders that appeared, vanished, were replaced). */
  change: [paths: string[]];
  error: [err: Error];
}

export interface FileWatcherOptions {
  /** A host's watcher to reuse (Vite's `server.watcher`); then no chokidar instance exists. */
  injected?: InjectedWatcher;
  timing?: Partial<BurstTiming>;
  /**
   * A second read this long after each event. chokidar drops a `change` that follows another
   * within 50 ms (no trailing event), so the last chunk of a save could otherwise go unseen.
   */
  recheckMs?: number;
}

const RECHECK_MS = 75;

/**
 * Turns raw file events into `change` events that mean "the content differs": events are
 * gathered into bursts ({@link BurstScheduler}), each file is read and hashed at once when the
 * burst flushes, and a hash equal to the last one seen (an identical save, an editor's
 * rename dance) reports nothing. Knows nothing of configs or plugins.
 */
export class FileWatcher extends EventEmitter<FileWatcherEvents> {
  #targets = new TargetSet(NO_TARGETS);
  readonly #hashes = new Map<string, string | null>();
  readonly #dirty = new Set<string>();
  readonly #rechecks = new Map<string, NodeJS.Timeout>();
  /** Files read empty once, left to the second look (a save between truncate and write). */
  readonly #emptied = new Set<string>();
  readonly #recheckMs: number;
  readonly #scheduler: BurstScheduler;
  readonly #source: EventSource;
  #flushing: Promise<void> = Promise.resolve();
  #flushes = 0;
  readonly #settledWaiters = new Set<() => void>();
  #closing: Promise<void> | undefined;

  constructor(options: FileWatcherOptions = {}) {
    super();
    this.#recheckMs = options.recheckMs ?? RECHECK_MS;
    this.#scheduler = new BurstScheduler({ ...DEFAULT_TIMING, ...options.timing }, () => {
      this.#flushes++;
      this.#flushing = this.#flushing
        .then(() => this.#flush())
        .catch((err) => this.#error(err))
        .finally(() => {
          this.#flushes--;
          this.#notifySettled();
        });
    });
    const sink = {
      event: (kind: SourceEventKind, path: string) => this.#onEvent(kind, path),
      error: (err: Error) => this.#error(err),
    };
    this.#source = options.injected
      ? createInjectedSource(options.injected, sink)
      : createChokidarSource(sink);
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Watch exactly these targets from now on. Files seen for the first time are hashed as the
   * baseline, unless modified after `since` (the time the caller started reading them): such a
   * file may hold content the caller never saw, so it is reported instead.
   */
  async set(targets: WatchTargets, since = Date.now()): Promise<void> {
    if (this.closed) return;
    const next = new TargetSet(targets);
    this.#targets = next;
    await this.#source.update(next);
    for (const path of this.#hashes.keys()) if (!next.tracks(path)) this.#hashes.delete(path);
    const candidates = [...next.files, ...(await this.#children([...next.folders.keys()]))];
    await Promise.all(
      candidates
        .filter((p) => next.tracks(p) && !this.#hashes.has(p) && !this.#dirty.has(p))
        .map(async (path) => {
          const state = await readFileState(path);
          if (this.closed || this.#hashes.has(path) || this.#dirty.has(path)) return;
          if (state.mtimeMs > since) {
            this.#dirty.add(path);
            this.#scheduler.poke();
          } else {
            this.#hashes.set(path, state.hash);
          }
        }),
    );
  }

  /**
   * Resolves once nothing is left to look at (no recheck, burst or read pending), or after
   * `maxMs`: a consumer whose build failed on a half-written file waits for this before it
   * reports, since the second look may still bring the rest of the save.
   */
  settled(maxMs = 1000): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#settledWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      this.#settledWaiters.add(done);
      this.#notifySettled();
    });
  }

  #notifySettled(): void {
    const busy =
      this.#rechecks.size > 0 ||
      this.#scheduler.pending ||
      this.#flushes > 0 ||
      this.#dirty.size > 0;
    if (busy && !this.closed) return;
    for (const done of [...this.#settledWaiters]) done();
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#scheduler.close();
      for (const timer of this.#rechecks.values()) clearTimeout(timer);
      this.#rechecks.clear();
      this.#notifySettled();
      await this.#source.close();
      await this.#flushing;
      this.removeAllListeners();
    })();
    return this.#closing;
  }

  #onEvent(kind: SourceEventKind, path: string): void {
    if (this.closed) return;
    const targets = this.#targets;
    if (kind === 'addDir' || kind === 'unlinkDir') {
      if (!targets.isFolder(path)) return;
    } else if (!targets.tracks(path)) {
      return;
    }
    this.#dirty.add(path);
    this.#scheduler.event();
    if (kind === 'add' || kind === 'change') this.#recheck(path);
  }

  #recheck(path: string): void {
    clearTimeout(this.#rechecks.get(path));
    const timer = setTimeout(() => {
      this.#rechecks.delete(path);
      if (!this.closed && this.#targets.tracks(path)) {
        this.#dirty.add(path);
        this.#scheduler.poke();
      }
      this.#notifySettled();
    }, this.#recheckMs);
    this.#rechecks.set(path, timer);
  }

  async #flush(): Promise<void> {
    if (this.closed || this.#dirty.size === 0) return;
    const targets = this.#targets;
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    const folders = dirty.filter((p) => targets.isFolder(p));
    // A folder that came or went takes its files along, with or without events for each.
    const inFolders = [
      ...(await this.#children(folders)),
      ...[...this.#hashes.keys()].filter((p) => folders.includes(dirname(p))),
    ];
    const files = [...new Set([...dirty, ...inFolders])].filter((p) => targets.tracks(p));
    const states = await Promise.all(files.map((p) => readFileState(p)));
    if (this.closed) return;
    const changed: string[] = [...folders];
    files.forEach((path, i) => {
      const { hash, empty } = states[i]!;
      const known = this.#hashes.get(path);
      if (known === hash || (known === undefined && hash === null)) {
        this.#emptied.delete(path);
        return;
      }
      // A file with content read empty is most likely a save caught between its truncate and its
      // write: the second look decides, so the same text saved again reports nothing, and a
      // file really emptied is reported one recheck later.
      if (empty && typeof known === 'string' && !this.#emptied.has(path)) {
        this.#emptied.add(path);
        this.#recheck(path);
        return;
      }
      this.#emptied.delete(path);
      this.#hashes.set(path, hash);
      changed.push(path);
    });
    if (changed.length > 0) this.emit('change', changed);
  }

  async #children(folders: readonly string[]): Promise<string[]> {
    const lists = await Promise.all(
      folders.map((dir) =>
        readdir(dir).then(
          (names) => names.map((n) => join(dir, n)),
          () => [] as string[],
        ),
      ),
    );
    return lists.flat();
  }

  #error(err: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', err as Error);
  }
}

/** A watcher over chokidar 5, or over the host's watcher when one is injected. */
export function createFileWatcher(options: FileWatcherOptions = {}): FileWatcher {
  return new FileWatcher(options);
}
