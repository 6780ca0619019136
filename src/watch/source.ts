import type { TargetSet } from './targets.js';

export type SourceEventKind = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

/** Where raw file events come from: our own chokidar, or a host's watcher (Vite's). */
export interface EventSource {
  /** Watch what `targets` names; resolves once the watches are in place. */
  update(targets: TargetSet): Promise<void>;
  close(): Promise<void>;
}

export interface SourceSink {
  event(kind: SourceEventKind, path: string): void;
  error(err: Error): void;
}
