import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/** What a file holds now: its content hash, or `null` when it is missing or not a file. */
export interface FileState {
  hash: string | null;
  mtimeMs: number;
  /** Zero bytes: what a save looks like between its truncate and its write. */
  empty: boolean;
}

const MISSING: FileState = Object.freeze({ hash: null, mtimeMs: 0, empty: false });

/** Reads and hashes at once: the hash decides whether a save changed anything (DECISIONS 19). */
export async function readFileState(path: string): Promise<FileState> {
  try {
    const [info, bytes] = await Promise.all([stat(path), readFile(path)]);
    if (!info.isFile()) return MISSING;
    const hash = createHash('sha1').update(bytes).digest('base64');
    return { hash, mtimeMs: info.mtimeMs, empty: bytes.length === 0 };
  } catch {
    return MISSING;
  }
}
