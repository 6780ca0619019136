import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMockFile, loadMockFile, MOCK_EXTENSIONS, type MockModule } from './mock-module.js';

/**
 * A mock folder (`{"folder": "mocks/api"}`) mirrors the backend's paths: `GET /users/1` is
 * answered by `users/1.GET.json` or `users/1.json`, else `users/1/index.json`, else a dynamic
 * name, `users/[id].json` or `users/[id]/index.json`, which also binds the param `id`. Exact
 * names win over dynamic ones at every level; any extension of {@link MOCK_EXTENSIONS} works.
 * The folder is read at each call and files are reloaded when they (or their imports) change,
 * so new files and folders are served at once.
 */
export interface FolderHit {
  file: string;
  params: Record<string, string>;
}

const DYNAMIC = /^\[([A-Za-z_][\w-]*)\]$/;

async function list(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** `name.METHOD.ext` first, then `name.ext`, among the folder's files. */
function pickFile(entries: readonly Dirent[], name: string, method: string): string | undefined {
  const files = new Set(entries.filter((e) => e.isFile() && isMockFile(e.name)).map((e) => e.name));
  for (const stem of [`${name}.${method}`, name]) {
    for (const ext of MOCK_EXTENSIONS) if (files.has(stem + ext)) return stem + ext;
  }
  return undefined;
}

/** Dynamic entries (`[id]`), as files' stems or folder names, in name order. */
function dynamicNames(entries: readonly Dirent[], dirs: boolean): string[] {
  const out = new Set<string>();
  for (const e of entries) {
    if (dirs !== e.isDirectory()) continue;
    const stem = dirs ? e.name : e.name.replace(/(\.[A-Za-z]+)?\.[a-z]+$/, '');
    if (DYNAMIC.test(stem)) out.add(stem);
  }
  return [...out].sort();
}

async function walk(
  dir: string,
  segments: readonly string[],
  i: number,
  method: string,
  params: Record<string, string>,
): Promise<FolderHit | undefined> {
  const entries = await list(dir);
  if (i === segments.length) {
    const index = pickFile(entries, 'index', method);
    return index ? { file: join(dir, index), params } : undefined;
  }
  const seg = segments[i]!;
  const last = i === segments.length - 1;
  if (last) {
    const exact = pickFile(entries, seg, method);
    if (exact) return { file: join(dir, exact), params };
  }
  if (entries.some((e) => e.isDirectory() && e.name === seg)) {
    const hit = await walk(join(dir, seg), segments, i + 1, method, params);
    if (hit) return hit;
  }
  if (last) {
    for (const stem of dynamicNames(entries, false)) {
      const file = pickFile(entries, stem, method);
      if (file)
        return { file: join(dir, file), params: { ...params, [DYNAMIC.exec(stem)![1]!]: seg } };
    }
  }
  for (const name of dynamicNames(entries, true)) {
    const bound = { ...params, [DYNAMIC.exec(name)![1]!]: seg };
    const hit = await walk(join(dir, name), segments, i + 1, method, bound);
    if (hit) return hit;
  }
  return undefined;
}

/** The file answering `method path` under `root`, or undefined. Only listed names are used. */
export function findMockFile(
  root: string,
  path: string,
  method: string,
): Promise<FolderHit | undefined> {
  const segments: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    let seg = raw;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      // matched as written
    }
    if (seg === '.' || seg === '..' || /[/\\\0]/.test(seg)) return Promise.resolve(undefined);
    segments.push(seg);
  }
  return walk(root, segments, 0, method.toUpperCase(), {});
}

/**
 * Loaded mock files, reloaded when the file or one of its imports changed (size or time):
 * one `stat` per input and call, which a dev mock can afford.
 */
export class MockCache {
  readonly #entries = new Map<string, { stamp: string; module: MockModule }>();

  async get(file: string, shown: string): Promise<MockModule> {
    const cached = this.#entries.get(file);
    if (cached && (await stampOf(cached.module.inputs)) === cached.stamp) return cached.module;
    const module = await loadMockFile(file, shown);
    this.#entries.set(file, { stamp: await stampOf(module.inputs), module });
    return module;
  }
}

async function stampOf(files: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    files.map((f) =>
      stat(f).then(
        (s) => `${s.size}:${s.mtimeMs}`,
        () => 'gone',
      ),
    ),
  );
  return parts.join('|');
}
