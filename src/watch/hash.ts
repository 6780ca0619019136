import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/** What a file holds now: its content hash, or `null` when it is missing or not a file. */
export interface FileState {
  hash: string | null;
  mtimeMs: number;
}

const MISSING: FileState = Object.freeze({ hash: null, mtimeMs: 0 });

/** Reads and hashes at once: the hash decides whether a save changed anything (DECISIONS 19). */
export async function readFileState(path: string): Promise<FileState> {
  try {
    const [info, bytes] = await Promise.all([stat(path), readFile(path)]);
    if (!info.isFile()) return MISSING;
    return { hash: createHash('sha1').update(bytes).digest('base64'), mtimeMs: info.mtimeMs };
  } catch {
    return MISSING;
  }
}
