import { watch, type FSWatcher } from 'chokidar';
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EventSource, SourceSink } from './source.js';
import { NO_TARGETS, TargetSet } from './targets.js';

/** Bound on waiting for one root's first scan; a slow disk must not hold a reload. */
const READY_TIMEOUT_MS = 2000;

interface Root {
  fsw: FSWatcher;
  ready: Promise<void>;
  /** What this root was opened to see; chokidar ignores for good what its first scan ignored. */
  wants: string;
}

/** The paths a root directory must report: its watched files and folders, or all children. */
function wantsOf(dir: string, targets: TargetSet): string {
  const wanted = [...targets.files, ...targets.folders.keys()].filter((p) => dirname(p) === dir);
  if (targets.isFolder(dir)) wanted.push('*');
  return wanted.sort().join('\n');
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * One chokidar 5 instance per watched directory, one level deep, seeing only the paths the
 * targets want. Watching through parents (not the paths themselves) keeps deleted and re-created
 * files visible. A folder replaced under its name (`rm -rf x && mkdir x`, a branch switch) can
 * come back with the same inode and no `addDir`, so any raw rename of its name seen by its
 * parent re-opens its watch.
 */
export function createChokidarSource(sink: SourceSink): EventSource {
  const roots = new Map<string, Root>();
  const refreshing = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let targets = new TargetSet(NO_TARGETS);
  let rootSet = new Set<string>();
  let closed = false;

  function open(dir: string): Root {
    const wants = wantsOf(dir, targets);
    const fsw = watch(dir, {
      ignoreInitial: true,
      depth: 0,
      ignored: (path: string) => !targets.wanted(path, rootSet),
    });
    fsw.on('all', (kind, path) => {
      if (kind === 'addDir' || kind === 'unlinkDir') {
        if (targets.isFolder(path)) void refresh(path);
        return;
      }
      if (kind === 'add' || kind === 'change' || kind === 'unlink') sink.event(kind, path);
    });
    fsw.on('raw', (kind, name, details) => {
      const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
      if (kind !== 'rename' || typeof watched !== 'string' || typeof name !== 'string') return;
      const path = join(watched, name);
      if (targets.isFolder(path)) void refresh(path);
    });
    fsw.on('error', (err) => sink.error(err as Error));
    let timer: NodeJS.Timeout | undefined;
    const ready = Promise.race([
      // An error before `ready` is reported through the `error` listener, not thrown here.
      once(fsw, 'ready').then(
        () => undefined,
        () => undefined,
      ),
      new Promise<void>((r) => (timer = setTimeout(r, READY_TIMEOUT_MS))),
    ]).finally(() => clearTimeout(timer));
    return { fsw, ready, wants };
  }

  /** A folder appeared, vanished or was replaced: re-watch it and report it as changed. */
  function refresh(folder: string): Promise<void> {
    const running = refreshing.get(folder);
    if (running) {
      again.add(folder);
      return running;
    }
    const run = reopen(folder).finally(() => {
      refreshing.delete(folder);
      if (again.delete(folder) && !closed) void refresh(folder);
    });
    refreshing.set(folder, run);
    return run;
  }

  async function reopen(folder: string): Promise<void> {
    const exists = await isDirectory(folder);
    if (closed) return;
    const old = roots.get(folder);
    if (old && exists) {
      roots.delete(folder);
      await old.fsw.close();
      if (closed) return;
      // `update()` may have opened it meanwhile, or dropped the folder from the targets.
      if (roots.has(folder) || !rootSet.has(folder)) return sink.event('addDir', folder);
      const root = open(folder);
      roots.set(folder, root);
      await root.ready;
    }
    if (!closed) sink.event(exists ? 'addDir' : 'unlinkDir', folder);
  }

  return {
    async update(next) {
      if (closed) return;
      targets = next;
      rootSet = next.roots();
      const closing: Promise<void>[] = [];
      const waiting: Promise<void>[] = [];
      for (const [dir, root] of roots) {
        if (rootSet.has(dir) && root.wants === wantsOf(dir, next)) continue;
        roots.delete(dir);
        closing.push(root.fsw.close());
      }
      for (const dir of rootSet) {
        if (roots.has(dir)) continue;
        const root = open(dir);
        roots.set(dir, root);
        waiting.push(root.ready);
      }
      await Promise.all([...closing, ...waiting]);
    },
    async close() {
      closed = true;
      const all = [...roots.values()];
      roots.clear();
      await Promise.allSettled(all.map((r) => r.fsw.close()));
      await Promise.allSettled([...refreshing.values()]);
    },
  };
}
