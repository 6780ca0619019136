import { basename, dirname, resolve } from 'node:path';
import { isEditorTempFile } from './ignore.js';

/** A watched folder: its direct children count (not recursive, like KrakenD's plugin scan). */
export interface WatchFolder {
  path: string;
  /** Which child names count; default: every name that is not an editor temp file. */
  accept?: (name: string) => boolean;
}

/** What to watch: single files (wherever they are) and folders of direct children. */
export interface WatchTargets {
  files: readonly string[];
  folders: readonly WatchFolder[];
}

export const NO_TARGETS: WatchTargets = Object.freeze({ files: [], folders: [] });

/** The targets with absolute paths, looked up by path. */
export class TargetSet {
  readonly files: ReadonlySet<string>;
  readonly folders: ReadonlyMap<string, WatchFolder>;

  constructor(targets: WatchTargets) {
    this.files = new Set(targets.files.map((f) => resolve(f)));
    this.folders = new Map(
      targets.folders.map((f) => [resolve(f.path), { ...f, path: resolve(f.path) }]),
    );
  }

  /** A file whose content matters: listed, or an accepted child of a folder. */
  tracks(path: string): boolean {
    if (isEditorTempFile(path)) return false;
    if (this.files.has(path)) return true;
    const folder = this.folders.get(dirname(path));
    return folder !== undefined && (folder.accept?.(basename(path)) ?? true);
  }

  isFolder(path: string): boolean {
    return this.folders.has(path);
  }

  /**
   * Directories to watch one level deep. A file is watched through its folder and a folder
   * through its parent as well, so deleting and re-creating either is seen (a watch on the
   * path itself dies with its inode).
   */
  roots(): Set<string> {
    const out = new Set<string>();
    for (const f of this.files) out.add(dirname(f));
    for (const d of this.folders.keys()) {
      out.add(d);
      out.add(dirname(d));
    }
    return out;
  }

  /** Paths a watcher must see inside `roots()`: the roots, folders and tracked files. */
  wanted(path: string, roots: ReadonlySet<string>): boolean {
    return roots.has(path) || this.folders.has(path) || this.tracks(path);
  }
}
