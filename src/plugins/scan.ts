import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** What a plugin file may be written in; esbuild reads them all (TypeScript without a build). */
export const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'] as const;

const DECLARATION = /\.d\.[mc]?ts$/;

export function moduleExtension(name: string): string | undefined {
  if (DECLARATION.test(name)) return undefined;
  return MODULE_EXTENSIONS.find((ext) => name.endsWith(ext));
}

/**
 * KrakenD keeps the names that *contain* the pattern (not a glob, not a suffix test). So that a
 * production config (`"pattern": ".so"`) works unchanged, `.so` inside the pattern also stands
 * for the file's own module extension: `-plugin.so` matches `auth-plugin.ts`.
 */
export function matchesPattern(name: string, pattern: string): boolean {
  const ext = moduleExtension(name);
  if (ext === undefined) return false;
  if (name.includes(pattern)) return true;
  return pattern.includes('.so') && name.includes(pattern.replace('.so', ext));
}

export interface ScanResult {
  /** Absolute paths in file-name order (Go's `ReadDir` order). */
  files: string[];
  /** Names that contain the pattern but are not JS/TS modules (a Go `.so`, a `.d.ts`). */
  skipped: string[];
  error?: NodeJS.ErrnoException;
}

/** Non-recursive, as KrakenD: sub-folders are never entered. */
export async function scanFolder(folder: string, pattern: string): Promise<ScanResult> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (err) {
    return { files: [], skipped: [], error: err as NodeJS.ErrnoException };
  }
  const names = entries
    .filter((e) => !e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: string[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    if (matchesPattern(name, pattern)) files.push(join(folder, name));
    else if (name.includes(pattern)) skipped.push(join(folder, name));
  }
  return { files, skipped };
}
